"""Demo: every table the synthetic SNDS generator produces is profiled for real, and the
catalogue's row counts are filled from the profiles; so is the OMOP output of the OMOP
demo when it is in the catalogue (its optional columns may be empty without cost).

The extract is the one the OMOP demo converts (same size and seed, 2013–2015): the
generator is a plain module (``omop.etl.generator``) and is only read from here. Its
files are column subsets of the catalogue's tables (ER_PRS_F has 27 of its 123
columns), as real project extracts are. Idempotent: a table already profiled is left
alone.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.conf import settings

from catalogue.models import Table

from .models import ProfilingRun
from .services import data_file_attach, profiling_run_inline, table_row_count_from_run

# It profiles the OMOP output too, once the OMOP demo has put it in the catalogue.
SEED_AFTER = ("catalogue", "omop")

PERSONS, SEED = 200, 2013
START, END = "2013-01-01", "2015-12-31"
FOLDER = Path("demo") / "synthetique"
_YEAR = re.compile(r"^(T_MCO)\d\d")


def catalogue_name(file_stem: str) -> str:
    """The catalogue name of a generated file: PMSI tables carry the year
    (``T_MCO13B``), the catalogue writes it ``aa`` (``T_MCOaaB``)."""
    return _YEAR.sub(r"\1aa", file_stem.upper())


def generate(folder: Path) -> dict[str, int]:
    from omop.etl.generator import generate_extract

    if folder.is_dir() and any(folder.glob("*.csv")):
        return {}
    return generate_extract(folder, persons=PERSONS, seed=SEED, fmt="csv", start=START, end=END)


def seed(*, users: dict, stdout) -> None:
    by = users.get("data")
    tables = {
        t.name.upper(): t
        for t in Table.objects.filter(database__acronym="SNDS").select_related("database")
        if t.variables.exists()
    }
    if not tables:
        return
    folder = Path(settings.DATA_ROOT) / FOLDER
    generate(folder)
    found = {}
    for path in sorted(folder.glob("*.csv")):
        table = tables.get(catalogue_name(path.stem).upper())
        if table is None:
            stdout.write(f"  profil de démonstration : {path.name} absent du catalogue")
            continue
        found[table] = FOLDER / path.name
    profiled = 0
    for table in referenced_first(found):
        profiled += _profile_once(table, found[table], by, stdout)
    profiled += _profile_omop_output(by, stdout)
    stdout.write(f"Qualité : {profiled} tables profilées (extrait synthétique et sortie OMOP).")


def referenced_first(tables) -> list[Table]:
    """``tables`` ordered so that a table comes after those its keys reference (when it
    can): their files are then profiled already, and the orphan checks run."""
    pending = sorted(tables, key=lambda t: t.name)
    targets = {
        t.pk: {k.to_table_id for k in t.keys_out.all() if k.to_table_id not in (None, t.pk)}
        for t in pending
    }
    ids = {t.pk for t in pending}
    done: list[Table] = []
    while pending:
        ready = [t for t in pending if not (targets[t.pk] & ids) - {d.pk for d in done}]
        chosen = ready[0] if ready else pending[0]  # a cycle: break it by name
        done.append(chosen)
        pending.remove(chosen)
    return done


def _profile_once(table: Table, relative: Path, by, stdout) -> int:
    if ProfilingRun.objects.filter(table=table, published_at__isnull=False).exists():
        return 0
    data_file = data_file_attach(
        table=table, by=by, path=str(relative), reference_date=dt.date.fromisoformat(END)
    )
    run = profiling_run_inline(data_file=data_file, by=by)
    stdout.write(
        f"  profil de démonstration {table.database.acronym}/{table.name} : "
        f"{run.job.status}, note {run.grade or '—'}"
    )
    if not run.is_published:
        return 0
    table_row_count_from_run(run=run, by=by)
    return 1


def _profile_omop_output(by, stdout) -> int:
    """Profile the tables of the OMOP demo's output that the catalogue describes (the
    output lives under PRIVATE_ROOT: a copy goes where server files are read)."""
    import shutil

    try:
        from omop.models import EtlJob
    except ImportError:  # the OMOP app is optional to the catalogue
        return 0
    count = 0
    for etl_job in EtlJob.objects.exclude(catalogue_acronym="").filter(job__status="succeeded"):
        folder = etl_job.output_dir
        tables = Table.objects.filter(database__acronym=etl_job.catalogue_acronym).select_related(
            "database"
        )
        for table in referenced_first(tables):
            source = folder / f"{table.name}.{etl_job.output_format}"
            if not source.is_file() or not table.variables.exists():
                continue
            relative = Path("demo") / "omop" / etl_job.catalogue_acronym / source.name
            target = Path(settings.DATA_ROOT) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            count += _profile_once(table, relative, by, stdout)
    return count
