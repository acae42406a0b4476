"""Demo: a generated IR_BEN_R-like file (about 2,000 rows) profiled for real, so that the
catalogue shows statistics, charts and a grade. Idempotent; does nothing when the
catalogue's demo has no such table."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from django.conf import settings

from catalogue.models import Table, Variable

from .models import ProfilingRun
from .services import data_file_attach, profiling_run_inline

DEMO_TABLES = ("IR_BEN_R",)
ROWS = 2000


def _value(variable: Variable, codes: list[str], i: int, rng: random.Random) -> str:
    name, vtype = variable.name.upper(), variable.type
    if i % 37 == 5 and not name.startswith("BEN_NIR") and name not in ("BEN_RNG_GEM",):
        return ""  # some missing values
    if name in ("BEN_NIR_PSA", "BEN_IDT_ANO", "BEN_NIR_ANO", "ASS_NIR_ANO"):
        return f"{i:017d}"
    if name == "BEN_RNG_GEM":
        return "1" if i % 200 else "2"
    if name in ("BEN_DCD_DTE", "BEN_DCD_AME") and i % 20:
        return ""  # most beneficiaries are alive: a realistically incomplete column
    if name == "BEN_SEX_COD":
        if i % 113 == 7:
            return "3"  # not in IR_SEX_V: shows a conformance failure
        return rng.choice("1122") if i % 150 else "9"
    if name == "BEN_NAI_ANN":
        return "1850" if i % 97 == 3 else str(rng.randint(1925, 2023))  # some implausible
    if name == "BEN_RES_DPT":
        return (
            rng.choice(["075", "013", "069", "033", "059", "092", "093", "031"])
            if i % 400
            else "02A"
        )
    if codes:
        return rng.choice(codes[:12])
    if vtype == "date":
        day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3000))
        fmt = variable.format if variable.format and "%" in variable.format else "%Y-%m-%d"
        return day.strftime(fmt)
    if vtype == "yearmonth":
        return f"{rng.randint(2015, 2023)}{rng.randint(1, 12):02d}"
    if vtype in ("integer", "year"):
        return str(rng.randint(0, 9))
    if vtype == "number":
        return f"{rng.uniform(0, 500):.2f}"
    if vtype == "boolean":
        return rng.choice("01")
    length = int(variable.length) if str(variable.length).isdigit() else 3
    return "".join(rng.choice("ABCDEFGH0123456789") for _ in range(min(length, 9)))


def write_demo_file(table: Table, path: Path) -> Path:
    import pandas as pd

    rng = random.Random(42)
    variables = list(table.variables.select_related("nomenclature").order_by("position", "name"))
    columns = {}
    for variable in variables:
        codes = (
            list(variable.nomenclature.values.values_list("code", flat=True)[:50])
            if variable.nomenclature_id
            else []
        )
        columns[variable.name] = [_value(variable, codes, i, rng) for i in range(ROWS)]
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(columns).to_csv(path, sep=";", index=False, encoding="utf-8")
    return path


def seed(*, users: dict, stdout) -> None:
    by = users.get("data")
    for table in Table.objects.filter(name__in=DEMO_TABLES).select_related("database"):
        if ProfilingRun.objects.filter(table=table, published_at__isnull=False).exists():
            continue
        if not table.variables.exists():
            continue
        relative = Path("demo") / table.database.acronym / f"{table.name}.csv"
        write_demo_file(table, Path(settings.DATA_ROOT) / relative)
        data_file = data_file_attach(table=table, by=by, path=str(relative))
        run = profiling_run_inline(data_file=data_file, by=by)
        stdout.write(
            f"  profil de démonstration {table.database.acronym}/{table.name} : "
            f"{run.job.status}, note {run.grade or '—'}"
        )
