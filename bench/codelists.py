"""Benchmark: code-list search, expansion of CIM-10 chapter E (issue 21).

    .venv/bin/python bench/codelists.py [--boxes 400000] [--database sqlite|postgres]

1. loads the shipped SNDS nomenclatures (CIM-10, CCAM, NGAP, NABM, LPP) and a generated
   IR_PHA_R file of ``--boxes`` CIP13 rows (the demo boxes repeated with new codes: the shape
   and size of the real file, not its content) into a fresh database (SQLite in a temporary
   folder, or PostgreSQL from BENCH_DATABASE_URL);
2. times ``codes_search`` on typical queries (median of 5 runs each) and the expansion of a
   list holding CIM-10 chapter E with its descendants.
Aim (issue 21): every search under 200 ms.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
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
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-codelists-"))
    os.environ["HDH_VAR_DIR"] = str(tmp)
    if args.database == "postgres":
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from catalogue.codelists import services
    from catalogue.codelists.models import CodeListVersion, ReferentialCode
    from catalogue.codelists.referentials import cim10_chapter
    from catalogue.codelists.selectors import codes_search, version_expand

    call_command("migrate", verbosity=0)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
