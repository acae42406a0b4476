"""Diagnoses, hospital acts, medical units, long-term conditions, biology and devices of the
synthetic SNDS (T_MCOaaB.DGN_PAL/DGN_REL, T_MCOaaD, T_MCOaaA, T_MCOaaUM, IR_IMB_R, ER_BIO_F,
ER_TIP_F), drawn for the persons, DCIR lines and PMSI stays that ``generator`` made.

They use a random stream of their own (``[seed, chunk, CARE_STREAM]``): the tables the
generator emitted before these were added keep the same rows for a given seed.

Every code comes from a shipped nomenclature (``omop/reference/snds/``: IR_CIM_V, CCAM,
IR_BIO_R, NT_LPP subsets) except the deliberate dirt. Plausibility, not epidemiology:

* long-term conditions (ALD) follow their prevalence by age (≈ 14 % of the persons, about
  half of the over-80s) and the main ALD of the Assurance Maladie (diabetes, cancers,
  cardiovascular, psychiatric, neurological…);
* a stay's principal diagnosis depends on age and sex (births, bronchiolitis, deliveries,
  appendicitis, cataract, heart failure, hip fracture…), its acts on that diagnosis, and a
  person's ALD shows up among the associated diagnoses of their stays;
* biology lines (PRS_NAT_REF 3211) carry the usual panels, HbA1c and microalbumin for
  diabetics, INR for atrial fibrillation, PSA for men over 50; device lines (35xx) carry
  LPP codes of their chapter (dressings, orthoses, glucose self-monitoring…).

Dirt, each at the configured rate: CIM-10 codes written with a dot (``E11.9``), unknown
diagnosis / CCAM / NABM / LPP codes, a diagnosis repeated on its stay, associated
diagnoses of a stay that does not exist, hospital acts dated after the end of the stay
(``ENT_DAT_DEL`` > ``SEJ_NBJ``), ALD without start date (``INS_DTE`` only) or ending on the
1600-01-01 placeholder, cancelled biology and device lines (negative quantities), devices
without ``TIP_ACL_DTD``. Real-world features that are not dirt: ALD ending on 2099-12-31,
act phases other than 0/1, missing ``ETA_NUM_GEO``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

CARE_STREAM = 0xCA4E

# Principal diagnoses of MCO stays: (CIM-10, sex 0 = both, age from, age to, weight).
STAY_DIAGNOSES = (
    ("Z380", 0, 0, 0, 60), ("J219", 0, 0, 1, 20), ("A099", 0, 0, 10, 6), ("J069", 0, 0, 10, 3),
    ("R509", 0, 0, 15, 4), ("J189", 0, 0, 120, 5), ("J181", 0, 60, 120, 3),
    ("O800", 2, 18, 44, 30), ("O820", 2, 20, 44, 8), ("K359", 0, 5, 35, 6),
    ("K802", 0, 30, 85, 5), ("K409", 1, 20, 90, 6), ("R104", 0, 5, 60, 4), ("N200", 0, 25, 70, 3),
    ("M511", 0, 30, 65, 3), ("S060", 0, 0, 120, 2), ("S525", 2, 50, 120, 2),
    ("F100", 0, 18, 70, 3), ("T510", 0, 15, 60, 1), ("G409", 0, 0, 120, 1.5),
    ("J459", 0, 2, 50, 1.5), ("K529", 0, 0, 120, 3), ("N390", 0, 0, 120, 3), ("R55", 0, 15, 120, 3),
    ("R074", 0, 30, 90, 4), ("I500", 0, 65, 120, 9), ("I480", 0, 60, 120, 5),
    ("I214", 0, 45, 120, 3), ("I200", 0, 45, 120, 3), ("I639", 0, 55, 120, 5),
    ("S7200", 0, 70, 120, 5), ("H259", 0, 60, 120, 10), ("M179", 0, 55, 90, 4),
    ("M169", 0, 55, 90, 4), ("C509", 2, 35, 90, 3), ("C349", 0, 45, 90, 3), ("C61", 1, 55, 100, 2),
    ("C189", 0, 50, 100, 3), ("Z511", 0, 40, 90, 8), ("Z491", 0, 40, 100, 3),
    ("J441", 0, 50, 120, 4), ("K566", 0, 50, 120, 2), ("E119", 0, 40, 120, 2),
    ("D649", 0, 60, 120, 2), ("E86", 0, 75, 120, 2), ("K219", 0, 30, 80, 1),
)  # fmt: skip
# Associated diagnoses (T_MCOaaD): comorbidities, same layout.
ASSOCIATED_DIAGNOSES = (
    ("I10", 0, 40, 120, 20), ("E119", 0, 40, 120, 10), ("E780", 0, 40, 120, 8),
    ("E669", 0, 18, 120, 6), ("F171", 0, 15, 80, 6), ("N183", 0, 55, 120, 4),
    ("I489", 0, 60, 120, 5), ("E039", 2, 30, 120, 3), ("D649", 0, 0, 120, 4),
    ("F329", 0, 18, 120, 3), ("Z950", 0, 65, 120, 2), ("J449", 0, 50, 120, 3),
    ("E440", 0, 70, 120, 3), ("K760", 0, 35, 90, 2), ("G473", 0, 40, 90, 2), ("F03", 0, 75, 120, 3),
    ("R509", 0, 0, 120, 2), ("E86", 0, 65, 120, 3), ("N390", 0, 0, 120, 2),
)  # fmt: skip
# Long-term conditions: (CIM-10, ALD number of IR_ALD_V, sex, age from, age to, weight).
ALD_CONDITIONS = (
    ("E119", 8, 0, 35, 120, 25), ("E109", 8, 0, 0, 60, 3), ("C509", 30, 2, 30, 120, 8),
    ("C61", 30, 1, 50, 120, 6), ("C189", 30, 0, 45, 120, 4), ("C349", 30, 0, 45, 120, 3),
    ("I10", 12, 0, 40, 120, 8), ("I251", 13, 0, 45, 120, 10), ("I500", 5, 0, 60, 120, 6),
    ("I489", 5, 0, 55, 120, 6), ("F200", 23, 0, 18, 80, 3), ("F329", 23, 0, 18, 120, 5),
    ("G309", 15, 0, 65, 120, 5), ("F03", 15, 0, 70, 120, 2), ("G20", 16, 0, 55, 120, 2),
    ("J449", 14, 0, 45, 120, 4), ("J459", 14, 0, 0, 60, 2), ("N184", 19, 0, 40, 120, 3),
    ("G35", 25, 0, 20, 70, 1.5), ("B24", 7, 0, 20, 80, 1), ("K500", 24, 0, 15, 70, 1),
    ("M069", 22, 0, 30, 120, 2), ("G409", 9, 0, 0, 120, 1.5), ("I639", 1, 0, 50, 120, 3),
    ("I702", 3, 0, 50, 120, 2), ("E840", 18, 0, 0, 50, 0.3), ("K703", 6, 0, 35, 90, 1),
)  # fmt: skip
# Share of persons in ALD by 5-year age band (0-4 … 100+).
ALD_PREVALENCE = (0.02, 0.025, 0.03, 0.035, 0.04, 0.05, 0.06, 0.07, 0.09, 0.11, 0.14, 0.18,
                  0.22, 0.27, 0.32, 0.38, 0.43, 0.48, 0.52, 0.55, 0.55)  # fmt: skip
# Acts of a stay by its principal diagnosis (CCAM), else imaging / ECG by chance.
STAY_ACTS = {
    "H259": "BFGA004", "K359": "HHFA016", "K802": "HMFC004", "O800": "JQGD010",
    "O820": "JQGA002", "M169": "NEKA020", "S7200": "NEKA012", "M179": "NFKA008",
    "I214": "DDAF001", "I200": "DDAF001", "Z491": "JVJF004", "C189": "HHQE002",
    "I639": "EBQM001", "R074": "DEQP003", "J189": "ZBQK002", "R104": "ZCQK004",
    "K566": "ZCQH001", "J441": "ZBQK002", "I500": "DEQP003",
}  # fmt: skip
WORKUP_ACTS = ("ZBQK002", "DEQP003", "ZCQK004", "ZCQM001", "ZCQH001")
# NABM acts of a biology line: (code, weight); targeted ones are weighted per person.
BIOLOGY = (
    ("1104", 30), ("552", 25), ("593", 20), ("996", 15), ("1610", 12), ("1804", 12),
    ("1208", 10), ("522", 10), ("519", 8), ("1139", 6), ("5201", 5), ("1213", 6),
    ("7318", 0), ("7402", 0), ("1577", 0), ("127", 0), ("1133", 0),
)  # fmt: skip
SAFETY_FEE = "9105"  # forfait de sécurité: on most blood samples
# LPP codes by device nature (PRS_NAT_REF) of the DCIR line.
DEVICES = {
    "3511": ("1100040", "1103446", "1103297", "1105416"),  # PPC, oxygen
    "3512": ("1103392", "1241763", "1235662", "1285619"),  # home infusion, bed, walker
    "3513": ("2181945", "7141407", "1301117"),  # compression
    "3514": ("1198033", "6124594", "1101826", "1112391", "1138077"),  # self-monitoring, needles
    "3515": ("1300709", "1300744", "1301070", "1301130", "1301525"),  # dressings
    "3518": ("1173493", "1178869"),  # nebulisers
    "3521": ("2124338", "2152211", "2145984", "2107972", "1200764"),  # orthoses, cane
    "3522": ("2132303", "2109534"),
}
RENTALS = {"1100040", "1103446", "1103297", "1105416", "1103392", "1241763"}

UNKNOWN_CIM = ("U999", "E1199", "K35X")
UNKNOWN_CCAM = ("XXXX001", "ZZZZ999")
UNKNOWN_NABM = ("8888", "1999")
UNKNOWN_LPP = ("9999999", "1234567")
ALD_OPEN_END = dt.date(2099, 12, 31)
PLACEHOLDER = dt.date(1600, 1, 1)


def codes_used() -> dict[str, set[str]]:
    """The nomenclature codes the generator writes (outside dirt), by nomenclature."""
    cim = {r[0] for r in STAY_DIAGNOSES + ASSOCIATED_DIAGNOSES + ALD_CONDITIONS}
    return {
        "IR_CIM_V": cim,
        "IR_CCAM_V54": set(STAY_ACTS.values()) | set(WORKUP_ACTS),
        "IR_BIO_R": {c for c, _ in BIOLOGY} | {SAFETY_FEE},
        "NT_LPP": {c for codes in DEVICES.values() for c in codes},
    }


@dataclass
class People:
    """The chunk's persons, as ``generator`` drew them."""

    pseudo: np.ndarray
    rank: np.ndarray
    age: np.ndarray
    sex: np.ndarray  # 1 / 2 (the true sex, before dirt)
    alive_days: np.ndarray
    born: np.ndarray  # days from the extract's start to the 1st of the birth month


@dataclass
class Lines:
    """The chunk's DCIR lines (ER_PRS_F rows before the dirt copies)."""

    owner: np.ndarray
    nature: np.ndarray  # PRS_NAT_REF as text
    start: np.ndarray  # datetime64[D]
    amount: np.ndarray
    keys: pa.Table  # the 9 flux keys


@dataclass
class Stays:
    """The chunk's PMSI MCO stays."""

    owner: np.ndarray
    eta: np.ndarray
    rsa: np.ndarray
    los: np.ndarray


class _Picker:
    """Weighted draws of codes whose weights depend on age and sex (one row per
    (5-year band, sex), precomputed)."""

    def __init__(self, table):
        self.codes = np.array([r[0] for r in table])
        sex_of = np.array([r[-4] for r in table])
        lo, hi = np.array([r[-3] for r in table]), np.array([r[-2] for r in table])
        w = np.array([r[-1] for r in table], dtype=float)
        ages = np.arange(0, 105)
        cum = np.zeros((105, 3, len(table)))
        for s in (1, 2):
            ok = (lo[None, :] <= ages[:, None]) & (ages[:, None] <= hi[None, :])
            ok &= (sex_of == 0) | (sex_of == s)
            weights = np.where(ok, w, 0.0)
            total = weights.sum(1, keepdims=True)
            cum[:, s] = np.cumsum(weights / np.where(total == 0, 1, total), axis=1)
        self.cum = cum

    def draw(self, rng: np.random.Generator, age: np.ndarray, sex: np.ndarray) -> np.ndarray:
        rows = self.cum[np.clip(age, 0, 104), sex]
        u = rng.random(len(age))
        idx = np.minimum((rows < u[:, None]).sum(1), len(self.codes) - 1)
        return self.codes[idx]


_STAY = _Picker(STAY_DIAGNOSES)
_ASSOCIATED = _Picker(ASSOCIATED_DIAGNOSES)
_ALD = _Picker([(c, s, lo, hi, w) for c, _, s, lo, hi, w in ALD_CONDITIONS])
_ALD_NUM = {c: n for c, n, *_ in ALD_CONDITIONS}


def draw_care(
    *, seed: int, chunk: int, d0: dt.date, d1: dt.date, dirt: float,
    people: People, lines: Lines, stays: Stays, ccam: np.ndarray,
) -> dict[str, pa.Table]:  # fmt: skip
    """The care tables of one chunk, plus ``T_MCOaaB+`` (DGN_PAL, DGN_REL of each stay)."""
    rng = np.random.default_rng([seed, chunk, CARE_STREAM])
    out: dict[str, pa.Table] = {}
    ald_code, ald_owner = _ald(rng, people, d0, d1, dirt, out)
    # a person's conditions, as a lookup for their stays and lines
    has = {}
    for o, c in zip(ald_owner.tolist(), ald_code.tolist(), strict=True):
        has.setdefault(o, []).append(c)
    _stays(rng, people, stays, has, dirt, out, ccam)
    _biology(rng, people, lines, has, dirt, out)
    _devices(rng, lines, dirt, out)
    return out


def _dirty(rng, codes: np.ndarray, dirt: float, unknown) -> np.ndarray:
    """CIM-10 codes with the dirt: a dot after the category, or an unknown code."""
    codes = codes.astype(object)
    u = rng.random(len(codes))
    dotted = (u < dirt) & (np.char.str_len(codes.astype(str)) > 3)
    codes[dotted] = [c[:3] + "." + c[3:] for c in codes[dotted]]
    bad = (u >= dirt) & (u < 2 * dirt)
    codes[bad] = rng.choice(unknown, size=int(bad.sum()))
    return codes


def _ald(rng, people: People, d0, d1, dirt, out):
    n = len(people.age)
    band = np.minimum(people.age // 5, 20)
    in_ald = rng.random(n) < np.array(ALD_PREVALENCE)[band]
    count = np.where(in_ald, 1 + (rng.random(n) < 0.3) + (rng.random(n) < 0.08), 0)
    owner = np.repeat(np.arange(n), count)
    code = _ALD.draw(rng, people.age[owner], people.sex[owner])
    # one row per (person, condition): a second draw of the same condition is dropped
    pair = np.char.add(owner.astype(str), np.char.add(":", code.astype(str)))
    first = np.unique(pair, return_index=True)[1]
    keep = np.sort(first)
    owner, code = owner[keep], code[keep]
    k = len(owner)
    # started before the extract (most) or during it; open-ended or renewed every 5 years
    days = (d1 - d0).days + 1
    offset = np.where(
        rng.random(k) < 0.85, -rng.integers(30, 15 * 365, k), rng.integers(0, days, k)
    )
    offset = np.minimum(np.maximum(offset, people.born[owner]), people.alive_days[owner])
    start = np.datetime64(d0) + offset.astype("timedelta64[D]")
    ends = rng.random(k)
    end = np.where(ends < 0.55, np.datetime64(ALD_OPEN_END), start + np.timedelta64(5 * 365, "D"))
    end = np.where(ends > 1 - dirt, np.datetime64(PLACEHOLDER), end)
    inserted = start + rng.integers(0, 60, k).astype("timedelta64[D]")
    no_start = rng.random(k) < dirt
    start_col = pa.array(start.astype("datetime64[D]"), pa.date32(), mask=no_start)
    written = _dirty(rng, code, dirt, UNKNOWN_CIM)
    out["IR_IMB_R"] = pa.table({
        "BEN_NIR_PSA": pa.array(people.pseudo[owner], pa.string()),
        "BEN_RNG_GEM": pa.array(people.rank[owner], pa.int64()),
        "IMB_ALD_NUM": pa.array([_ALD_NUM[c] for c in code], pa.int64()),
        "IMB_ALD_DTD": start_col,
        "IMB_ALD_DTF": pa.array(end.astype("datetime64[D]"), pa.date32()),
        "IMB_ETM_NAT": pa.array(np.full(k, 41), pa.int64()),
        "MED_MTF_COD": pa.array(written, pa.string()),
        "MED_NCL_IDT": pa.array(np.full(k, "CIM10"), pa.string()),
        "INS_DTE": pa.array(inserted.astype("datetime64[D]"), pa.date32()),
        "UPD_DTE": pa.array(np.full(k, np.datetime64(d1)), pa.date32()),
    })  # fmt: skip
    return code, owner


def _stays(rng, people: People, stays: Stays, has, dirt, out, ccam) -> None:
    k = len(stays.owner)
    age, sex = people.age[stays.owner], people.sex[stays.owner]
    dp = _STAY.draw(rng, age, sex)
    # the related diagnosis says what a session or a dialysis is for
    dr = np.full(k, "", dtype=object)
    cancers = [[c for c in has.get(o, []) if c.startswith("C")] for o in stays.owner.tolist()]
    default = np.where(sex == 1, "C349", "C509")
    for i in np.flatnonzero(dp == "Z511"):
        dr[i] = cancers[i][0] if cancers[i] else default[i]
    dr[dp == "Z491"] = "N184"
    b = {
        "DGN_PAL": pa.array(_dirty(rng, dp, dirt, UNKNOWN_CIM), pa.string()),
        "DGN_REL": pa.array(dr, pa.string(), mask=dr == ""),
    }
    out["T_MCOaaB+"] = pa.table(b)

    # associated diagnoses: comorbidities by age, the person's ALD, dirt
    n_das = np.minimum(rng.poisson(0.3 + age / 30), 8)
    das_stay = np.repeat(np.arange(k), n_das)
    das = _ASSOCIATED.draw(rng, age[das_stay], sex[das_stay]).astype(object)
    chronic = [(i, c) for i, o in enumerate(stays.owner.tolist()) for c in has.get(o, [])]
    if chronic:
        pick = [x for x in chronic if rng.random() < 0.6]
        das_stay = np.r_[das_stay, np.array([i for i, _ in pick], dtype=np.int64)]
        das = np.r_[das, np.array([c for _, c in pick], dtype=object)]
    twice = np.flatnonzero(rng.random(len(das)) < dirt)  # the same code twice on a stay
    das_stay = np.r_[das_stay, das_stay[twice]]
    das = np.r_[das, das[twice]]
    order = np.argsort(das_stay, kind="stable")
    das_stay, das = das_stay[order], das[order]
    das = _dirty(rng, das.astype(str), dirt, UNKNOWN_CIM)
    eta, rsa = stays.eta[das_stay], stays.rsa[das_stay]
    orphans = rng.random(len(das)) < dirt / 2  # no such stay in T_MCOaaC / B
    rsa = np.where(orphans, rsa + 900_000, rsa)
    out["T_MCOaaD"] = pa.table({
        "ETA_NUM": pa.array(eta, pa.string()), "RSA_NUM": pa.array(rsa, pa.int64()),
        "DGN_ASS_NUM": pa.array(order_within(das_stay), pa.int64()),
        "ASS_DGN": pa.array(das, pa.string()),
    })  # fmt: skip

    # medical units: 1 to 3 per stay, the first one gives the stay's principal diagnosis
    units = 1 + (rng.random(k) < 0.2) + (rng.random(k) < 0.05)
    um_stay = np.repeat(np.arange(k), units)
    um_ord = order_within(um_stay)
    share = rng.random(len(um_stay)) + 0.2
    total = np.bincount(um_stay, weights=share, minlength=k)
    part = np.floor(stays.los[um_stay] * share / np.where(total == 0, 1, total)[um_stay])
    um_dp = np.where(um_ord == 1, dp[um_stay], _STAY.draw(rng, age[um_stay], sex[um_stay]))
    geo = np.where(rng.random(len(um_stay)) < 0.05, "", stays.eta[um_stay])
    um_dr = np.where(um_ord == 1, dr[um_stay], "").astype(object)
    out["T_MCOaaUM"] = pa.table({
        "ETA_NUM": pa.array(stays.eta[um_stay], pa.string()),
        "RSA_NUM": pa.array(stays.rsa[um_stay], pa.int64()),
        "UM_ORD_NUM": pa.array(um_ord, pa.int64()),
        "ETA_NUM_GEO": pa.array(geo, pa.string(), mask=geo == ""),
        "UM_TYP": pa.array(rng.choice(["01A", "03A", "07A", "13A", "14A"], len(um_stay)), pa.string()),
        "PAR_DUR_SEJ": pa.array(part.astype(np.int64), pa.int64()),
        "DGN_PAL": pa.array(_dirty(rng, um_dp, dirt, UNKNOWN_CIM), pa.string()),
        "DGN_REL": pa.array(um_dr, pa.string(), mask=um_dr == ""),
    })  # fmt: skip

    # acts: the one the diagnosis calls for, a work-up by chance, another act rarely
    main = np.array([STAY_ACTS.get(c, "") for c in dp], dtype=object)
    extra = rng.random(k) < 0.35
    workup = rng.choice(WORKUP_ACTS, size=k)
    other = rng.random(k) < 0.1
    act_stay = np.r_[np.flatnonzero(main != ""), np.flatnonzero(extra), np.flatnonzero(other)]
    act = np.r_[main[main != ""], workup[extra], rng.choice(ccam, size=int(other.sum()))]
    order = np.argsort(act_stay, kind="stable")
    act_stay, act = act_stay[order], act[order].astype(object)
    a = len(act_stay)
    bad = rng.random(a) < dirt
    act[bad] = rng.choice(UNKNOWN_CCAM, size=int(bad.sum()))
    los = stays.los[act_stay]
    delay = np.floor(rng.random(a) * (los + 1)).astype(np.int64)
    late = rng.random(a) < dirt  # dated after the end of the stay
    delay = np.where(late, los + rng.integers(1, 15, a), delay)
    u = rng.random(a)
    phase = np.where(u < 0.03, "1", np.where(u < 0.04, "2", "0"))
    out["T_MCOaaA"] = pa.table({
        "ETA_NUM": pa.array(stays.eta[act_stay], pa.string()),
        "RSA_NUM": pa.array(stays.rsa[act_stay], pa.int64()),
        "CDC_ACT": pa.array(act, pa.string()),
        "ACV_ACT": pa.array(np.full(a, "1"), pa.string()),
        "PHA_ACT": pa.array(phase, pa.string()),
        "ENT_DAT_DEL": pa.array(delay, pa.int64()),
        "NBR_EXE_ACT": pa.array(np.where(act == "JVJF004", 3, 1), pa.int64()),
    })  # fmt: skip


def _biology(rng, people: People, lines: Lines, has, dirt, out):
    lab = np.flatnonzero(lines.nature == "3211")
    owner = lines.owner[lab]
    age, sex = people.age[owner], people.sex[owner]
    codes = np.array([c for c, _ in BIOLOGY])
    w = np.tile(np.array([x for _, x in BIOLOGY], dtype=float), (len(lab), 1))
    col = {c: i for i, c in enumerate(codes)}
    diabetic, fibrillation = np.zeros(len(people.age), bool), np.zeros(len(people.age), bool)
    for person, conditions in has.items():
        diabetic[person] = any(c.startswith("E1") for c in conditions)
        fibrillation[person] = any(c.startswith("I48") for c in conditions)
    diabetic, fibrillation = diabetic[owner], fibrillation[owner]
    w[:, col["7318"]] = np.where((sex == 1) & (age >= 50), 10, 0)
    w[:, col["7402"]] = np.where((sex == 2) & (age >= 18) & (age < 45), 4, 0)
    w[:, col["1577"]] = np.where(diabetic, 80, 1)
    w[:, col["1133"]] = np.where(diabetic, 25, 0)
    w[:, col["127"]] = np.where(fibrillation, 60, 1)
    cum = np.cumsum(w / w.sum(1, keepdims=True), axis=1)
    per = np.minimum(1 + rng.poisson(2.5, len(lab)), 10)
    row = np.repeat(np.arange(len(lab)), per)
    idx = np.minimum((cum[row] < rng.random(len(row))[:, None]).sum(1), len(codes) - 1)
    pair = row * 100 + idx  # an act once per line
    pair = np.unique(pair)
    row, code = pair // 100, codes[pair % 100].astype(object)
    fee = np.flatnonzero(rng.random(len(lab)) < 0.9)
    row = np.r_[row, fee]
    code = np.r_[code, np.full(len(fee), SAFETY_FEE, dtype=object)]
    order = np.argsort(row, kind="stable")
    row, code = row[order], code[order]
    bad = rng.random(len(row)) < dirt
    code[bad] = rng.choice(UNKNOWN_NABM, size=int(bad.sum()))
    qty = np.ones(len(row), dtype=np.int64)
    rank = order_within(row)
    cancel = np.flatnonzero(rng.random(len(row)) < dirt)  # a cancellation on the same line
    row = np.r_[row, row[cancel]]
    code = np.r_[code, code[cancel]]
    qty = np.r_[qty, -qty[cancel]]
    rank = np.r_[rank, 50 + rank[cancel]]
    t = lines.keys.take(pa.array(lab[row], pa.int64()))
    out["ER_BIO_F"] = (
        t.append_column("BIO_PRS_IDE", pa.array(code.astype(np.int64), pa.int64()))
        .append_column("BIO_ACT_QSN", pa.array(qty, pa.int64()))
        .append_column("BIO_ORD_NUM", pa.array(rank, pa.int64()))
    )


def _devices(rng, lines: Lines, dirt, out):
    dev = np.flatnonzero(np.isin(lines.nature, list(DEVICES)))
    per = 1 + (rng.random(len(dev)) < 0.2)
    row = np.repeat(dev, per)
    u = rng.random(len(row))
    code = np.array(
        [DEVICES[n][int(x * len(DEVICES[n]))] for n, x in zip(lines.nature[row], u, strict=True)],
        dtype=object,
    )
    bad = rng.random(len(row)) < dirt
    code[bad] = rng.choice(UNKNOWN_LPP, size=int(bad.sum()))
    qty = rng.integers(1, 4, len(row))
    start = lines.start[row].astype("datetime64[D]")
    rental = np.isin(code, list(RENTALS))
    end = start + np.where(rental, 6, 0).astype("timedelta64[D]")
    no_start = rng.random(len(row)) < dirt
    price = np.round(lines.amount[row] / qty, 2)
    rank = order_within(row)
    cancel = np.flatnonzero(rng.random(len(row)) < dirt)
    pick = np.r_[np.arange(len(row)), cancel]
    t = lines.keys.take(pa.array(row[pick], pa.int64()))
    out["ER_TIP_F"] = (
        t.append_column("TIP_PRS_IDE", pa.array(code[pick].astype(np.int64), pa.int64()))
        .append_column("TIP_ACT_QSN", pa.array(np.r_[qty, -qty[cancel]], pa.int64()))
        .append_column("TIP_ORD_NUM", pa.array(np.r_[rank, 50 + rank[cancel]], pa.int64()))
        .append_column("TIP_ACL_DTD", pa.array(start[pick], pa.date32(), mask=no_start[pick]))
        .append_column("TIP_ACL_DTF", pa.array(end[pick], pa.date32(), mask=~rental[pick]))
        .append_column("TIP_ACT_PRU", pa.array(price[pick], pa.float64()))
    )


def order_within(rows: np.ndarray) -> np.ndarray:
    """1, 2, 3… within runs of equal values (rows are sorted)."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
    counts = np.diff(np.r_[starts, len(rows)])
    return np.arange(len(rows)) - np.repeat(starts, counts) + 1
