"""Reference data shipped in ``omop/reference/`` (see its NOTICE.md), loaded once."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

from .spec import REFERENCE_DIR
from .values import numeric_code

SNDS_DIR = REFERENCE_DIR / "snds"
GEO_DIR = REFERENCE_DIR / "geo"


def _rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


@functools.cache
def prs_nat_ref_visit() -> dict[str, tuple[int, float]]:
    """``PRS_NAT_REF`` (normalised) → (visit concept id, share of DCIR lines in %)."""
    out = {}
    for row in _rows(REFERENCE_DIR / "omop_cdm" / "prs_nat_ref_to_visit_concept.csv"):
        out[numeric_code(row["PRS_NAT_REF"])] = (int(row["mapped_omop"]), float(row["PERCENT"]))
    return out


@functools.cache
def provider_specialty() -> dict[str, tuple[int, str]]:
    """``SPE:1`` / ``ACT:26`` → (specialty_concept_id, source of the mapping)."""
    return {
        r["provider_source_value"]: (int(r["specialty_concept_id"]), r["source"])
        for r in _rows(REFERENCE_DIR / "provider_specialty_concept.csv")
    }


def nomenclature(name: str) -> list[dict[str, str]]:
    """A shipped SNDS nomenclature (``;`` CSV) as rows."""
    path = next(SNDS_DIR.glob(f"{name}*.csv"))
    return _rows(path, delimiter=";")


@functools.cache
def specialty_labels() -> dict[str, str]:
    """Shipped labels: ``SPE:<code>`` and ``ACT:<code>`` → label."""
    out = {}
    for r in nomenclature("IR_SPE_V"):
        out[f"SPE:{numeric_code(r['PFS_SPE_COD'])}"] = r["PFS_SPE_LIB"].strip()
    for r in nomenclature("IR_ACT_V"):
        out[f"ACT:{numeric_code(r['PFS_ACT_NAT'])}"] = r["ACT_NAT_LIB"].strip()
    return out


@functools.cache
def communes() -> dict[str, tuple[str, str]]:
    """INSEE commune (or Paris/Lyon/Marseille arrondissement) code → (name, region)."""
    return {r["COM"]: (r["LIBELLE"], r["REG"]) for r in _rows(GEO_DIR / "v_commune_2023.csv")}


@functools.cache
def departements() -> dict[str, str]:
    """INSEE département code → region code."""
    return {r["DEP"]: r["REG"] for r in _rows(GEO_DIR / "v_departement_2023.csv")}


@functools.cache
def cim10_chapters() -> list[dict[str, str]]:
    """The 22 chapters of CIM-10 (WHO ICD-10, French titles): chapter, first, last, label."""
    return _rows(REFERENCE_DIR / "cim10_chapters.csv")


def cim10_chapter(code: str) -> str:
    """The chapter (``IV``) whose range holds ``code`` (``E119``), or ``""``."""
    head = (code or "")[:3].upper()
    return next((c["chapter"] for c in cim10_chapters() if c["first"] <= head <= c["last"]), "")


def _labels(name: str, code: str, label: str) -> dict[str, str]:
    return {r[code].strip(): r[label].strip() for r in nomenclature(name) if r.get(code)}


@functools.cache
def source_labels(table: str) -> dict[str, str]:
    """Labels of the source values of an OMOP event table, from the shipped SNDS
    nomenclatures: CIM-10 (conditions), CCAM and NGAP natures (procedures), NABM
    (measurements), LPP (devices), the ATC class of a drug's CIP13, and for observations
    (events routed there by their concept's domain) those of the diagnoses, acts and biology."""
    if table == "condition_occurrence":
        return _labels("IR_CIM_V", "CIM_COD", "CIM_LIB")
    if table == "procedure_occurrence":
        ngap = {
            f"NGAP:{numeric_code(k)}": v
            for k, v in _labels("IR_NAT_V", "PRS_NAT", "PRS_NAT_LIB").items()
        }
        return {**_labels("IR_CCAM_V54", "CAM_PRS_IDE_COD", "CAM_PRS_IDE_LIB"), **ngap}
    if table == "measurement":
        return _labels("IR_BIO_R", "BIO_PRS_IDE", "BIO_INF_LIB")
    if table == "observation":  # events of any of these whose standard concept observes
        return {
            **source_labels("measurement"),
            **source_labels("procedure_occurrence"),
            **source_labels("condition_occurrence"),
        }
    if table == "device_exposure":
        return _labels("NT_LPP", "LPP_PRS_IDE", "LPP_RED_LIB")
    if table == "drug_exposure":
        from .generator import cip13

        return {
            cip13(r["PHA_PRS_IDE"]): f"ATC {r['PHA_ATC_CLA']}"
            for r in nomenclature("IR_CIP_V")
            if r.get("PHA_ATC_CLA")
        }
    return {}
