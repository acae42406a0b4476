"""The SNDS → OMOP mapping definition shared by both engines (rules: OMOP_MAPPING.md).

What lives here is everything that is a *decision* rather than data plumbing: which input
columns are read and how they are normalised, the constants and concept ids, the reject
reasons, what each id hashes, and the small dimension tables (location, care_site,
provider, cdm_source), which both engines build with the same Python code from the few
distinct source values they collect. The row-level rules are the SQL files of
``omop/etl/sql/``, run by DuckDB (``engine_duckdb``) or Spark (``engine_spark``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from . import reference
from .values import numeric_code, stable_id

# --- concept ids ----------------------------------------------------------------------
MALE, FEMALE, NO_MATCH = 8507, 8532, 0
INPATIENT, OUTPATIENT, ER_INPATIENT = 9201, 9202, 262
TELEHEALTH = 5083
CLAIM = 32810
OBSERVATION_PERIOD_TYPE = 44814724
CDM_V54 = 756265
GENDER = {"1": MALE, "2": FEMALE}
TELEHEALTH_CODES = ("1191", "1192", "1193", "1096", "3103", "3104", "3105")
INFO_ONLY_QUALIFIER = "71"  # DPN_QLF / PRS_DPN_QLP: information-only line
NOT_FILLED = ("0", "99")  # PSE_SPE_COD / PSE_ACT_NAT "non renseigné"
DRUG_DAYS = 29  # end = start + 29 days, days_supply = 30
DEATH_PLACEHOLDER = "1600-01-01"
MIN_BIRTH_YEAR = 1850
PMSI_RETURN_CODES = ("NIR_RET", "NAI_RET", "SEX_RET", "SEJ_RET", "FHO_RET", "PMS_RET", "DAT_RET")
# --- Part 2: diagnoses, hospital and NGAP acts, biology, devices, visit details, costs ---
PRIMARY_DIAGNOSIS, SECONDARY_DIAGNOSIS = 32902, 32908
EUR = 44818568
ALD_END_PLACEHOLDERS = ("1600-01-01", "2099-12-31")  # IMB_ALD_DTF "no end"
PMSI_ACT_PHASES = ("0", "1")  # T_MCOaaA.PHA_ACT kept
# DCIR acts of auxiliaries known only by their prestation code (IR_NAT_V): nurses (AMI, AIS,
# SFI), physiotherapists (AMC, AMK, AMS), speech therapists (AMO); not the surcharges,
# travel allowances or transport of the same professions.
NGAP_ACT_CODES = ("3111", "3112", "3113", "3121", "3122", "3125", "3132")
NGAP_PREFIX = "NGAP:"
CIP13_PREFIX = "34009"  # a French CIP13 is 34009 + the drug's CIP7 + a check digit
ERA_PERSISTENCE_DAYS = 30  # OHDSI's drug and condition era persistence window
# well-formed source codes; others are counted as unknown (kept, concept 0)
CODE_PATTERNS = {
    "CIM10": "^[A-Z][0-9]{2}[0-9A-Z]{0,3}$",
    "CCAM": "^[A-Z]{4}[0-9]{3}$",
    "NABM": "^[0-9]{1,4}$",
    "LPP": "^[0-9]{7}$",
    "NGAP": "^NGAP:[0-9]+$",
}
# the table each source's events go to when they have no standard concept, and what a
# standard concept's domain_id routes them to
DOMAIN_TABLES = {
    "Condition": "condition_occurrence",
    "Procedure": "procedure_occurrence",
    "Drug": "drug_exposure",
    "Device": "device_exposure",
    "Measurement": "measurement",
    "Observation": "observation",
}

FLUX_KEYS = (
    "FLX_DIS_DTD", "FLX_TRT_DTD", "FLX_EMT_TYP", "FLX_EMT_NUM", "FLX_EMT_ORD",
    "ORG_CLE_NUM", "DCT_ORD_NUM", "PRS_ORD_NUM", "REM_TYP_AFF",
)  # fmt: skip
FLUX_TEXT_KEYS = ("FLX_DIS_DTD", "FLX_TRT_DTD", "ORG_CLE_NUM")  # compared as text


@dataclass(frozen=True)
class InputTable:
    """What the conversion reads from one SNDS table and how each column is normalised."""

    name: str
    codes: tuple[str, ...] = ()  # numeric codes: no leading zeros, no decimals
    dates: tuple[str, ...] = ()  # → ISO text
    text: tuple[str, ...] = ()  # kept as written (trimmed)
    needed: tuple[str, ...] = ()  # without them the table is unusable

    @property
    def columns(self) -> tuple[str, ...]:
        return self.codes + self.dates + self.text


_FLUX_CODES = tuple(k for k in FLUX_KEYS if k not in FLUX_TEXT_KEYS)
INPUTS = {
    "IR_BEN_R": InputTable(
        "IR_BEN_R",
        codes=("BEN_RNG_GEM", "BEN_SEX_COD", "BEN_NAI_ANN", "BEN_NAI_MOI"),
        dates=("BEN_DCD_DTE", "BEN_DTE_MAJ"),
        text=("BEN_NIR_PSA", "BEN_RES_DPT", "BEN_RES_COM"),
        needed=("BEN_NIR_PSA",),
    ),
    "ER_PRS_F": InputTable(
        "ER_PRS_F",
        codes=(
            "BEN_RNG_GEM",
            "PRS_NAT_REF",
            "PSE_SPE_COD",
            "PSE_ACT_NAT",
            "DPN_QLF",
            "PRS_DPN_QLP",
            "PRS_ACT_QTE",
        )
        + _FLUX_CODES,
        dates=("EXE_SOI_DTD", "EXE_SOI_DTF", "PRE_PRE_DTD", "FLX_DIS_DTD", "FLX_TRT_DTD"),
        text=(
            "BEN_NIR_PSA",
            "PFS_EXE_NUM",
            "ORG_CLE_NUM",
            "PRS_PAI_MNT",
            "BSE_REM_MNT",
            "BSE_REM_BSE",
        ),
        needed=("BEN_NIR_PSA",),
    ),  # fmt: skip
    "ER_PHA_F": InputTable(
        "ER_PHA_F",
        codes=("PHA_ACT_QSN",) + _FLUX_CODES,
        dates=("FLX_DIS_DTD", "FLX_TRT_DTD"),
        text=("PHA_PRS_C13", "ORG_CLE_NUM"),
        needed=("PHA_PRS_C13",),
    ),
    "ER_CAM_F": InputTable(
        "ER_CAM_F",
        codes=_FLUX_CODES,
        dates=("FLX_DIS_DTD", "FLX_TRT_DTD"),
        text=("CAM_PRS_IDE", "ORG_CLE_NUM"),
        needed=("CAM_PRS_IDE",),
    ),
    "ER_ETE_F": InputTable(
        "ER_ETE_F",
        codes=_FLUX_CODES,
        dates=("FLX_DIS_DTD", "FLX_TRT_DTD"),
        text=("ETB_EXE_FIN", "ORG_CLE_NUM"),
        needed=("ETB_EXE_FIN",),
    ),
    "T_MCOAAE": InputTable(
        "T_MCOAAE", text=("ETA_NUM", "ETB_EXE_FIN", "SOC_RAI", "ANN_TRT"), needed=("ETA_NUM",)
    ),
    "T_MCOAAC": InputTable(
        "T_MCOAAC",
        dates=("EXE_SOI_DTD", "EXE_SOI_DTF", "ENT_DAT", "SOR_DAT"),
        codes=PMSI_RETURN_CODES,
        text=("ETA_NUM", "RSA_NUM", "NIR_ANO_17"),
        needed=("ETA_NUM", "RSA_NUM", "NIR_ANO_17"),
    ),
    "T_MCOAAB": InputTable(
        "T_MCOAAB", codes=("ENT_PRV",), text=("ETA_NUM", "RSA_NUM", "DGN_PAL", "DGN_REL")
    ),
    "T_MCOAAD": InputTable(
        "T_MCOAAD", text=("ETA_NUM", "RSA_NUM", "ASS_DGN"), needed=("ETA_NUM", "RSA_NUM", "ASS_DGN")
    ),
    "T_MCOAAA": InputTable(
        "T_MCOAAA",
        codes=("ENT_DAT_DEL", "PHA_ACT", "NBR_EXE_ACT"),
        text=("ETA_NUM", "RSA_NUM", "CDC_ACT"),
        needed=("ETA_NUM", "RSA_NUM", "CDC_ACT"),
    ),
    "T_MCOAAUM": InputTable(
        "T_MCOAAUM",
        codes=("UM_ORD_NUM", "PAR_DUR_SEJ"),
        text=("ETA_NUM", "RSA_NUM", "ETA_NUM_GEO", "UM_TYP", "DGN_PAL", "DGN_REL"),
        needed=("ETA_NUM", "RSA_NUM", "UM_ORD_NUM"),
    ),
    "IR_IMB_R": InputTable(
        "IR_IMB_R",
        codes=("BEN_RNG_GEM", "IMB_ETM_NAT"),
        dates=("IMB_ALD_DTD", "IMB_ALD_DTF", "INS_DTE"),
        text=("BEN_NIR_PSA", "MED_MTF_COD"),
        needed=("BEN_NIR_PSA", "MED_MTF_COD"),
    ),
    "ER_BIO_F": InputTable(
        "ER_BIO_F",
        codes=("BIO_PRS_IDE", "BIO_ACT_QSN") + _FLUX_CODES,
        dates=("FLX_DIS_DTD", "FLX_TRT_DTD"),
        text=("ORG_CLE_NUM",),
        needed=("BIO_PRS_IDE",),
    ),
    "ER_TIP_F": InputTable(
        "ER_TIP_F",
        codes=("TIP_PRS_IDE", "TIP_ACT_QSN") + _FLUX_CODES,
        dates=("TIP_ACL_DTD", "TIP_ACL_DTF", "FLX_DIS_DTD", "FLX_TRT_DTD"),
        text=("ORG_CLE_NUM",),
        needed=("TIP_PRS_IDE",),
    ),
    "IR_SPE_V": InputTable("IR_SPE_V", codes=("PFS_SPE_COD",), text=("PFS_SPE_LIB",)),
    "IR_ACT_V": InputTable("IR_ACT_V", codes=("PFS_ACT_NAT",), text=("ACT_NAT_LIB",)),
}
# Several IR_BEN_R rows for one patient: the one that sorts last on these columns (text) wins.
BEN_TIE_ORDER = ("BEN_DTE_MAJ",) + tuple(
    c for c in INPUTS["IR_BEN_R"].columns if c != "BEN_DTE_MAJ"
)
ALIASES = {"NUM_ENQ": "BEN_NIR_PSA"}  # project extractions deliver the pseudonym as NUM_ENQ

# --- reject reasons: the report's keys, as codes (worded by the portal: omop/labels.py) ---
R_NO_PSEUDONYM = "no_pseudonym"
R_SUPERSEDED = "superseded"
R_NO_BIRTH_YEAR = "no_birth_year"
R_DEATH_IMPLAUSIBLE = "death_implausible"
R_INFO_LINE = "info_line"
R_PATIENT_DROPPED = "patient_dropped"
R_PATIENT_UNKNOWN = "patient_unknown"
R_NO_START = "no_start"
R_START_AFTER_END = "start_after_end"
R_OUTSIDE_WINDOW = "outside_window"
R_NO_LINE = "no_line"
R_CANCELLED = "cancelled"
R_NO_CODE = "no_code"
R_PMSI_RETURN = "pmsi_return"
R_DUPLICATE_STAY = "duplicate_stay"
R_NO_STAY = "no_stay"
R_STAY_REJECTED = "stay_rejected"
R_ACT_PHASE = "act_phase"
R_AFTER_STAY = "after_stay"
R_CANCELLED_TOTAL = "cancelled_total"
REASONS = (
    R_NO_PSEUDONYM,
    R_SUPERSEDED,
    R_NO_BIRTH_YEAR,
    R_DEATH_IMPLAUSIBLE,
    R_INFO_LINE,
    R_PATIENT_DROPPED,
    R_PATIENT_UNKNOWN,
    R_NO_START,
    R_START_AFTER_END,
    R_OUTSIDE_WINDOW,
    R_NO_LINE,
    R_CANCELLED,
    R_NO_CODE,
    R_PMSI_RETURN,
    R_DUPLICATE_STAY,
    R_NO_STAY,
    R_STAY_REJECTED,
    R_ACT_PHASE,
    R_AFTER_STAY,
    R_CANCELLED_TOTAL,
)


def max_birth_year(release: dt.date) -> int:
    """The latest plausible year of birth for a conversion run on ``release``."""
    return release.year + 1


# --- location -------------------------------------------------------------------------
def departement(code: str | None) -> str | None:
    """INSEE département from ``BEN_RES_DPT`` (``075`` → ``75``, ``02A`` → ``2A``,
    ``971`` stays) or from a FINESS prefix; unknown → None."""
    if not code:
        return None
    code = code.strip().upper()
    if len(code) == 3 and code.startswith("97"):
        dep = code
    elif len(code) == 3:
        dep = code[1:]
    elif len(code) == 1:
        dep = "0" + code
    else:
        dep = code
    return dep if dep in reference.departements() else None


def location_source_value(dpt: str | None, com: str | None) -> str | None:
    """INSEE commune code of a residence, the département alone when the commune is
    unknown, None without a known département."""
    dep = departement(dpt)
    if dep is None:
        return None
    com = (com or "").strip().upper()
    if com.isdigit() and len(com) < 3:
        com = com.zfill(3)
    if len(com) != 3 or com == "999":
        return dep
    return dep + (com[-2:] if len(dep) == 3 else com)


def finess_departement(finess8: str) -> str | None:
    return departement(finess8[:3] if finess8.startswith("97") else "0" + finess8[:2])


def location_rows(source_values: set[str]) -> pd.DataFrame:
    """LOCATION rows for INSEE communes and départements."""
    rows = []
    for lsv in sorted(source_values):
        if lsv in reference.departements():
            dep, city, state = lsv, None, reference.departements()[lsv]
        else:
            dep = lsv[:3] if lsv.startswith("97") else lsv[:2]
            city, state = reference.communes().get(lsv, (None, reference.departements()[dep]))
        rows.append(
            {
                "location_id": stable_id(lsv),
                "city": city,
                "state": state,
                "county": dep,
                "location_source_value": lsv,
            }
        )
    return conform_small(pd.DataFrame(rows), "location")


# --- care_site ------------------------------------------------------------------------
def care_site_rows(finess_seen: set[str], establishments: list[dict]) -> pd.DataFrame:
    """One row per 8-character FINESS (DCIR ``ETB_EXE_FIN`` and PMSI T_MCOaaE)."""
    candidates: dict[str, list[tuple[str, str]]] = {}  # finess → [(ANN_TRT, SOC_RAI)]
    for e in establishments:
        finess = pmsi_finess(e.get("ETA_NUM"), e.get("ETB_EXE_FIN"))
        if not finess:
            continue
        finess_seen.add(finess)
        if e.get("SOC_RAI"):
            candidates.setdefault(finess, []).append((e.get("ANN_TRT") or "", e["SOC_RAI"]))
    names = {}
    for finess, found in candidates.items():
        latest = max(year for year, _ in found)  # the latest ANN_TRT, then alphabetical
        names[finess] = (latest, min(name for year, name in found if year == latest))
    rows = []
    for finess in sorted(finess_seen):
        dep = finess_departement(finess)
        rows.append(
            {
                "care_site_id": stable_id(finess),
                "care_site_name": names.get(finess, (None, None))[1],
                "location_id": stable_id(dep) if dep else None,
                "care_site_source_value": finess,
            }
        )
    return conform_small(pd.DataFrame(rows), "care_site")


def pmsi_finess(eta_num: str | None, etb_exe_fin: str | None) -> str | None:
    code = etb_exe_fin or eta_num
    return code[:8] if code else None


def care_site_departements(finess: set[str]) -> set[str]:
    return {d for d in (finess_departement(f) for f in finess) if d}


# --- provider -------------------------------------------------------------------------
SPECIALTY_VOCABULARIES = {"SPE": "IR_SPE_V", "ACT": "IR_ACT_V"}
# source values that carry their vocabulary as a prefix (procedure and provider source
# values); the vocabulary's own concept_code is the value without it
PREFIXED_VOCABULARIES = {NGAP_PREFIX: "NGAP"} | {
    f"{kind}:": vocabulary for kind, vocabulary in SPECIALTY_VOCABULARIES.items()
}


def provider_rows(
    used: set[str], labels: dict[str, str], stcm: tuple[tuple[str, str, int], ...] = ()
) -> pd.DataFrame:
    """One row per specialty / activity code that the converted events use; its concept
    from the curated SOURCE_TO_CONCEPT_MAP (``IR_SPE_V`` / ``IR_ACT_V`` codes), else the
    shipped table."""
    mapping = reference.provider_specialty()
    curated: dict[str, int] = {}
    for vocabulary, code, target in sorted(stcm):
        kind = next((k for k, v in SPECIALTY_VOCABULARIES.items() if v == vocabulary), None)
        key = f"{kind}:{numeric_code(code)}"
        if kind and int(target) and key not in curated:
            curated[key] = int(target)
    rows = [
        {
            "provider_id": stable_id(psv),
            "specialty_concept_id": curated.get(psv) or mapping.get(psv, (NO_MATCH, ""))[0],
            "provider_source_value": psv,
            "specialty_source_value": labels.get(psv),
        }
        for psv in sorted(used)
    ]
    return conform_small(pd.DataFrame(rows), "provider")


def nomenclature_labels(spe_rows: list[dict], act_rows: list[dict]) -> dict[str, str]:
    """Labels from the extract's own IR_SPE_V / IR_ACT_V, completed by the shipped ones."""
    labels = dict(reference.specialty_labels())
    for r in spe_rows:
        if r.get("PFS_SPE_COD") and r.get("PFS_SPE_LIB"):
            labels[f"SPE:{r['PFS_SPE_COD']}"] = r["PFS_SPE_LIB"]
    for r in act_rows:
        if r.get("PFS_ACT_NAT") and r.get("ACT_NAT_LIB"):
            labels[f"ACT:{r['PFS_ACT_NAT']}"] = r["ACT_NAT_LIB"]
    return labels


def visit_concepts() -> dict[str, int]:
    """``PRS_NAT_REF`` → visit concept (teleconsultations → Telehealth)."""
    out = {code: concept for code, (concept, _) in reference.prs_nat_ref_visit().items()}
    out.update(dict.fromkeys(TELEHEALTH_CODES, TELEHEALTH))
    return out


# --- cdm_source -----------------------------------------------------------------------
def cdm_source_rows(
    source_release: str | None, release_day: dt.date, vocabulary_version: str | None = None
) -> pd.DataFrame:
    """The one CDM_SOURCE row; ``vocabulary_version``: what the applied vocabulary says of
    itself (None: no vocabulary applied)."""
    release = release_day.isoformat()
    row = {
        "cdm_source_name": "SNDS (Système National des Données de Santé) extract",
        "cdm_source_abbreviation": "SNDS",
        "cdm_holder": "Health Data Hub",
        "source_description": (
            "SNDS extract (DCIR, PMSI MCO, beneficiary referential) converted by the HDH "
            "portal. Deviation from the CDM DDL: every id column is BIGINT (ids are 63-bit "
            "MD5 hashes of their source values)."
        ),
        "source_documentation_reference": "https://documentation-snds.health-data-hub.fr/",
        "cdm_etl_reference": "HDH portal omop.etl (OMOP_MAPPING.md)",
        "source_release_date": source_release or release,
        "cdm_release_date": release,
        "cdm_version": "5.4",
        "cdm_version_concept_id": CDM_V54,
        "vocabulary_version": vocabulary_version or "none loaded",
    }
    return conform_small(pd.DataFrame([row]), "cdm_source")


def conform_small(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """All spec columns in spec order (absent ones null) for a small dimension table."""
    from .frames import conform

    return conform(frame, table)


@dataclass
class Window:
    """Extraction window; events whose start date falls outside are rejected."""

    start: str | None = None
    end: str | None = None

    def __bool__(self) -> bool:
        return bool(self.start or self.end)


@dataclass
class Plan:
    """What a conversion must produce."""

    tables: tuple[str, ...]
    window: Window = field(default_factory=Window)
    release: dt.date = field(default_factory=dt.date.today)  # the day of the run
    # an Athena bundle's Parquet copy (concept.parquet, …) and the curated map's rows
    # (source_vocabulary_id, source_code, target_concept_id); None: no vocabulary applied
    vocabulary_dir: str | None = None
    stcm: tuple[tuple[str, str, int], ...] = ()

    def wants(self, table: str) -> bool:
        return table in self.tables
