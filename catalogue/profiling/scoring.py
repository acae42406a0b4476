"""Kahn dimension scores, the overall grade, and the roll-up to a database.

Scores are percentages (0–100):

- **completeness**: mean over the table's variables of their completeness %;
- **conformance**: mean over the variables' conformance % (variables with at least one
  non-missing value), plus one term for primary-key uniqueness (100 × unique rows / rows)
  and one per checked foreign key (100 × rows found / rows checked);
- **plausibility**: mean over the variables that have at least one applicable rule
  (``None`` when no variable has one).

The **overall** score is the mean of the dimensions that could be judged, and the grade:

====== ============
grade  overall ≥
====== ============
A      95
B      85
C      70
D      50
E      below 50
====== ============

A database gets the unweighted mean of its tables' scores (each table counts once, so
one huge table does not hide the others), graded the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from statistics import fmean
from typing import Any

from .results import KahnScores, KeyCheck, OrphanCheck, VariableProfile

GRADE_THRESHOLDS = (("A", 95.0), ("B", 85.0), ("C", 70.0), ("D", 50.0))


def grade_for(score: float | None) -> str | None:
    """Letter grade A–E for an overall score (``None`` → ``None``)."""
    if score is None:
        return None
    for letter, minimum in GRADE_THRESHOLDS:
        if score >= minimum:
            return letter
    return "E"


def _mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return round(fmean(kept), 2) if kept else None


def _scores(conformance, completeness, plausibility) -> KahnScores:
    overall = _mean([conformance, completeness, plausibility])
    return KahnScores(
        conformance=conformance,
        completeness=completeness,
        plausibility=plausibility,
        overall=overall,
        grade=grade_for(overall),
    )


def table_scores(
    variables: list[VariableProfile],
    primary_key: KeyCheck | None,
    foreign_keys: list[OrphanCheck],
) -> KahnScores:
    """Kahn scores of one table from its variable profiles and key checks."""
    conformance_terms = [v.conformance.pct for v in variables]
    if primary_key is not None and primary_key.checked:
        unique = primary_key.checked - primary_key.duplicates - primary_key.null_keys
        conformance_terms.append(100.0 * unique / primary_key.checked)
    conformance_terms.extend(fk.pct_ok for fk in foreign_keys)
    return _scores(
        _mean(conformance_terms),
        _mean(v.completeness_pct for v in variables),
        _mean(v.plausibility.pct for v in variables),
    )


def table_scores_from(
    *,
    conformance: Iterable[float | None],
    completeness: Iterable[float | None],
    plausibility: Iterable[float | None],
) -> dict[str, Any]:
    """Kahn scores of one table from its terms (shares, ``None`` for "nothing to judge"):
    what publication computes from the shares it publishes."""
    return asdict(_scores(_mean(conformance), _mean(completeness), _mean(plausibility)))


def database_scores(tables: Iterable[KahnScores | Mapping[str, Any]]) -> KahnScores:
    """Roll table scores up to their database (unweighted mean per dimension).

    Accepts :class:`KahnScores` or their stored dict form (``{"conformance": …, …}``).
    """
    rows = [asdict(t) if isinstance(t, KahnScores) else dict(t) for t in tables]
    return _scores(
        _mean(r.get("conformance") for r in rows),
        _mean(r.get("completeness") for r in rows),
        _mean(r.get("plausibility") for r in rows),
    )
