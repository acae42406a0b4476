"""Benchmark of the catalogue on the full HDH SNDS schema (188 tables, ~500 nomenclatures).

    .venv/bin/python bench/catalogue.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hdh_bench .venv/bin/python bench/catalogue.py

Imports ``../shared/snds-schema`` twice (first import, then an unchanged re-import) into a
fresh database — ``BENCH_DATABASE_URL`` (it is migrated; use a throwaway one) or a new SQLite
file — then times the search on real SNDS queries. Prints seconds, rows/s and milliseconds.
Aims: import under a minute, every search under 200 ms.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO.parent / "shared" / "snds-schema"
QUERIES = [
    "date de décès",
    "deces",
    "sexe",
    "BEN_NIR_PSA",
    "pharmacie",
    "ER_PRS_F",
    "finess",
    "date hospitalisation",  # synonyms: séjour (PMSI)
    "hospitalisaton",  # a typo: nothing found, then "Vouliez-vous dire"
]


def main() -> int:
    if not SCHEMA.exists():
        print(f"schema not found: {SCHEMA} (skipped)")
        return 0
    from django_bench import django_setup

    django_setup("bench-catalogue-", database_url=os.environ.get("BENCH_DATABASE_URL"))
    from django.db import connection

    from catalogue.models import NomenclatureValue, Variable
    from catalogue.search import catalogue_search
    from catalogue.services import tableschema_import

    schemas, noms = SCHEMA / "schemas", SCHEMA / "nomenclatures"
    print(f"database: {connection.vendor}")

    started = time.perf_counter()
    tableschema_import(paths=[schemas], database="SNDS", nomenclatures=noms)
    first = time.perf_counter() - started
    rows = Variable.objects.count() + NomenclatureValue.objects.count()
    print(
        f"first import: {first:.1f} s ({rows:,} variables + nomenclature values, {rows / first:,.0f} rows/s)"
    )

    started = time.perf_counter()
    tableschema_import(paths=[schemas], database="SNDS", nomenclatures=noms)
    print(f"unchanged re-import: {time.perf_counter() - started:.1f} s")

    for query in QUERIES:
        catalogue_search(query)  # warm the caches once, as a running server has them
    print("search (median of 5 runs, ms):")
    worst = 0.0
    for query in QUERIES:
        timings = [catalogue_search(query).elapsed_ms for _ in range(5)]
        worst = max(worst, max(timings))
        print(f"  {query!r:<18} {statistics.median(timings):7.1f}")
    print(f"slowest single search: {worst:.1f} ms (aim < 200 ms)")
    depth()
    return 0


def depth() -> None:
    """Issue 18: the whole dictionary, the HealthDCAT-AP export (validated with pyshacl),
    the DCIR schema diagram, and the "same variable elsewhere" lookup on the full schema."""
    import csv
    import io

    from pyshacl import validate
    from rdflib import Graph

    from catalogue import exports, links, selectors
    from catalogue.models import Database, Variable
    from catalogue.views import _product_svg

    started = time.perf_counter()
    out = io.StringIO()
    rows = 0
    writer = csv.writer(out, delimiter=";")
    for row in selectors.dictionary_rows():
        writer.writerow(row)
        rows += 1
    print(f"whole dictionary CSV: {rows:,} rows in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    graph = exports.dcat_graph(Database.objects.all(), base_url="http://bench/")
    text = graph.serialize(format="turtle")
    print(
        f"HealthDCAT-AP export: {len(graph):,} triples, {len(text) / 1024:.0f} KiB in "
        f"{time.perf_counter() - started:.2f} s"
    )
    shapes = Graph().parse(REPO / "catalogue" / "shapes" / "healthdcatap.ttl")
    started = time.perf_counter()
    ok, _report, _text = validate(graph, shacl_graph=shapes, advanced=True, inference="none")
    print(f"SHACL validation: conforms={ok} in {time.perf_counter() - started:.2f} s")
    for product in ("DCIR", "PMSI MCO"):
        started = time.perf_counter()
        svg, tables, keys = _product_svg("SNDS", product)
        print(
            f"schema {product}: {len(tables)} tables, {len(keys)} keys, {len(svg) / 1024:.0f} KiB "
            f"SVG in {time.perf_counter() - started:.2f} s"
        )
    variable = Variable.objects.filter(name="BEN_NIR_PSA").first()
    if variable is not None:
        started = time.perf_counter()
        n = len(list(links.same_variable_elsewhere(variable)))
        print(
            f"BEN_NIR_PSA elsewhere: {n} tables in {(time.perf_counter() - started) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    raise SystemExit(main())
