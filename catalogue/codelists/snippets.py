"""Exports of an expanded code list: CSV rows, SNDS query snippets in SQL and SAS, and an
OMOP concept set in Atlas's JSON format. Plain code (no Django)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from .referentials import System, is_structural


@dataclass(frozen=True)
class Expanded:
    system: str
    code: str
    label: str


# Where each system's codes sit in the SNDS tables: (table.column, numeric in the SNDS?)
SNDS_COLUMNS = {
    System.CIM10: (("T_MCOaaB.DGN_PAL", False), ("T_MCOaaB.DGN_REL", False),
                   ("T_MCOaaD.ASS_DGN", False), ("IR_IMB_R.MED_MTF_COD", False)),
    System.CIP13: (("ER_PHA_F.PHA_PRS_C13", True),),
    System.CCAM: (("ER_CAM_F.CAM_PRS_IDE", False), ("T_MCOaaA.CDC_ACT", False)),
    System.NGAP: (("ER_PRS_F.PRS_NAT_REF", True),),
    System.NABM: (("ER_BIO_F.BIO_PRS_IDE", True),),
    System.LPP: (("ER_TIP_F.TIP_PRS_IDE", True),),
}  # fmt: skip


def by_system(codes: list[Expanded]) -> dict[str, list[str]]:
    """Codes per SNDS system; ATC classes are given by their boxes (CIP13), structural
    codes (chapters, blocks, natures, products) by their leaves."""
    out: dict[str, list[str]] = defaultdict(list)
    for c in codes:
        if c.system == System.ATC or is_structural(c.code):
            continue
        out[c.system].append(c.code)
    return {k: sorted(set(v)) for k, v in out.items()}


def _chunks(values: list[str], size: int = 500):
    for i in range(0, len(values), size):
        yield values[i : i + size]


def sql_snippets(codes: list[Expanded]) -> str:
    lines = ["-- Conditions SNDS générées par le portail HDH (une par table et colonne)"]
    for system, values in by_system(codes).items():
        for column, numeric in SNDS_COLUMNS.get(system, ()):
            parts = []
            for chunk in _chunks(values):
                listed = ", ".join(v if numeric else f"'{v}'" for v in chunk)
                parts.append(f"{column} IN ({listed})")
            lines.append(f"-- {system} ({len(values)} codes)")
            lines.append("(" + "\n OR ".join(parts) + ")")
    return "\n".join(lines) + "\n"


def sas_snippets(codes: list[Expanded]) -> str:
    lines = ["/* Conditions SNDS générées par le portail HDH (une par table et colonne) */"]
    for system, values in by_system(codes).items():
        for column, numeric in SNDS_COLUMNS.get(system, ()):
            table, name = column.split(".")
            listed = " ".join(v if numeric else f'"{v}"' for v in values)
            lines.append(f"/* {system} ({len(values)} codes) - table {table} */")
            lines.append(f"WHERE {name} IN ({listed});")
    return "\n".join(lines) + "\n"


def atlas_concept_set(name: str, items: list[dict]) -> str:
    """``items``: concept (CONCEPT_* keys as Atlas writes them), isExcluded,
    includeDescendants, includeMapped."""
    return json.dumps({"name": name, "expression": {"items": items}}, ensure_ascii=False, indent=2)
