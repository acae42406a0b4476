"""Topics of a corpus: TF-IDF + NMF, labelled by their top terms (no Django import).

French and English stop words are shipped in ``bibliometrics/stopwords/`` (plus the
words every SNDS paper shares, which would otherwise label every topic).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .parsers.base import strip_accents

STOPWORDS_DIR = Path(__file__).parent / "stopwords"


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    words: set[str] = set()
    for name in ("en.txt", "fr.txt", "domain.txt"):
        for line in (STOPWORDS_DIR / name).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                words.add(strip_accents(line).casefold())
    return frozenset(words)


_TOKEN = re.compile(r"(?u)\b[a-z][a-z0-9-]{2,}\b")


def _preprocess(text: str) -> str:
    return strip_accents(text or "").casefold()


def _tokenize(text: str) -> list[str]:
    stops = stop_words()
    return [t for t in _TOKEN.findall(text) if t not in stops]


@dataclass
class Topic:
    index: int
    label: str
    terms: list[str]
    weights: list[float]


@dataclass
class TopicModel:
    topics: list[Topic]
    # per document: (topic index or None when the document has no usable words, weight)
    assignments: list[tuple[int | None, float]] = field(default_factory=list)


def fit_topics(
    documents: list[str],
    *,
    n_topics: int = 10,
    n_terms: int = 8,
    max_features: int = 5000,
    random_state: int = 0,
) -> TopicModel:
    """Fit TF-IDF + NMF; each topic is labelled by its three top terms.

    ``n_topics`` is lowered when the corpus is too small to support it.
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    usable = [i for i, d in enumerate(documents) if _tokenize(_preprocess(d))]
    if len(usable) < 2:
        return TopicModel([], [(None, 0.0)] * len(documents))
    vectorizer = TfidfVectorizer(
        preprocessor=_preprocess,
        tokenizer=_tokenize,
        token_pattern=None,
        lowercase=False,
        ngram_range=(1, 2),
        max_df=0.5 if len(usable) >= 20 else 1.0,
        min_df=2 if len(usable) >= 50 else 1,
        max_features=max_features,
        sublinear_tf=True,
    )
    matrix = vectorizer.fit_transform([documents[i] for i in usable])
    vocabulary = vectorizer.get_feature_names_out()
    k = max(1, min(n_topics, matrix.shape[0] - 1, matrix.shape[1]))
    nmf = NMF(n_components=k, init="nndsvda", random_state=random_state, max_iter=400)
    doc_topic = nmf.fit_transform(matrix)
    topics = []
    for idx, row in enumerate(nmf.components_):
        top = row.argsort()[::-1][:n_terms]
        terms = [str(vocabulary[j]) for j in top if row[j] > 0]
        topics.append(
            Topic(
                idx,
                ", ".join(terms[:3]),
                terms,
                [round(float(row[j]), 4) for j in top if row[j] > 0],
            )
        )
    assignments: list[tuple[int | None, float]] = [(None, 0.0)] * len(documents)
    for pos, doc_index in enumerate(usable):
        row = doc_topic[pos]
        best = int(row.argmax())
        assignments[doc_index] = (best, float(row[best])) if row[best] > 0 else (None, 0.0)
    return TopicModel(topics, assignments)


@lru_cache(maxsize=1)
def glossary() -> tuple[dict[str, str], dict[str, str]]:
    """(English → French, French without accents → English) from the shipped glossary."""
    en_fr: dict[str, str] = {}
    fr_en: dict[str, str] = {}
    for line in (STOPWORDS_DIR / "glossary_en_fr.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        en, fr = line.split("\t")
        en_fr.setdefault(en, fr)
        fr_en.setdefault(strip_accents(fr).casefold(), en)
    return en_fr, fr_en


def translate_term(term: str, language: str) -> str:
    """A topic term in ``language`` ("fr" or "en"): the glossary's word, else the term."""
    en_fr, fr_en = glossary()
    if language == "fr":
        if term in en_fr:
            return en_fr[term]
        if term in fr_en:  # already French, shown with its accents
            return en_fr.get(fr_en[term], term)
        return term
    return fr_en.get(term, term)


def labels_by_language(terms: list[str], *, languages=("fr", "en"), n: int = 3) -> dict[str, str]:
    """``{"fr": "grossesse, valproate, épilepsie", "en": "pregnancy, valproate, epilepsy"}``."""
    out = {}
    for language in languages:
        words = list(dict.fromkeys(translate_term(t, language) for t in terms))
        out[language] = ", ".join(words[:n])
    return out


def themes_in(block: dict, language: str) -> dict:
    """A copy of a thematic map (``themes``) or evolution (``periods`` of ``themes``) whose
    theme labels are in ``language``: the snapshot keeps the corpus' words, mostly English."""

    def relabel(themes: list[dict]) -> list[dict]:
        return [
            {**t, "label": labels_by_language(t.get("words") or [], languages=(language,))[language]
             or t.get("label", "")}
            for t in themes
        ]  # fmt: skip

    out = dict(block)
    if "themes" in out:
        out["themes"] = relabel(out["themes"])
    if "periods" in out:
        out["periods"] = [{**p, "themes": relabel(p.get("themes") or [])} for p in out["periods"]]
    return out
