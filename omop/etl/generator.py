"""Synthetic SNDS extract: IR_BEN_R, ER_PRS_F, ER_PHA_F, ER_CAM_F, ER_ETE_F, T_MCOaaE/B/C,
and (``generator_care``) T_MCOaaB's diagnoses, T_MCOaaD/A/UM, IR_IMB_R, ER_BIO_F, ER_TIP_F.

Coherent and plausible rather than realistic in every detail:

* persons follow the French age pyramid (INSEE, 1 January 2013, 5-year bands) and sex
  ratio (48.5 % men), live in a commune of the INSEE COG 2023;
* each person has a care rate by age and sex (≈ 33 DCIR lines per person per year on
  average, gamma-distributed between persons); the nature of each line (``PRS_NAT_REF``)
  follows its share in the DCIR (``PERCENT`` of the shipped PRS_NAT_REF table), so about
  40 % of lines are pharmacy lines, each with 1–3 ER_PHA_F rows (real CIP codes);
* CCAM acts get an ER_CAM_F row (real CCAM codes), a share of lines an ER_ETE_F row (an
  establishment of T_MCOaaE); the 9 flux keys link the ER_* tables;
* a configurable rate of real-world dirt: information lines (``DPN_QLF`` = 71), unknown
  sex codes, missing birth years, cancelled sales (a second line with a negative
  quantity), end dates before start dates, superseded IR_BEN_R rows, death placeholders,
  PMSI stays with a non-zero return code.

Diagnoses, hospital acts, medical units, long-term conditions, biology and devices are drawn
by ``generator_care`` from a random stream of their own, so the tables above keep their rows
for a given seed.

It streams by chunks of persons (fixed size, each with its own random stream derived from
the seed), so memory stays bounded and the same seed always gives the same files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import reference
from .errors import InputError
from .generator_care import Lines, People, Stays, codes_used, draw_care
from .generator_care import order_within as _order_within

CHUNK = 2000  # persons per chunk: part of the seed contract, do not change lightly
EXAMPLE_PSEUDONYM = "DPXX:0000000000000000001X"

# INSEE population pyramid, France, 1 January 2013: share (%) of each 5-year age band
# (0-4 … 95-99, 100+).
AGE_PYRAMID = (6.1, 6.2, 6.2, 5.9, 5.8, 5.9, 6.1, 6.3, 6.8, 6.8, 6.8, 6.5, 6.4, 5.6, 4.2,
               3.7, 3.1, 2.2, 1.0, 0.3, 0.05)  # fmt: skip
# DCIR lines per person per year by age band (relative), calibrated to ≈ 33 overall.
CARE_BY_AGE = (30, 16, 14, 15, 18, 21, 23, 24, 25, 28, 31, 36, 43, 51, 60, 69, 78, 85, 90,
               92, 92)  # fmt: skip
MALE_SHARE = 0.485
STAY_RATE = 0.15  # PMSI MCO stays per person per year (scaled by age)

PHARMACY, LAB, OUTPATIENT = 581458, 32036, 9202
CCAM_NATURES = {"1351", "1352", "1324", "1321", "1323", "1453", "1322", "1465", "1331"}
IMAGING = {"1351", "1324", "1331"}
ACTIVITY = {"3111": 24, "3112": 24, "3116": 24, "1842": 24, "3125": 26, "3122": 26,
            "3132": 28, "4214": 56}  # fmt: skip
SPECIALISTS = (2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 32, 33, 41, 42)

PRS_COLUMNS = ("BEN_NIR_PSA", "BEN_RNG_GEM", "BEN_SEX_COD", "BEN_NAI_ANN", "BEN_RES_DPT",
               "EXE_SOI_DTD", "EXE_SOI_DTF", "PRE_PRE_DTD", "PRS_NAT_REF", "PRS_ACT_QTE",
               "PRS_PAI_MNT", "BSE_REM_MNT", "BSE_REM_BSE", "PSE_SPE_COD", "PSE_ACT_NAT",
               "PFS_EXE_NUM", "PFS_PRE_NUM", "DPN_QLF", "PRS_DPN_QLP")  # fmt: skip
FLUX = ("FLX_DIS_DTD", "FLX_TRT_DTD", "FLX_EMT_TYP", "FLX_EMT_NUM", "FLX_EMT_ORD",
        "ORG_CLE_NUM", "DCT_ORD_NUM", "PRS_ORD_NUM", "REM_TYP_AFF")  # fmt: skip


def cip13(cip7: str) -> str:
    """CIP13 of a historic CIP7: ``34009`` + CIP7 + EAN-13 check digit."""
    body = "34009" + cip7
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


class _Writer:
    """Appends Arrow tables to one CSV (``;``) or Parquet file per SNDS table."""

    def __init__(self, folder: Path, fmt: str):
        self.folder, self.fmt = folder, fmt
        self.writers: dict[str, object] = {}
        self.rows: dict[str, int] = {}
        self.schemas: dict[str, pa.Schema] = {}

    def write(self, name: str, table: pa.Table) -> None:
        if name in self.writers:
            schema = self.schemas[name]
            table = table.select(schema.names).cast(schema)
        else:
            path = self.folder / f"{name}.{self.fmt}"
            if self.fmt == "csv":
                self.writers[name] = pacsv.CSVWriter(
                    path, table.schema,
                    write_options=pacsv.WriteOptions(delimiter=";", quoting_style="needed"),
                )  # fmt: skip
            else:
                self.writers[name] = pq.ParquetWriter(path, table.schema)
            self.rows[name] = 0
            self.schemas[name] = table.schema
        self.writers[name].write_table(table)
        self.rows[name] += table.num_rows

    def close(self) -> None:
        for w in self.writers.values():
            w.close()


def generate_extract(
    output: str | Path,
    *,
    persons: int,
    seed: int = 0,
    fmt: str = "csv",
    start: str = "2013-01-01",
    end: str = "2015-12-31",
    include_example: bool = False,
    dirt: float = 0.01,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Write a synthetic extract into ``output``; returns the rows written per table."""
    if fmt not in ("csv", "parquet"):
        raise InputError("unknown_format", format=fmt, choices=["csv", "parquet"])
    if persons < 0 or not 0 <= dirt <= 0.5:
        raise InputError("generator_parameters", persons=persons, dirt=dirt)
    d0, d1 = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    if d1 < d0:
        raise InputError("window_reversed")
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    writer = _Writer(folder, fmt)
    ctx = _Static(seed, d0, d1, persons)
    aa = f"{d0.year % 100:02d}"
    try:
        writer.write(f"T_MCO{aa}E", ctx.establishments_table(include_example))
        if include_example:
            for name, table in _example(ctx).items():
                writer.write(name.replace("aa", aa), table)
        for chunk in range(0, (persons + CHUNK - 1) // CHUNK):
            first = chunk * CHUNK
            n = min(CHUNK, persons - first)
            for name, table in _chunk(ctx, chunk, first, n, dirt).items():
                writer.write(name.replace("aa", aa), table)
            if progress:
                progress(first + n, persons)
    finally:
        writer.close()
    return dict(writer.rows)


class _Static:
    """Reference draws shared by all chunks (nomenclatures, establishments)."""

    def __init__(self, seed: int, d0: dt.date, d1: dt.date, persons: int):
        self.seed, self.d0, self.d1 = seed, d0, d1
        self.days = (d1 - d0).days + 1
        rng = np.random.default_rng([seed, 0xE7AB])
        visit = reference.prs_nat_ref_visit()
        self.natures = np.array(list(visit))
        share = np.array([p for _, p in visit.values()])
        self.nature_p = share / share.sum()
        self.nature_concept = np.array([c for c, _ in visit.values()])
        skip = {"75056", "69123", "13055"}  # cities coded by arrondissement
        communes = sorted(c for c in reference.communes() if c not in skip)
        self.communes = np.array(communes)
        ccam = [r["CAM_PRS_IDE_COD"] for r in reference.nomenclature("IR_CCAM")]
        self.pmsi_ccam = np.array(ccam)
        # DCIR acts: the subset as it was before the hospital acts were added (seed contract)
        hospital = codes_used()["IR_CCAM_V54"]
        self.ccam = np.array([c for c in ccam if c not in hospital])
        self.cip13 = np.array([cip13(r["PHA_PRS_IDE"]) for r in reference.nomenclature("IR_CIP")])
        n_est = max(20, persons // 500)
        deps = rng.choice(sorted(reference.departements()), size=n_est)
        self.finess = np.array(
            [_finess(d, int(x)) for d, x in zip(deps, rng.integers(0, 99999, n_est), strict=True)]
        )
        self.private = rng.random(n_est) < 0.45
        self.est_names = [
            f"{'CLINIQUE' if p else 'CENTRE HOSPITALIER'} {'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[i % 26]}"
            f"{i // 26 or ''} ({d})"
            for i, (p, d) in enumerate(zip(self.private, deps, strict=True))
        ]

    def establishments_table(self, include_example: bool) -> pa.Table:
        rows = {"ETA_NUM": list(self.finess), "ETB_EXE_FIN": [""] * len(self.finess),
                "SOC_RAI": self.est_names, "ANN_TRT": [str(self.d0.year)] * len(self.finess),
                "STA_ETA": ["PRI" if p else "PUB" for p in self.private]}  # fmt: skip
        # a renamed establishment: the latest ANN_TRT name wins in CARE_SITE
        rows["ETA_NUM"].append(self.finess[0])
        rows["ETB_EXE_FIN"].append("")
        rows["SOC_RAI"].append(self.est_names[0] + " - NOUVEAU NOM")
        rows["ANN_TRT"].append(str(self.d1.year))
        rows["STA_ETA"].append(rows["STA_ETA"][0])
        if include_example:
            for k, v in _EXAMPLE_CLINIC.items():
                rows[k].append(v)
        return pa.table(rows)


def _finess(dep: str, number: int) -> str:
    body = (dep if len(dep) == 3 else dep.zfill(2) + "0") + f"{number:05d}"
    digits = [int(c) if c.isdigit() else 1 for c in body]  # 2A/2B: Luhn on digits only
    check = sum(sum(divmod(d * (2 if i % 2 else 1), 10)) for i, d in enumerate(digits)) % 10
    return body + str((10 - check) % 10)


def _chunk(ctx: _Static, chunk: int, first: int, n: int, dirt: float) -> dict[str, pa.Table]:
    rng = np.random.default_rng([ctx.seed, chunk])
    out = {}
    # --- persons --------------------------------------------------------------------
    idx = np.arange(first, first + n)
    pseudo = np.array([f"SYNT:{i:019d}X" for i in idx])
    rank = np.ones(n, dtype=np.int64)
    twin = (rng.random(n) < 0.003) & (np.arange(n) > 0)
    pseudo[twin] = pseudo[np.where(twin)[0] - 1]
    rank[twin] = 2
    band = rng.choice(len(AGE_PYRAMID), size=n, p=np.array(AGE_PYRAMID) / sum(AGE_PYRAMID))
    age = band * 5 + rng.integers(0, 5, n)
    sex = np.where(rng.random(n) < MALE_SHARE, 1, 2)
    birth_year = ctx.d0.year - age
    birth_month = rng.integers(1, 13, n)
    commune = rng.choice(ctx.communes, size=n)
    dep = np.array([c[:3] if c.startswith("97") else "0" + c[:2] for c in commune])
    com = np.array([c[2:] if c.startswith("97") else c[2:] for c in commune])
    death_p = np.clip(0.0004 * np.exp((age - 40) / 9.5), 0, 0.6) * ctx.days / 365
    dies = rng.random(n) < death_p
    # no care before birth: days from the extract's start to the 1st of the birth month (the
    # SNDS knows the month), negative for persons born before the extract
    first_of_month = ((birth_year - 1970) * 12 + birth_month - 1).astype("datetime64[M]")
    born = (first_of_month.astype("datetime64[D]") - np.datetime64(ctx.d0, "D")).astype(np.int64)
    born_day = np.clip(born, 0, ctx.days - 1)
    death_day = np.where(dies, np.maximum(rng.integers(0, ctx.days, n), born_day), ctx.days)
    sex_code = sex.astype(str).astype(object)
    sex_code[rng.random(n) < dirt] = rng.choice(["0", "9"])
    year_text = birth_year.astype(str).astype(object)
    year_text[rng.random(n) < dirt] = None
    dcd = [
        (ctx.d0 + dt.timedelta(days=int(d))) if x else None
        for d, x in zip(death_day, dies, strict=True)
    ]
    placeholder = rng.random(n) < dirt / 2
    dcd = [dt.date(1600, 1, 1) if p else d for d, p in zip(dcd, placeholder, strict=True)]
    maj = ctx.d1
    ben = {
        "BEN_NIR_PSA": pseudo, "BEN_RNG_GEM": rank, "BEN_SEX_COD": sex_code,
        "BEN_NAI_ANN": year_text, "BEN_NAI_MOI": [f"{m:02d}" for m in birth_month],
        "BEN_RES_DPT": dep, "BEN_RES_COM": com, "BEN_DCD_DTE": pa.array(dcd, pa.date32()),
        "BEN_DTE_MAJ": [maj] * n,
    }  # fmt: skip
    ben_t = _table(ben)
    old = np.where(rng.random(n) < dirt)[0]  # superseded rows: older, another residence
    if len(old):
        older = ben_t.take(pa.array(old))
        older = older.set_column(
            older.schema.get_field_index("BEN_DTE_MAJ"), "BEN_DTE_MAJ",
            pa.array([ctx.d0] * len(old)),
        ).set_column(
            older.schema.get_field_index("BEN_RES_COM"), "BEN_RES_COM",
            pa.array(["999"] * len(old)),
        )  # fmt: skip
        ben_t = pa.concat_tables([ben_t, older])
    out["IR_BEN_R"] = ben_t

    # --- DCIR lines -----------------------------------------------------------------
    rate = np.array(CARE_BY_AGE)[band] * np.where(sex == 2, 1.12, 0.88)
    rate *= rng.gamma(0.8, 1 / 0.8, n)
    alive_days = np.minimum(death_day, ctx.days)
    lines = rng.poisson(rate * alive_days / 365)
    owner = np.repeat(np.arange(n), lines)
    m = len(owner)
    day = born_day[owner] + (rng.random(m) * (alive_days - born_day)[owner]).astype(np.int64)
    nature_i = rng.choice(len(ctx.natures), size=m, p=ctx.nature_p)
    nature = ctx.natures[nature_i]
    concept = ctx.nature_concept[nature_i]
    is_pha = concept == PHARMACY
    is_lab = concept == LAB
    is_ccam = np.isin(nature, list(CCAM_NATURES))
    medical = (np.char.str_len(nature.astype(str)) == 4) & (
        np.char.startswith(nature.astype(str), "1")
    )
    act = np.array([ACTIVITY.get(x, 0) for x in nature]) if m else np.zeros(0, dtype=np.int64)
    act = np.where(is_pha, 50, np.where(is_lab, 30, act))
    gp = rng.random(m) < 0.7
    spe = np.where(gp, 1, rng.choice(SPECIALISTS, size=m))
    spe = np.where(np.isin(nature, list(IMAGING)), 6, spe)
    spe = np.where(medical & (act == 0), spe, 0)
    spe = np.where((spe == 0) & (act == 0), 99, spe)
    qty = np.where(act == 26, rng.integers(1, 11, m), 1)
    span = np.where(qty > 1, qty * 2, 0)
    # practitioners: the person's own GP, pools of others by kind
    own_gp = rng.integers(0, max(1, n // 8), n)[owner] + chunk * 100_000
    pool = rng.integers(0, 5_000, m)
    pfs_num = np.where(spe == 1, own_gp, pool + np.where(is_pha, 1_000_000, 2_000_000))
    pfs = pc.binary_join_element_wise(
        pa.array(dep[owner]).cast(pa.string()),
        pc.utf8_lpad(pa.array(pfs_num).cast(pa.string()), 7, "0"),
        "",
    )
    dtd = np.datetime64(ctx.d0) + day.astype("timedelta64[D]")
    dtf = dtd + span.astype("timedelta64[D]")
    backwards = rng.random(m) < dirt
    dtf = np.where(backwards, dtd - np.timedelta64(3, "D"), dtf)
    flx = (dtd.astype("datetime64[M]") + 1 + rng.integers(0, 2, m)).astype("datetime64[D]")
    dct = np.arange(m, dtype=np.int64) + np.int64(chunk) * 10_000_000 + 1
    amount = np.round(rng.gamma(2.0, 12.0, m), 2)
    prs = {
        "BEN_NIR_PSA": pc.take(pa.array(pseudo), pa.array(owner)),
        "BEN_RNG_GEM": rank[owner], "BEN_SEX_COD": pc.take(pa.array(sex_code), pa.array(owner)),
        "BEN_NAI_ANN": pc.take(pa.array(year_text), pa.array(owner)),
        "BEN_RES_DPT": dep[owner],
        "EXE_SOI_DTD": dtd, "EXE_SOI_DTF": dtf, "PRE_PRE_DTD": dtd - (2 * is_pha).astype("timedelta64[D]"),
        "PRS_NAT_REF": nature.astype(np.int64), "PRS_ACT_QTE": qty, "PRS_PAI_MNT": amount,
        "BSE_REM_MNT": np.round(amount * 0.7, 2), "BSE_REM_BSE": amount, "PSE_SPE_COD": spe,
        "PSE_ACT_NAT": act,
        "PFS_EXE_NUM": pfs, "PFS_PRE_NUM": pfs, "DPN_QLF": np.zeros(m, dtype=np.int64),
        "PRS_DPN_QLP": np.zeros(m, dtype=np.int64),
        "FLX_DIS_DTD": flx, "FLX_TRT_DTD": flx - np.timedelta64(5, "D"),
        "FLX_EMT_TYP": np.ones(m, dtype=np.int64), "FLX_EMT_NUM": rng.integers(1, 30, m),
        "FLX_EMT_ORD": np.zeros(m, dtype=np.int64),
        "ORG_CLE_NUM": pc.binary_join_element_wise("01C", pa.array(dep[owner]), "000", ""),
        "DCT_ORD_NUM": dct, "PRS_ORD_NUM": np.ones(m, dtype=np.int64),
        "REM_TYP_AFF": np.ones(m, dtype=np.int64),
    }  # fmt: skip
    prs_t = _table(prs)
    keys = prs_t.select(list(FLUX))

    # pharmacy: 1–3 drugs per line; cancelled sales add a negative line on the same visit
    pha_lines = np.where(is_pha)[0]
    per = rng.integers(1, 4, len(pha_lines))
    pha_rows = np.repeat(pha_lines, per)
    drug = rng.choice(ctx.cip13, size=len(pha_rows))
    boxes = rng.integers(1, 4, len(pha_rows))
    pha = keys.take(pa.array(pha_rows)).append_column("PHA_PRS_C13", pa.array(drug))
    pha = pha.append_column("PHA_ACT_QSN", pa.array(boxes)).append_column(
        "PHA_ORD_NUM", pa.array(_order_within(pha_rows))
    )
    cancel = np.where(rng.random(len(pha_rows)) < dirt)[0]
    extra_prs, extra_pha = [], []
    if len(cancel):
        src = pha_rows[cancel]
        new_dct = np.arange(len(cancel), dtype=np.int64) + np.int64(chunk) * 10_000_000 + 9_000_000
        copy = prs_t.take(pa.array(src))
        copy = copy.set_column(
            copy.schema.get_field_index("DCT_ORD_NUM"), "DCT_ORD_NUM", pa.array(new_dct)
        )
        extra_prs.append(copy)
        neg = copy.select(list(FLUX)).append_column("PHA_PRS_C13", pa.array(drug[cancel]))
        neg = neg.append_column("PHA_ACT_QSN", pa.array(-boxes[cancel])).append_column(
            "PHA_ORD_NUM", pa.array(np.ones(len(cancel), dtype=np.int64))
        )
        extra_pha.append(neg)
    info = np.where(rng.random(m) < dirt)[0]  # information-only duplicates
    if len(info):
        copy = prs_t.take(pa.array(info))
        copy = copy.set_column(copy.schema.get_field_index("DPN_QLF"), "DPN_QLF",
                               pa.array(np.full(len(info), 71, dtype=np.int64)))  # fmt: skip
        copy = copy.set_column(copy.schema.get_field_index("DCT_ORD_NUM"), "DCT_ORD_NUM",
                               pa.array(np.arange(len(info), dtype=np.int64)
                                        + np.int64(chunk) * 10_000_000 + 8_000_000))  # fmt: skip
        extra_prs.append(copy)
    out["ER_PRS_F"] = pa.concat_tables([prs_t, *extra_prs])
    out["ER_PHA_F"] = pa.concat_tables([pha, *extra_pha])

    cam_lines = np.where(is_ccam)[0]
    out["ER_CAM_F"] = (
        keys.take(pa.array(cam_lines))
        .append_column("CAM_PRS_IDE", pa.array(rng.choice(ctx.ccam, size=len(cam_lines))))
        .append_column("CAM_ACT_COD", pa.array(np.ones(len(cam_lines), dtype=np.int64)))
    )
    in_est = np.where((is_ccam & (rng.random(m) < 0.5)) | (is_lab & (rng.random(m) < 0.2)))[0]
    est = rng.integers(0, len(ctx.finess), len(in_est))
    out["ER_ETE_F"] = (
        keys.take(pa.array(in_est))
        .append_column("ETB_EXE_FIN", pa.array([f[:8] for f in ctx.finess[est]]))
        .append_column("ETE_CAT_COD", pa.array(np.where(ctx.private[est], 365, 101)))
    )

    # --- PMSI MCO stays -------------------------------------------------------------
    stays = rng.poisson(STAY_RATE * (1 + age / 40) * alive_days / 365)
    s_owner = np.repeat(np.arange(n), stays)
    k = len(s_owner)
    s_day = born_day[s_owner] + (rng.random(k) * (alive_days - born_day)[s_owner]).astype(np.int64)
    los = rng.geometric(0.3, k) - 1
    s_est = rng.integers(0, len(ctx.finess), k)
    ent = [ctx.d0 + dt.timedelta(days=int(d)) for d in s_day]
    sor = [e + dt.timedelta(days=int(x)) for e, x in zip(ent, los, strict=True)]
    rsa = np.arange(k, dtype=np.int64) + np.int64(chunk) * 1_000_000 + 1
    ret = np.where(rng.random(k) < dirt, "1", "0")
    out["T_MCOaaC"] = pa.table({
        "ETA_NUM": pa.array(ctx.finess[s_est]), "RSA_NUM": pa.array(rsa),
        "NIR_ANO_17": pa.array(pseudo[s_owner]),
        "EXE_SOI_DTD": pa.array([_sas(d) for d in ent], pa.string()),
        "EXE_SOI_DTF": pa.array([_sas(d) for d in sor], pa.string()),
        "ENT_DAT": pa.array([d.strftime("%d/%m/%Y") for d in ent], pa.string()),
        "SOR_DAT": pa.array([d.strftime("%d/%m/%Y") for d in sor], pa.string()),
        **{c: pa.array(ret if c == "NIR_RET" else np.full(k, "0")) for c in
           ("NIR_RET", "NAI_RET", "SEX_RET", "SEJ_RET", "FHO_RET", "PMS_RET", "DAT_RET")},
    })  # fmt: skip
    out["T_MCOaaB"] = pa.table({
        "ETA_NUM": pa.array(ctx.finess[s_est]), "RSA_NUM": pa.array(rsa),
        "ENT_MOD": pa.array(np.full(k, "8")),
        "ENT_PRV": pa.array(np.where(rng.random(k) < 0.2, "5", "")),
        "SEJ_NBJ": pa.array(los), "COD_SEX": pa.array(sex[s_owner].astype(str)),
    })  # fmt: skip

    # --- diagnoses, hospital acts, ALD, biology, devices: a random stream of their own -----
    care = draw_care(
        seed=ctx.seed, chunk=chunk, d0=ctx.d0, d1=ctx.d1, dirt=dirt,
        people=People(pseudo, rank, age, sex, alive_days, born),
        lines=Lines(owner, nature.astype(str), dtd, amount, keys),
        stays=Stays(s_owner, ctx.finess[s_est], rsa, los), ccam=ctx.pmsi_ccam,
    )  # fmt: skip
    for name, column in zip(care["T_MCOaaB+"].column_names, care.pop("T_MCOaaB+").columns,
                            strict=True):  # fmt: skip
        out["T_MCOaaB"] = out["T_MCOaaB"].append_column(name, column)
    out.update(care)
    return out


def _sas(d: dt.date) -> str:
    return d.strftime("%d%b%Y").upper() + ":00:00:00"


def _table(columns: dict) -> pa.Table:
    arrays = {}
    for name, v in columns.items():
        if isinstance(v, np.ndarray) and v.dtype.kind == "M":
            arrays[name] = pa.array(v.astype("datetime64[D]"), pa.date32())
        elif isinstance(v, pa.Array | pa.ChunkedArray):
            arrays[name] = v
        else:
            arrays[name] = pa.array(v)
    return pa.table(arrays)


# --- the worked example of the HDH exercise -----------------------------------------------
# Hôpital Privé des Peupliers, Paris 13e: FINESS 75010016 (9 characters with its key)
_EXAMPLE_CLINIC = {"ETA_NUM": "750100166", "ETB_EXE_FIN": "", "SOC_RAI": "HOPITAL PRIVE DES PEUPLIERS",
                   "ANN_TRT": "2013", "STA_ETA": "PRI"}  # fmt: skip
EXAMPLE_PHARMACY = "750023772"  # Pharmacie Plaisance, Paris 14e (FINESS)
PHARMACY_CATEGORY = 620  # FINESS category: pharmacie d'officine
EXAMPLE_GP = "75" + "0100001"
EXAMPLE_CIP7 = (
    "3002790"  # an ATC M01 (anti-inflammatory) box of IR_CIP_V, standing for ibuprofen 200 mg
)


def _example(ctx: _Static) -> dict[str, pa.Table]:
    """The HDH exercise: a woman born in December 1963 in Paris 14e sees her GP on
    2013-03-04 and has a lumbar spine X-ray (LFQK002) the same day at the Hôpital Privé des
    Peupliers (FINESS 75010016); the next day she buys ibuprofen at the Pharmacie Plaisance
    (FINESS 750023772); from 2013-03-07 she has 10 physiotherapy sessions (NGAP, one line
    ``PRS_NAT_REF`` 3125 with ``PRS_ACT_QTE`` 10, ``PSE_ACT_NAT`` 26)."""
    d = dt.date
    ben = pa.table({
        "BEN_NIR_PSA": [EXAMPLE_PSEUDONYM], "BEN_RNG_GEM": [1], "BEN_SEX_COD": ["2"],
        "BEN_NAI_ANN": ["1963"], "BEN_NAI_MOI": ["12"], "BEN_RES_DPT": ["075"],
        "BEN_RES_COM": ["114"], "BEN_DCD_DTE": pa.array([None], pa.date32()),
        "BEN_DTE_MAJ": [ctx.d1],
    })  # fmt: skip
    lines = [  # date, end, PRS_NAT_REF, qty, SPE, ACT, practitioner
        (d(2013, 3, 4), d(2013, 3, 4), 1111, 1, 1, 0, EXAMPLE_GP),
        (d(2013, 3, 4), d(2013, 3, 4), 1351, 1, 6, 0, "750200001"),
        (d(2013, 3, 5), d(2013, 3, 5), 3313, 1, 0, 50, EXAMPLE_PHARMACY),
        (d(2013, 3, 7), d(2013, 3, 28), 3125, 10, 0, 26, "752000001"),
    ]
    cols = {c: [] for c in PRS_COLUMNS + FLUX}
    for i, (start, end, nature, qty, spe, act, pfs) in enumerate(lines):
        flx = d(2013, 4, 1)
        row = {
            "BEN_NIR_PSA": EXAMPLE_PSEUDONYM, "BEN_RNG_GEM": 1, "BEN_SEX_COD": "2",
            "BEN_NAI_ANN": "1963", "BEN_RES_DPT": "075", "EXE_SOI_DTD": start,
            "EXE_SOI_DTF": end, "PRE_PRE_DTD": start, "PRS_NAT_REF": nature, "PRS_ACT_QTE": qty,
            "PRS_PAI_MNT": 23.0 * qty, "BSE_REM_MNT": 16.1 * qty, "BSE_REM_BSE": 23.0 * qty,
            "PSE_SPE_COD": spe,
            "PSE_ACT_NAT": act, "PFS_EXE_NUM": pfs, "PFS_PRE_NUM": EXAMPLE_GP, "DPN_QLF": 0,
            "PRS_DPN_QLP": 0, "FLX_DIS_DTD": flx, "FLX_TRT_DTD": d(2013, 3, 27),
            "FLX_EMT_TYP": 1, "FLX_EMT_NUM": 1, "FLX_EMT_ORD": 0, "ORG_CLE_NUM": "01C075000",
            "DCT_ORD_NUM": 999_000_000_001 + i, "PRS_ORD_NUM": 1, "REM_TYP_AFF": 1,
        }  # fmt: skip
        for k, v in row.items():
            cols[k].append(v)
    prs = pa.table(cols)
    keys = prs.select(list(FLUX))
    return {
        "IR_BEN_R": ben,
        "ER_PRS_F": prs,
        "ER_PHA_F": keys.take([2]).append_column("PHA_PRS_C13", pa.array([cip13(EXAMPLE_CIP7)]))
        .append_column("PHA_ACT_QSN", pa.array([1])).append_column("PHA_ORD_NUM", pa.array([1])),
        "ER_CAM_F": keys.take([1]).append_column("CAM_PRS_IDE", pa.array(["LFQK002"]))
        .append_column("CAM_ACT_COD", pa.array([1])),
        "ER_ETE_F": keys.take([1, 2])
        .append_column("ETB_EXE_FIN", pa.array([_EXAMPLE_CLINIC["ETA_NUM"][:8], EXAMPLE_PHARMACY[:8]]))
        .append_column("ETE_CAT_COD", pa.array([365, PHARMACY_CATEGORY])),
    }  # fmt: skip
