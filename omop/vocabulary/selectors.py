"""Reads of the vocabulary module: releases, the alignment of a run, candidate concepts."""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from omop.etl import alignment, reference
from portal.disclosure import count as published_count

from . import store
from .models import MappingDecision, MappingSetVersion, SourceToConceptMap, VocabularyRelease


def current_release() -> VocabularyRelease | None:
    return VocabularyRelease.objects.filter(is_current=True).first()


def concepts_of_vocabularies(vocabulary_ids: list[str], *, page: int = 5000):
    """Every valid concept of the loaded vocabularies named (standard or not: source
    vocabularies such as CIM10, CCAM, BDPM are not standard), walked page by page.
    Nothing when no vocabulary is loaded."""
    after = 0
    while True:
        rows = store.concepts_of(vocabulary_ids, after_id=after, limit=page)
        yield from rows
        if len(rows) < page:
            return
        after = rows[-1]["concept_id"]


def releases() -> QuerySet[VocabularyRelease]:
    return VocabularyRelease.objects.select_related("created_by")


def mapping_versions() -> QuerySet[MappingSetVersion]:
    return MappingSetVersion.objects.select_related("created_by")


def latest_mapping_version() -> MappingSetVersion | None:
    return MappingSetVersion.objects.order_by("-number").first()


def decisions() -> QuerySet[MappingDecision]:
    return MappingDecision.objects.select_related("decided_by", "mapping_version")


@functools.cache
def source_labels() -> dict[str, dict[str, str]]:
    """Labels of the source codes from the shipped SNDS nomenclatures, by vocabulary."""
    labels = {
        "CCAM": {r["CAM_PRS_IDE_COD"]: r["CAM_PRS_IDE_LIB"] for r in reference.nomenclature("IR_CCAM")},
        "BDPM": {
            r["PHA_PRS_IDE"]: f"CIP {r['PHA_PRS_IDE']} — ATC {r['PHA_ATC_CLA']}"
            for r in reference.nomenclature("IR_CIP")
        },
        "IR_SPE_V": {},
        "IR_ACT_V": {},
    }  # fmt: skip
    for key, label in reference.specialty_labels().items():
        kind, code = key.split(":", 1)
        labels["IR_SPE_V" if kind == "SPE" else "IR_ACT_V"][code] = label
    return labels


def _stcm_tuples() -> list[tuple[str, str, int]]:
    return list(
        SourceToConceptMap.objects.filter(retired_in__isnull=True).values_list(
            "source_vocabulary_id", "source_code", "target_concept_id"
        )
    )


def alignment_of(output: Path) -> dict:
    """The alignment of one OMOP output with the vocabulary and curated map in use, cached
    until either changes; person counts already through the small-cell rule."""
    release = current_release()
    version = latest_mapping_version()
    key = (
        f"omop-alignment:{output}:{release.pk if release else 0}:{version.number if version else 0}"
    )
    cached = cache.get(key)
    if cached is not None:
        return cached
    vocabulary_dir = Path(settings.DATA_ROOT) / release.parquet_dir if release else None
    measured = alignment.measure(
        output,
        vocabulary_dir=vocabulary_dir,
        stcm=_stcm_tuples(),
        labels=source_labels(),
        memory_limit=settings.OMOP_VOCABULARY_MEMORY,
    )
    threshold = settings.SMALL_CELL_THRESHOLD
    for codes in measured["unmapped"].values():
        for code in codes:
            if code["persons"] is not None:
                code["persons"] = published_count(code["persons"], threshold)
    measured["release"] = str(release) if release else ""
    measured["mapping_version"] = version.number if version else 0
    cache.set(key, measured, 600)
    return measured


# --- candidate standard concepts for a source label (what Usagi proposes) ------------------

_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "ou",
        "par",
        "pour",
        "sans",
        "sur",
        "un",
        "une",
        "the",
        "of",
        "and",
        "or",
        "with",
        "without",
        "for",
        "in",
        "on",
        "to",
        "by",
    ]
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return text.lower()


@functools.cache
def _stemmers():
    import Stemmer

    return Stemmer.Stemmer("french"), Stemmer.Stemmer("english")


def tokens(text: str) -> set[str]:
    """Stemmed word roots of a French or English label (both stemmers, accents folded)."""
    french, english = _stemmers()
    words = [w for w in _WORD.findall(_fold(text)) if w not in STOPWORDS and len(w) > 1]
    return {french.stemWord(w)[:6] for w in words} | {english.stemWord(w)[:6] for w in words}


def candidates(label: str, *, domain: str = "", limit: int = 10) -> list[dict]:
    """Standard concepts whose name or synonym shares words with ``label``, best first, each
    with a score in [0, 1] (Dice coefficient of the word roots)."""
    wanted = tokens(label)
    if not wanted or not store.is_loaded():
        return []
    # prefixes of the words as written (accents kept: French names and synonyms) and folded
    # (English names); the score below is computed on folded, stemmed roots
    raw = [w for w in re.findall(r"\w+", (label or "").lower()) if len(w) >= 3]
    raw = [w for w in raw if _fold(w) not in STOPWORDS]
    words = sorted({w[:5] for w in raw} | {_fold(w)[:5] for w in raw})[:12]
    if not words:
        return []
    lower = "lower(c.concept_name)", "lower(coalesce(s.concept_synonym_name, ''))"
    clauses, params = [], []
    for w in words:
        clauses.append(f"({lower[0]} LIKE %s OR {lower[1]} LIKE %s)")
        params += [f"%{w}%", f"%{w}%"]
    where = " OR ".join(clauses)
    if domain:
        where = f"({where}) AND c.domain_id = %s"
        params.append(domain)
    found: dict[int, dict] = {}
    for row in store.concept_rows(where, params, limit=500):
        best = found.get(row["concept_id"])
        score = 0.0
        for name in (row["concept_name"], row["synonym"] or ""):
            have = tokens(name)
            if have:
                score = max(score, 2 * len(wanted & have) / (len(wanted) + len(have)))
        if best is None or score > best["score"]:
            found[row["concept_id"]] = {**row, "score": round(score, 2)}
    ranked = sorted(found.values(), key=lambda r: (-r["score"], r["concept_id"]))
    return [r for r in ranked if r["score"] > 0][:limit]
