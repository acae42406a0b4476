"""Kahn dimension scores, the overall grade, and the roll-up to a database.

Scores are percentages (0–100):

- **completeness**: mean over the table's declared variables of their completeness
  *score*: the observed completeness measured against the rate expected of the variable
  (100 when it reaches it, ``observed / expected`` below; a variable expected empty, such
  as a death date or an optional OMOP column, scores 100 whatever its completeness) — see
  :func:`catalogue.profiling.specs.expected_completeness`;
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
        _mean(
            v.completeness_score if v.expected_completeness is not None else v.completeness_pct
            for v in variables
        ),
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


# --------------------------------------------------------------------------- explanation

#: How many variables an explanation names per dimension (the ones that cost the most).
EXPLAIN_TOP = 5


def _num(value: Any) -> float | None:
    """A published share as a number (``"> 99.0 %"`` gives 99.0)."""
    if value is None or isinstance(value, int | float):
        return value
    try:
        return float(str(value).strip("<> %"))
    except ValueError:
        return None


def explain_grade(published: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Why a table got its grade, as codes with parameters (the web layer words them).

    Reads **published** data only (shares as published, bounds included), so the
    explanation says nothing the page does not already show. Items, in order:

    - ``grade``: overall score, grade, and the score the next grade needs;
    - ``dimension``: each Kahn dimension's score (or ``not_judged``);
    - ``below_expected``: variables whose completeness is below their expected rate;
    - ``empty_by_design``: variables not penalised for being empty, and why (``basis``);
    - ``nonconforming`` / ``implausible``: variables that lower those dimensions;
    - ``duplicate_keys`` / ``orphans``: key checks that lower conformance;
    - ``absent_columns`` / ``undeclared_columns``: the extract's shape (not graded).
    """
    scores = published.get("scores") or {}
    items: list[dict[str, Any]] = []
    overall, grade = scores.get("overall"), scores.get("grade")
    better = None
    for letter, minimum in GRADE_THRESHOLDS:
        if overall is not None and overall < minimum:
            better = (letter, minimum)
    items.append(
        {
            "code": "grade",
            "grade": grade,
            "overall": overall,
            "next_grade": better[0] if better else None,
            "next_threshold": better[1] if better else None,
        }
    )
    for dim in ("completeness", "conformance", "plausibility"):
        items.append({"code": "dimension", "dimension": dim, "score": scores.get(dim)})
    variables = [v for v in published.get("variables") or [] if v.get("declared", True)]
    below, by_design, nonconforming, implausible = [], [], [], []
    for v in variables:
        observed = _num(v.get("completeness_pct"))
        expected = v.get("expected_completeness")
        basis = v.get("expected_basis") or ""
        if expected is not None and expected <= 0 and observed is not None and observed < 100:
            by_design.append(
                {"variable": v["name"], "observed": v["completeness_pct"], "basis": basis}
            )
        elif expected is not None and observed is not None and observed < expected:
            below.append(
                {
                    "variable": v["name"],
                    "observed": v["completeness_pct"],
                    "expected": expected,
                    "basis": basis,
                    "score": v.get("completeness_score"),
                    "_cost": expected - observed,
                }
            )
        conf = _num((v.get("conformance") or {}).get("pct"))
        if conf is not None and conf < 100:
            nonconforming.append(
                {"variable": v["name"], "pct": v["conformance"]["pct"], "_cost": 100 - conf}
            )
        plaus = _num((v.get("plausibility") or {}).get("pct"))
        if plaus is not None and plaus < 100:
            implausible.append(
                {"variable": v["name"], "pct": v["plausibility"]["pct"], "_cost": 100 - plaus}
            )
    for code, found in (
        ("below_expected", below),
        ("nonconforming", nonconforming),
        ("implausible", implausible),
    ):
        found.sort(key=lambda item: -item["_cost"])
        for item in found[:EXPLAIN_TOP]:
            item.pop("_cost")
            items.append({"code": code, **item})
        if len(found) > EXPLAIN_TOP:
            items.append({"code": f"{code}_more", "more": len(found) - EXPLAIN_TOP})
    items.extend({"code": "empty_by_design", **item} for item in by_design)
    pk = published.get("primary_key")
    if pk and pk.get("duplicate_count") not in (0, None):
        items.append(
            {"code": "duplicate_keys", "columns": pk["columns"], "count": pk["duplicate_count"]}
        )
    for fk in published.get("foreign_keys") or []:
        if fk.get("orphan_count") not in (0, None):
            items.append(
                {
                    "code": "orphans",
                    "columns": fk["columns"],
                    "referenced_table": fk["referenced_table"],
                    "pct_ok": fk["pct_ok"],
                }
            )
    if published.get("absent_columns"):
        items.append({"code": "absent_columns", "columns": list(published["absent_columns"])})
    if published.get("undeclared_columns"):
        items.append(
            {"code": "undeclared_columns", "columns": list(published["undeclared_columns"])}
        )
    return items
