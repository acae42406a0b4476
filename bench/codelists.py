"""Benchmark: code-list search, expansion of CIM-10 chapter E, feasibility count (issue 21).

    .venv/bin/python bench/codelists.py [--boxes 400000] [--persons 100000]
                                        [--database sqlite|postgres]

1. loads the shipped SNDS nomenclatures (CIM-10, CCAM, NGAP, NABM, LPP) and a generated
   IR_PHA_R file of ``--boxes`` CIP13 rows (the demo boxes repeated with new codes: the shape
   and size of the real file, not its content) into a fresh database (SQLite in a temporary
   folder, or PostgreSQL from BENCH_DATABASE_URL);
2. times ``codes_search`` on typical queries (median of 5 runs each) and the expansion of a
   list holding CIM-10 chapter E with its descendants;
3. writes an OMOP output of ``--persons`` persons as Parquet, straight with DuckDB (person,
   condition_occurrence, drug_exposure, procedure_occurrence with source values drawn from
   the referentials: the shape of a conversion's output, much faster to make than running
   the generator and the ETL at this size), and times the feasibility count of a list
   "CIM-10 chapter E, or a box of ATC A10, except E10" on it, as the portal publishes it
   (``version_count``: DuckDB, then the small-cell rule).
Aims (issue 21): every search under 200 ms; the count under 1 s.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUERIES = ["diabete", "E11", "diabètes sucrés", "ibuprofene", "M01AE", "3400930000011",
           "insuffisance cardiaque", "fracture col femur", "paracetamol"]  # fmt: skip


def write_ir_pha_r(path: Path, boxes: int) -> None:
    from catalogue.codelists import demo

    base = demo.boxes()
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=demo.IR_PHA_R_FIELDS, delimiter=";")
        writer.writeheader()
        for i in range(boxes):
            row = dict(base[i % len(base)])
            cip7 = f"{5000000 + i:07d}"[-7:]
            row["PHA_PRS_IDE"] = cip7
            row["PHA_CIP_C13"] = f"34009{i:08d}"[-13:]
            row["PHA_MED_NOM"] = f"{row['PHA_MED_NOM']} LOT{i}"
            writer.writerow(row)


def write_omop_output(folder: Path, persons: int, codes: dict[str, list[str]]) -> dict[str, int]:
    """A synthetic OMOP output of ``persons`` persons, as Parquet, events drawn uniformly
    from ``codes`` (system → source values) between 2015 and 2023. Returns rows per table."""
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SELECT setseed(0.21)")
    con.execute(f"""
        CREATE TABLE person AS SELECT i AS person_id,
            CASE WHEN random() < 0.52 THEN 8532 ELSE 8507 END AS gender_concept_id,
            1930 + CAST(floor(random() * 90) AS INTEGER) AS year_of_birth
        FROM range(1, {persons + 1}) t(i)""")
    tables = {
        "condition_occurrence": ("CIM10", "condition_start_date", "condition_source_value", 8),
        "drug_exposure": ("CIP13", "drug_exposure_start_date", "drug_source_value", 20),
        "procedure_occurrence": ("CCAM", "procedure_date", "procedure_source_value", 5),
    }
    rows = {"person": persons}
    for table, (system, date, value, per_person) in tables.items():
        con.execute(f"CREATE TABLE codes_{system} AS SELECT unnest(?) AS code", [codes[system]])
        n = len(codes[system])
        con.execute(f"""
            CREATE TABLE {table} AS
            SELECT row_number() OVER () AS {table}_id,
                   1 + CAST(floor(random() * {persons}) AS BIGINT) AS person_id,
                   DATE '2015-01-01' + CAST(floor(random() * 3287) AS INTEGER) AS {date},
                   (SELECT list(code) FROM codes_{system})[1 + CAST(floor(random() * {n}) AS INTEGER)]
                       AS {value}
            FROM range({persons * per_person})""")  # noqa: S608 (fixed names)
        rows[table] = persons * per_person
    for table in rows:
        con.execute(f"COPY {table} TO '{folder / (table + '.parquet')}' (FORMAT PARQUET)")
    con.close()
    return rows


def timed(fn, runs: int = 5) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000, out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--boxes", type=int, default=400_000)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    from django_bench import django_setup

    database_url = os.environ["BENCH_DATABASE_URL"] if args.database == "postgres" else None
    tmp = django_setup("bench-codelists-", database_url=database_url)
    from django.contrib.auth import get_user_model

    from catalogue.codelists import feasibility, services
    from catalogue.codelists.models import CodeListVersion, ReferentialCode
    from catalogue.codelists.referentials import cim10_chapter
    from catalogue.codelists.selectors import codes_search, version_count, version_expand
    from catalogue.codelists.snippets import by_system

    ReferentialCode.objects.all().delete()
    t = time.perf_counter()
    shipped = services.referentials_load_shipped()
    print(f"shipped nomenclatures: {shipped} codes in {time.perf_counter() - t:.1f} s")
    path = tmp / "IR_PHA_R.csv"
    write_ir_pha_r(path, args.boxes)
    t = time.perf_counter()
    drugs = services.referential_import_ir_pha_r(path=path)
    print(f"IR_PHA_R: {drugs} codes in {time.perf_counter() - t:.1f} s")
    print(f"referential rows: {ReferentialCode.objects.count()}")
    for q in QUERIES:
        ms, (hits, facets) = timed(lambda q=q: codes_search(q))
        flag = "" if ms < 200 else "  (over 200 ms)"
        print(f"search {q!r:28} {ms:8.1f} ms  {len(hits)} hits, facets {facets}{flag}")
    user, _ = get_user_model().objects.get_or_create(username="bench")
    chapter = ReferentialCode.objects.get(system="CIM10", code=f"CHAP-{cim10_chapter('E10')[0]}")
    code_list = services.code_list_create(
        name="bench", by=user,
        items=[{"system": "CIM10", "code": chapter.code, "include_descendants": True}],
    )  # fmt: skip
    version = CodeListVersion.objects.filter(code_list=code_list).get()
    ms, expanded = timed(lambda: version_expand(version))
    print(f"expand chapter {chapter.code}: {len(expanded)} codes in {ms:.1f} ms")

    def source_values(system: str) -> list[str]:
        return list(
            ReferentialCode.objects.filter(system=system).exclude(code__contains="-")
            .values_list("code", flat=True)
        )  # fmt: skip

    output = tmp / "omop"
    t = time.perf_counter()
    rows = write_omop_output(
        output, args.persons, {s: source_values(s) for s in ("CIM10", "CIP13", "CCAM")}
    )
    print(f"OMOP output written in {time.perf_counter() - t:.1f} s: {rows}")
    counted = services.code_list_create(
        name="bench count", by=user,
        items=[{"system": "CIM10", "code": chapter.code, "include_descendants": True},
               {"system": "ATC", "code": "A10", "include_descendants": True},
               {"system": "CIM10", "code": "E10", "include_descendants": True, "excluded": True}],
    ).latest  # fmt: skip
    ms_expand, expanded = timed(lambda: version_expand(counted), runs=3)
    wanted = by_system(expanded)
    ms_duckdb, _raw = timed(lambda: feasibility.count_persons(output, wanted), runs=3)
    ms, counts = timed(lambda: version_count(counted, output), runs=3)
    flag = "" if ms < 1000 else "  (over 1 s)"
    print(f"feasibility count, {args.persons} persons, {len(expanded)} codes: {ms:.0f} ms{flag} "
          f"(expansion {ms_expand:.0f} ms, DuckDB {ms_duckdb:.0f} ms, the rest the small-cell "
          f"rule); total {counts['total']}, {len(counts['by_year'])} years")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
