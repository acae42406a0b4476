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
