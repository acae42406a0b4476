"""A small IR_BEN_R-like catalogue table and data files for it."""

from __future__ import annotations

import random
from pathlib import Path

from django.conf import settings

from catalogue.models import Database, Nomenclature, NomenclatureValue, Table, Variable

HEADER = "BEN_NIR_PSA;BEN_RNG_GEM;BEN_NAI_ANN;BEN_SEX_COD;BEN_RES_DPT"
RARE_DPT = "02A"  # 3 rows: a small cell


def ir_ben_r(acronym: str = "SNDS", name: str = "IR_BEN_R") -> Table:
    database, _ = Database.objects.get_or_create(acronym=acronym, defaults={"name": "Base test"})
    table = Table.objects.create(
        database=database,
        name=name,
        title="Bénéficiaires",
        primary_key=["BEN_NIR_PSA", "BEN_RNG_GEM"],
    )
    sex, created = Nomenclature.objects.get_or_create(
        name="IR_SEX_V", defaults={"code_field": "SEX_COD", "label_field": "SEX_LIB"}
    )
    if created:
        for i, (code, label) in enumerate([("1", "Masculin"), ("2", "Féminin"), ("9", "Inconnu")]):
            NomenclatureValue.objects.create(nomenclature=sex, position=i, code=code, label=label)
    specs = [
        ("BEN_NIR_PSA", "string", "17", None),
        ("BEN_RNG_GEM", "integer", "2", None),
        ("BEN_NAI_ANN", "year", "4", None),
        ("BEN_SEX_COD", "integer", "1", sex),
        ("BEN_RES_DPT", "string", "3", None),
    ]
    for position, (vname, vtype, length, nomenclature) in enumerate(specs):
        Variable.objects.create(
            table=table,
            position=position,
            name=vname,
            type=vtype,
            length=length,
            nomenclature=nomenclature,
            nomenclature_ref="IR_SEX_V:SEX_COD" if nomenclature else "",
        )
    return table


def ir_ben_r_rows(
    n: int = 200, *, duplicates: int = 3, missing_dpt: int = 3, seed: int = 1
) -> list[str]:
    """``n`` rows; the last ``duplicates`` repeat a key; 3 rows live in a rare département."""
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        dpt = RARE_DPT if i < 3 else rng.choice(["075", "013", "069"])
        if 3 <= i < 3 + missing_dpt:
            dpt = ""
        key = i if i < n - duplicates else 10
        lines.append(f"{key:017d};1;{rng.randint(1930, 2020)};{rng.choice('12')};{dpt}")
    return lines


def write_data(
    name: str = "IR_BEN_R.csv",
    lines: list[str] | None = None,
    *,
    header: str = HEADER,
    sep: str = ";",
    encoding: str = "utf-8",
) -> Path:
    """Write a CSV under DATA_ROOT and return its path."""
    lines = ir_ben_r_rows() if lines is None else lines
    text = "\n".join([header.replace(";", sep), *(line.replace(";", sep) for line in lines)]) + "\n"
    path = Path(settings.DATA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path
