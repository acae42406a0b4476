"""Benchmark: load an Athena-format bundle of CONCEPT and CONCEPT_RELATIONSHIP rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hdh \\
        .venv/bin/python bench/vocabulary.py [--concepts 5000000] [--relationships 20000000]

1. generates the bundle once under ``--workdir`` (DuckDB writes the big tab-separated files;
   the small ones come from the project's demo bundle), in Athena's exact format, with
   local-range concept ids — a stand-in of the right shape and size, not Athena's content;
2. runs ``vocabulary_load`` (the ``load_vocabulary`` command's service) against the
   configured database and prints the time of each phase, rows/s over all rows, and the peak
   memory of this process (the PostgreSQL server's own memory is not ours to count);
3. loads the same bundle again: the idempotent path (nothing reloaded).
Aim (issue 14): ≥ 300,000 rows/s with a peak under 1 GB.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def make_bundle(folder: Path, concepts: int, relationships: int) -> Path:
    import duckdb

    from omop.etl.athena import LOCAL_RANGE
    from omop.etl.demo_vocabulary import write_demo_bundle

    done = folder / ".complete"
    if done.exists() and done.read_text() == f"{concepts} {relationships}":
        return folder
    write_demo_bundle(folder)
    con = duckdb.connect()
    options = "(HEADER, DELIMITER '\t', QUOTE '', ESCAPE '')"
    con.execute(f"""COPY (
        SELECT {LOCAL_RANGE} + i AS concept_id,
               'Concept de banc ' || i || ' ' || md5(i::VARCHAR) AS concept_name,
               ['Condition','Drug','Procedure','Measurement'][1 + i % 4] AS domain_id,
               ['CIM10','BDPM','CCAM','HDH Demo'][1 + (i // 7) % 4] AS vocabulary_id,
               'Bench' AS concept_class_id,
               CASE WHEN i % 3 = 0 THEN 'S' ELSE NULL END AS standard_concept,
               'B' || i AS concept_code,
               '19700101' AS valid_start_date, '20991231' AS valid_end_date,
               NULL AS invalid_reason
        FROM range(1, {concepts} + 1) t(i)) TO '{folder / "CONCEPT.csv"}' {options}""")
    con.execute(f"""COPY (
        SELECT {LOCAL_RANGE} + 1 + (i % {concepts}) AS concept_id_1,
               {LOCAL_RANGE} + 1 + ((i * 7919) % {concepts}) AS concept_id_2,
               CASE WHEN i % 2 = 0 THEN 'Maps to' ELSE 'Mapped from' END AS relationship_id,
               '19700101' AS valid_start_date, '20991231' AS valid_end_date,
               NULL AS invalid_reason
        FROM range(0, {relationships}) t(i)) TO '{folder / "CONCEPT_RELATIONSHIP.csv"}' {options}""")  # noqa: E501
    done.write_text(f"{concepts} {relationships}")
    return folder


def copy_floor(bundle: Path) -> float:
    """The least work any load into PostgreSQL does: stream the two big files through COPY
    into tables without indexes, in one connection, one after the other."""
    from django.db import connection

    from omop.vocabulary.store import _ddl

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("DROP SCHEMA IF EXISTS vocab_floor CASCADE")
        cur.execute("CREATE SCHEMA vocab_floor")
        for name in ("CONCEPT", "CONCEPT_RELATIONSHIP"):
            cur.execute(_ddl(name, f"vocab_floor.{name.lower()}"))
            sql = (f"COPY vocab_floor.{name.lower()} FROM STDIN WITH (FORMAT csv, "
                   "DELIMITER E'\\t', QUOTE E'\\x01', HEADER true)")  # fmt: skip
            with (bundle / f"{name}.csv").open("rb") as f, cur.cursor.copy(sql) as copy:
                while chunk := f.read(1024 * 1024):
                    copy.write(chunk)
    elapsed = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("DROP SCHEMA vocab_floor CASCADE")
    return elapsed


class PhaseLog(logging.Handler):
    """The per-file phases the store logs: COPY, indexes, ANALYZE, then the swap."""

    def __init__(self):
        super().__init__()
        self.lines: list[str] = []
        self.total = 0.0

    def emit(self, record):
        self.lines.append(record.getMessage().removeprefix("vocabulary "))
        self.total += sum(float(x) for x in record.args if isinstance(x, float))


class PeakMemory(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.running = 0, True

    def run(self):
        me = psutil.Process()
        while self.running:
            self.peak = max(self.peak, me.memory_info().rss)
            time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=5_000_000)
    parser.add_argument("--relationships", type=int, default=20_000_000)
    parser.add_argument("--workdir", type=Path, default=REPO / "var" / "bench" / "vocabulary")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.db import connection

    from omop.vocabulary.models import VocabularyRelease
    from omop.vocabulary.services import vocabulary_load

    t0 = time.perf_counter()
    bundle = make_bundle(args.workdir / "bundle", args.concepts, args.relationships)
    print(f"bundle ready in {time.perf_counter() - t0:.1f} s ({bundle})")
    print(f"database: {connection.vendor}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    phases: dict[str, float] = {}
    last = [time.perf_counter()]

    def progress(name, rows):
        # the DuckDB pass (check + engines' Parquet) calls it once per file; the database
        # side too, from its own thread, but it logs its phases (below)
        if threading.current_thread() is not threading.main_thread():
            return
        now = time.perf_counter()
        phases[f"check+parquet {name}"] = now - last[0]
        last[0] = now

    # the database side (its own thread beside the DuckDB pass on PostgreSQL) logs its phases
    database = PhaseLog()
    store_log = logging.getLogger("omop.vocabulary.store")
    store_log.addHandler(database)
    store_log.setLevel(logging.INFO)
    store_log.propagate = False  # printed below, once

    VocabularyRelease.objects.update(is_current=False)  # force a fresh load
    monitor = PeakMemory()
    monitor.start()
    t0 = last[0] = time.perf_counter()
    release = vocabulary_load(path=bundle, progress=progress)
    elapsed = time.perf_counter() - t0
    monitor.running = False
    total = sum(release.row_counts.values())
    for name in ("CONCEPT", "CONCEPT_RELATIONSHIP"):
        print(f"  {name}: {release.row_counts[name]:,} rows")
    for phase, seconds in phases.items():
        print(f"  {phase}: {seconds:.1f} s")
    print(f"  check+parquet, all files: {sum(phases.values()):.1f} s")
    for line in database.lines:
        print(f"  database {line}")
    print(f"  database, all files: {database.total:.1f} s (beside the check+parquet pass)")
    print(f"checked + Parquet + database load: {elapsed:.1f} s for {total:,} rows "
          f"= {total / elapsed:,.0f} rows/s; peak memory of this process "
          f"{monitor.peak / 1024**2:,.0f} MiB")  # fmt: skip
    if connection.vendor == "postgresql":
        floor = copy_floor(bundle)
        print(f"floor, the same two big files COPYed into bare tables (no check, no index, "
              f"no Parquet): {floor:.1f} s = {(release.row_counts['CONCEPT'] + release.row_counts['CONCEPT_RELATIONSHIP']) / floor:,.0f} rows/s; "
              f"the load takes {elapsed / floor:.2f}× its floor")  # fmt: skip
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    t0 = time.perf_counter()
    again = vocabulary_load(path=bundle)
    assert again.pk == release.pk
    print(f"same bundle again (idempotent): {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
