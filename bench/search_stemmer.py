"""Relevance of the catalogue search with the hand-written light stemmer and with Snowball.

    .venv/bin/python bench/search_stemmer.py [--full]

Imports the shipped SNDS subset (``catalogue/fixtures/snds-subset``; ``--full``: the whole
``../shared/snds-schema``, or ``$SNDS_SCHEMA_DIR``) into a new SQLite file, then runs a
labelled set of French queries — plurals, feminines, irregular plurals — through the real search (``_matches``,
synonyms included, ranked as the search page ranks) once per stemmer. A query's relevant
entries are those whose normalised text contains its word family, written by hand below as
a regular expression (independent of either stemmer). Prints precision@10, precision@20 and
recall per query and on average, side by side.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SUBSET = REPO / "catalogue" / "fixtures" / "snds-subset"
FULL = Path(os.environ.get("SNDS_SCHEMA_DIR", REPO.parent / "shared" / "snds-schema"))
# query → the word family a user means (accent-free, as the index stores its texts)
LABELS = {
    "hospitalisations": r"\bhospitalisations?\b",
    "hopitaux": r"\bhopit(al|aux)\b",
    "delivree": r"\bdelivr(e|ee|es|ees|er|ance|ances)\b",
    "medicaments": r"\bmedicaments?\b",
    "sejours": r"\bsejours?\b",
    "actes": r"\bactes?\b",
    "dates": r"\bdates?\b",
    "deces": r"\bdeces\b",
    "decedees": r"\bdeced(e|ee|es|ees)\b",
    "prestations": r"\bprestations?\b",
    "beneficiaires": r"\bbeneficiaires?\b",
    "naissances": r"\bnaissances?\b",
    "remboursements": r"\bremboursements?\b",
    "prescriptions": r"\bprescriptions?\b",
    "etablissements": r"\betablissements?\b",
    "medecins": r"\bmedecins?\b",
    "soins": r"\bsoins?\b",
    "pharmacies": r"\bpharmacies?\b",
    "feminin": r"\bfeminin(e|s|es)?\b",
    "nationale": r"\bnationa(l|le|ux|les)\b",
}
KS = (10, 20)


def snowball():
    import Stemmer

    french = Stemmer.Stemmer("french")

    def stem(word: str) -> str:
        # as the hand stemmer: codes, acronyms and short words are kept whole
        if len(word) <= 4 or not word.isalpha():
            return word
        return french.stemWord(word)

    return stem


def evaluate(search, stem) -> dict[str, tuple[float, ...]]:
    from catalogue.models import SearchEntry

    search.stem = stem
    texts = {
        pk: f"{name} {title} {body}"
        for pk, name, title, body in SearchEntry.objects.values_list(
            "pk", "name_norm", "title_norm", "body_norm"
        )
    }
    scores = {}
    for query, label in LABELS.items():
        pattern = re.compile(label)
        relevant = {pk for pk, text in texts.items() if pattern.search(text)}
        qs, _terms = search._matches(query)
        ranked = list(
            qs.annotate(kind_order=search._kind_order())
            .order_by(*search.RELEVANCE_ORDER)
            .values_list("pk", flat=True)
        )
        precision = [
            sum(pk in relevant for pk in ranked[:k]) / min(k, len(ranked)) if ranked else 0.0
            for k in KS
        ]
        recall = len(relevant & set(ranked)) / len(relevant) if relevant else 1.0
        scores[query] = (*precision, recall, len(relevant), len(ranked))
    return scores


def main() -> int:
    source = FULL if "--full" in sys.argv else SUBSET
    if not source.exists():
        print(f"schema not found: {source} (skipped)")
        return 0
    from django_bench import django_setup

    django_setup("bench-stemmer-")

    from catalogue import search
    from catalogue.services import tableschema_import

    tableschema_import(
        paths=[source / "schemas"], database="SNDS", nomenclatures=source / "nomenclatures"
    )
    print(f"corpus: {source.name}, {search.SearchEntry.objects.count():,} entries (SQLite FTS5)")
    light = search.stem
    hand = evaluate(search, light)
    ball = evaluate(search, snowball())
    search.stem = light
    head = " ".join(f"P@{k:<3}" for k in KS) + " recall"
    print(f"{'query':<16} {'relevant':>8}  {'light (hand) ' + head:<34} {'snowball ' + head}")
    for query in LABELS:
        h, b = hand[query], ball[query]
        cells = [" ".join(f"{v:5.2f}" for v in s[: len(KS) + 1]) for s in (h, b)]
        print(f"{query:<16} {h[-2]:>8}  {cells[0]:<34} {cells[1]}")
    n = len(LABELS)
    means = [
        " ".join(f"{sum(s[q][i] for q in LABELS) / n:5.2f}" for i in range(len(KS) + 1))
        for s in (hand, ball)
    ]
    print(f"{'mean':<16} {'':>8}  {means[0]:<34} {means[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
