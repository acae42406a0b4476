"""Benchmark of the bibliometrics app on the 20,788-record PubMed baseline file.

    .venv/bin/python bench/bibliometrics.py [--relevance-only] [path/to/pubmed21n1298.xml.gz]

First the relevance figures: precision and recall of the rules and of the classifier
(out-of-fold, 5 folds) on the labelled evaluation set shipped with the tests
(``tests/bibliometrics/data/relevance_eval.jsonl``), and how many records of the corpus the
rules retain, with why. ``--relevance-only`` stops there. Then it imports the file through the real import job (parse, de-duplicate, enrich, save), then
computes every indicator on all imported publications and times the dashboard for them.
Uses ``BENCH_DATABASE_URL`` when set (e.g. PostgreSQL), else a fresh SQLite file in a
temporary folder, so it never touches the development database.
Prints records/s, peak memory (RSS) and indicator times.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpora" / "pubmed21n1298.xml.gz"


EVAL = REPO / "tests" / "bibliometrics" / "data" / "relevance_eval.jsonl"


def relevance_report(corpus: Path) -> None:
    """Precision and recall on the labelled set; records of the real corpus retained."""
    import json
    from collections import Counter

    sys.path.insert(0, str(REPO))
    from bibliometrics import classifier, enrichment
    from bibliometrics.parsers import Record, parse
    from bibliometrics.relevance import assess

    records = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]
    labels = [r["label"] for r in records]
    verdicts = [
        assess(
            title=r["title"],
            abstract=r["abstract"],
            mesh_terms=r["mesh_terms"],
            affiliations=r["affiliations"],
        )
        for r in records
    ]
    print(
        f"evaluation set: {len(records)} records ({sum(labels)} positive, "
        f"{len(labels) - sum(labels)} negative); aim precision >= 0.95, recall >= 0.90"
    )

    def line(name: str, predicted: list[bool], actual: list[bool], extra: str = "") -> None:
        s = classifier.precision_recall(predicted, actual)
        print(
            f"  {name}: precision {s['precision']:.3f}, recall {s['recall']:.3f} "
            f"(TP {s['tp']}, FP {s['fp']}, FN {s['fn']}){extra}"
        )

    def brier(probabilities: list[float], actual: list[bool]) -> str:
        score = sum((p - y) ** 2 for p, y in zip(probabilities, actual, strict=True))
        return f"; Brier score {score / len(actual):.3f}"

    line("rules", [v.relevant for v in verdicts], labels)
    text_fields = ("text", "mesh", "affiliations")
    started = time.perf_counter()
    for name, fields in [
        ("model, TF-IDF + the rules' evidence (as shipped)", classifier.FIELDS),
        ("model, TF-IDF of title/abstract/MeSH/affiliations only", text_fields),
    ]:
        probabilities = classifier.cross_validated(records, labels, fields=fields)
        line(f"{name}, out-of-fold", [p >= 0.5 for p in probabilities], labels,
             brier(probabilities, labels))  # fmt: skip
    seconds = time.perf_counter() - started
    print(f"  (5-fold training and scoring, both models: {seconds:.1f} s)")
    # Records written after the model's design was fixed (batch 2): scored by a model
    # trained on the first batch only.
    first = [r for r in records if r.get("batch", 1) == 1]
    later = [r for r in records if r.get("batch", 1) == 2]
    if later:
        actual = [r["label"] for r in later]
        print(f"later batch: {len(later)} records, scored by a model trained on the first batch")
        line("rules", [v.relevant for r, v in zip(records, verdicts, strict=True)
                       if r.get("batch", 1) == 2], actual)  # fmt: skip
        for name, fields in [("model as shipped", classifier.FIELDS),
                             ("model, text only", text_fields)]:  # fmt: skip
            model = classifier.train(first, [r["label"] for r in first], fields=fields)
            probabilities = model.probabilities(later)
            line(name, [p >= 0.5 for p in probabilities], actual, brier(probabilities, actual))
    if not corpus.exists():
        return
    started = time.perf_counter()
    read = 0
    kept: list[tuple[str, list[str]]] = []
    set_aside: Counter[str] = Counter()
    for event in parse(corpus):
        if not isinstance(event, Record):
            continue
        read += 1
        verdict = enrichment.record_verdict(event.data)
        if verdict.relevant:
            kept.append((event.data["pmid"], verdict.terms))
        for reason in verdict.reasons:
            if reason.code in ("acronym_other_sense", "acronym_no_context"):
                set_aside[
                    f"{reason.term} ({reason.code}{', ' + reason.detail if reason.detail else ''})"
                ] += 1
    print(
        f"{corpus.name}: {read} records read, {len(kept)} retained by the rules "
        f"({time.perf_counter() - started:.1f} s)"
    )
    for pmid, terms in kept[:20]:
        print(f"  retained PMID {pmid}: {', '.join(terms)}")
    for label, n in set_aside.most_common(10):
        print(f"  set aside: {label} × {n}")


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    corpus = Path(args[0]) if args else CORPUS
    relevance_report(corpus)
    if "--relevance-only" in sys.argv:
        return 0
    if not corpus.exists():
        print(f"corpus not found: {corpus} (skipped)")
        return 0
    from django_bench import django_setup

    django_setup("bench-biblio-", database_url=os.environ.get("BENCH_DATABASE_URL"))
    from django.db import connection
    from django.test import Client

    from bibliometrics import enrichment, indicators, services
    from bibliometrics.models import Publication

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

    from bibliometrics.models import Affiliation

    affiliations = Affiliation.objects.count()
    with_city = Affiliation.objects.exclude(city="").count()
    with_country = Affiliation.objects.exclude(country="").count()
    new_mexico = Affiliation.objects.filter(raw_text__icontains="New Mexico")
    mixed = sum(
        1 for types in Affiliation.objects.values_list("actor_types", flat=True) if len(types) > 1
    )
    print(
        f"affiliations: {affiliations}; with a city {with_city / affiliations:.1%}, with a "
        f"country {with_country / affiliations:.1%}; with two actor types or more {mixed}; "
        f"'New Mexico' ones placed in Mexico: {new_mexico.filter(country='Mexico').count()} "
        f"of {new_mexico.count()}"
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
