"""A relevance classifier trained on the curators' decisions (no Django import).

TF-IDF over four fields — title with abstract and keywords, MeSH headings, affiliations —
then a logistic regression whose probabilities are calibrated (Platt scaling through
cross-validation, ``CalibratedClassifierCV``). The curation queue ranks the undecided
records by how unsure the model is (probability nearest 0.5); :func:`explain` names the
words that pushed a record's score up or down.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

MIN_PER_CLASS = 5  # fewer decisions of either kind: no model (it would only echo the rules)
FIELDS = ("text", "mesh", "affiliations", "evidence")


@lru_cache(maxsize=65536)
def _country(affiliation: str) -> str:
    """The country an affiliation names (a corpus repeats its affiliations: read each once)."""
    from .places import locate

    return locate(affiliation)[0]


def evidence(record: Mapping[str, Any]) -> list[str]:
    """What the rules see in a record, as tokens: their verdict and reasons (homonym senses
    included), the French context (text, affiliations, data vocabulary), and the country of
    each affiliation ("country:France", "country:Belgium")."""
    from .relevance import assess

    affiliations = [a for a in record.get("affiliations") or [] if a]
    verdict = assess(
        title=record.get("title") or "",
        abstract=record.get("abstract") or "",
        keywords=record.get("keywords") or [],
        mesh_terms=record.get("mesh_terms") or [],
        affiliations=affiliations,
    )
    countries = sorted({_country(a) for a in affiliations} - {""})
    return verdict.evidence() + [f"country:{c.replace(' ', '_')}" for c in countries]


def headings(value: str) -> list[str]:
    """MeSH headings joined by ";" → one token each, the same wherever it stands."""
    return [h.strip().casefold() for h in value.split(";") if h.strip()]


def frame(records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per record: the four fields the model reads (the evidence computed here, by
    the same rules for training and scoring)."""
    return pd.DataFrame(
        {
            "text": [
                " ".join(
                    [
                        r.get("title") or "",
                        r.get("abstract") or "",
                        " ; ".join(r.get("keywords") or []),
                    ]
                )
                for r in records
            ],
            "mesh": [" ; ".join(r.get("mesh_terms") or []) for r in records],
            "affiliations": [" ; ".join(r.get("affiliations") or []) for r in records],
            "evidence": [" ".join(evidence(r)) for r in records],
        },
        columns=list(FIELDS),
    )


# An affiliation names the place more than the data: it weighs less than the text, and the
# rules' evidence (which terms, which senses) is one more field the model weighs.
WEIGHTS = {"text": 1.0, "mesh": 0.5, "affiliations": 0.3, "evidence": 1.0}


def _stop_words() -> list[str]:
    """English and French function words (not the domain list: "SNDS" is what we look for)."""
    from .topics import STOPWORDS_DIR

    words = set()
    for name in ("en.txt", "fr.txt"):
        for line in (STOPWORDS_DIR / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                words.add(line.strip().casefold())
    return sorted(words)


def _pipeline(folds: int, *, fields: Sequence[str] = FIELDS):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    transformers = [
        (
            "text",
            TfidfVectorizer(
                ngram_range=(1, 2),
                sublinear_tf=True,
                max_features=50000,
                stop_words=_stop_words(),
            ),
            "text",
        ),
        ("mesh", TfidfVectorizer(analyzer=headings, min_df=1), "mesh"),
        (
            "affiliations",
            TfidfVectorizer(min_df=1, sublinear_tf=True, stop_words=_stop_words()),
            "affiliations",
        ),
        ("evidence", TfidfVectorizer(token_pattern=r"\S+", lowercase=False), "evidence"),  # noqa: S106
    ]
    # a field no record has (no affiliations imported, no rules' evidence) is left out
    features = ColumnTransformer(
        [t for t in transformers if t[0] in fields],
        transformer_weights={k: v for k, v in WEIGHTS.items() if k in fields},
    )
    model = CalibratedClassifierCV(
        LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000),
        method="sigmoid",
        cv=folds,
    )
    return Pipeline([("features", features), ("model", model)])


@dataclass
class TrainedModel:
    pipeline: Any
    positives: int
    negatives: int
    meta: dict[str, Any] = field(default_factory=dict)

    def dumps(self) -> bytes:
        return pickle.dumps(self)

    @staticmethod
    def loads(blob: bytes) -> TrainedModel:
        # Only ever bytes this module wrote into the portal's own database.
        return pickle.loads(blob)  # noqa: S301

    def probabilities(self, records: Sequence[Mapping[str, Any]]) -> list[float]:
        if not records:
            return []
        return [float(p) for p in self.pipeline.predict_proba(frame(records))[:, 1]]

    def explain(self, record: Mapping[str, Any], top: int = 6) -> list[dict[str, Any]]:
        """The words that weigh most in this record's score: ``{field, term, weight}``."""
        return self.explain_many([record], top=top)[0]

    def explain_many(
        self, records: Sequence[Mapping[str, Any]], top: int = 6
    ) -> list[list[dict[str, Any]]]:
        """:meth:`explain` for many records, their features computed in one pass."""
        if not records:
            return []
        features = self.pipeline.named_steps["features"]
        calibrated = self.pipeline.named_steps["model"].calibrated_classifiers_
        coef = np.mean([c.estimator.coef_[0] for c in calibrated], axis=0)
        matrix = features.transform(frame(records)).tocsr()
        names = features.get_feature_names_out()
        out = []
        for row in range(matrix.shape[0]):
            start, end = matrix.indptr[row], matrix.indptr[row + 1]
            contributions = [
                (names[j], float(v * coef[j]))
                for j, v in zip(matrix.indices[start:end], matrix.data[start:end], strict=True)
            ]
            contributions.sort(key=lambda kv: -abs(kv[1]))
            why = []
            for name, weight in contributions[:top]:
                field_name, _sep, term = name.partition("__")
                why.append({"field": field_name, "term": term.strip(), "weight": round(weight, 3)})
            out.append(why)
        return out


class NotEnoughDecisions(ValueError):
    """Raised with ``(positives, negatives)`` when a class has fewer than MIN_PER_CLASS."""


def train(
    records: Sequence[Mapping[str, Any]],
    labels: Sequence[bool],
    *,
    fields: Sequence[str] = FIELDS,
) -> TrainedModel:
    """A calibrated model of ``labels``; ``fields`` leaves some out (the bench's ablation)."""
    positives = sum(1 for y in labels if y)
    negatives = len(labels) - positives
    if min(positives, negatives) < MIN_PER_CLASS:
        raise NotEnoughDecisions(positives, negatives)
    folds = min(5, positives, negatives)
    data = frame(records)
    fields = [f for f in fields if data[f].str.strip().any()]
    pipeline = _pipeline(folds, fields=fields)
    pipeline.fit(data, np.array([bool(y) for y in labels]))
    return TrainedModel(pipeline, positives, negatives)


def cross_validated(
    records: Sequence[Mapping[str, Any]],
    labels: Sequence[bool],
    *,
    folds: int = 5,
    seed: int = 0,
    fields: Sequence[str] = FIELDS,
) -> list[float]:
    """Out-of-fold probabilities: each record scored by a model that never saw it (the
    vocabulary, the weights and the calibration are all fitted on the other folds)."""
    from sklearn.model_selection import StratifiedKFold

    y = np.array([bool(v) for v in labels])
    out = np.zeros(len(records))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(np.zeros(len(y)), y):
        model = train([records[i] for i in train_idx], y[train_idx].tolist(), fields=fields)
        out[test_idx] = model.probabilities([records[i] for i in test_idx])
    return out.tolist()


def uncertainty(probability: float | None) -> float:
    """0 when the model is sure, 1 when it hesitates (p = 0.5)."""
    if probability is None:
        return 1.0
    return 1.0 - 2.0 * abs(probability - 0.5)


def precision_recall(predicted: Sequence[bool], actual: Sequence[bool]) -> dict[str, float | int]:
    tp = sum(1 for p, a in zip(predicted, actual, strict=True) if p and a)
    fp = sum(1 for p, a in zip(predicted, actual, strict=True) if p and not a)
    fn = sum(1 for p, a in zip(predicted, actual, strict=True) if a and not p)
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
    }
