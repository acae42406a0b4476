"""Benchmark of the bibliometrics app on the 20,788-record PubMed baseline file.

    .venv/bin/python bench/bibliometrics.py [path/to/pubmed21n1298.xml.gz]

Imports the file through the real import job (parse, de-duplicate, enrich, save), then
computes every indicator on all imported publications and times the dashboard for them.
Uses ``BENCH_DATABASE_URL`` when set (e.g. PostgreSQL), else a fresh SQLite file in a
temporary folder, so it never touches the development database.
Prints records/s, peak memory (RSS) and indicator times.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpora" / "pubmed21n1298.xml.gz"


def main() -> int:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS
    if not corpus.exists():
        print(f"corpus not found: {corpus} (skipped)")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="bench-biblio-"))
    os.environ["HDH_VAR_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bibliometrics import enrichment, indicators, services
    from bibliometrics.models import Publication

    call_command("migrate", verbosity=0)
    if "BENCH_DATABASE_URL" in os.environ:  # start from an empty corpus
        Publication.objects.all().delete()
    print(f"database: {connection.vendor}; corpus: {corpus.name}")

    started, cpu = time.perf_counter(), time.process_time()
    run = services.import_start(paths=[corpus], background=False)
    import_seconds = time.perf_counter() - started
    import_cpu = time.process_time() - cpu
    stats = run.stats
    records = stats["new"] + stats["updated"] + stats["duplicate"] + stats["rejected"]
    print(
        f"import: {records} records in {import_seconds:.1f} s = {records / import_seconds:,.0f} "
        f"records/s (new {stats['new']}, duplicate {stats['duplicate']}, rejected "
        f"{stats['rejected']}, job {run.job.status}); CPU time of this process "
        f"{import_cpu:.1f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )

    started = time.perf_counter()
    again = services.import_start(paths=[corpus], background=False)
    print(
        f"re-import: {time.perf_counter() - started:.1f} s, new {again.stats['new']}, "
        f"duplicate {again.stats['duplicate']} (a re-run never duplicates)"
    )

    # Every indicator on all imported publications (the baseline file is not SNDS-specific,
    # so relevance is ignored here to measure at full scale).
    started = time.perf_counter()
    rows = services.indicator_rows(relevant_only=False)
    rows_seconds = time.perf_counter() - started
    started = time.perf_counter()
    data = indicators.compute_all(
        rows,
        components=[c.code for c in enrichment.COMPONENTS],
        themes=list(enrichment.AREA_LABELS),
    )
    all_seconds = time.perf_counter() - started
    print(
        f"indicators: rows of {len(rows)} publications read in {rows_seconds:.2f} s; every "
        f"indicator computed in {all_seconds:.2f} s (institution network "
        f"{data['institution_network']['nodes']} nodes, co-author network "
        f"{data['coauthor_network']['nodes']} nodes, Lotka n="
        f"{data['lotka']['exponent']:.2f}, Bradford multiplier {data['bradford']['multiplier']:.2f})"
    )

    started = time.perf_counter()
    snapshot = services.indicators_refresh(relevant_only=False)
    print(f"snapshot refresh (rows + all indicators + save): {time.perf_counter() - started:.2f} s")

    from bibliometrics.topics import fit_topics

    started = time.perf_counter()

    docs = list(Publication.objects.values_list("title", flat=True))
    fit_topics(docs, n_topics=10)
    print(f"topics (TF-IDF + NMF on {len(docs)} titles): {time.perf_counter() - started:.2f} s")

    client = Client()
    for label, url in [
        ("dashboard, no filter (first request of the process)", "/publications/"),
        ("dashboard, no filter", "/publications/"),
        ("dashboard, filtered (first)", "/publications/?year_min=2021&actor_type=hospital"),
        ("dashboard, filtered (cached)", "/publications/?year_min=2021&actor_type=hospital"),
        ("dashboard, another filter", "/publications/?country=France&component=DCIR"),
        ("dashboard, a third filter", "/publications/?actor_type=industry"),
        ("publication list, filtered", "/publications/liste/?actor_type=industry"),
    ]:
        started = time.perf_counter()
        response = client.get(url)
        print(
            f"{label}: {1000 * (time.perf_counter() - started):.0f} ms "
            f"(HTTP {response.status_code}, {snapshot.publications} publications)"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS): {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
