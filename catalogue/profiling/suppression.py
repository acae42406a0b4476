"""The small-cell rule, applied to a profile **before** it is stored for publication.

SNDS publication rule: no count of rows about people below the threshold (10 by default,
setting ``SMALL_CELL_THRESHOLD``) is published. :func:`publishable` turns a raw
:class:`~catalogue.profiling.results.TableProfile` into JSON-safe data where:

- every count lives under a key named ``count`` or ending in ``_count``, and is either 0,
  at least the threshold, or the marker ``"< 10"`` (:func:`marker`); 0 is published
  (it says nothing about anyone);
- rare top values are grouped into ``other_count`` (with the values outside the top);
  when that group or the missing count would be small *and recoverable by subtraction*,
  the smallest top values join the group too;
- histogram bins and pyramid age bands below the threshold are merged with their
  neighbours (so totals cannot be subtracted back into a small cell);
- the sex split, a three-cell partition of the rows, gets secondary suppression
  (``"n.d."``) when a single cell is small;
- a percentage computed from a small count is replaced by a bound (``"> 99.0 %"``,
  ``"< 1.0 %"``): :func:`share_value` turns it back into a number for charts;
- min, max and percentiles of quasi-identifiers are coarsened: birth years to 5-year
  bands, birth and death dates to the year (means to the month);
- a variable with fewer non-missing values than the threshold keeps no distribution, and
  a table with fewer rows keeps no variable detail at all; non-conforming example values
  are never published.

:func:`assert_no_small_cells` checks data for publication; page and API tests use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .results import TableProfile
from .scoring import explain_grade
from .specs import QUASI_IDENTIFIERS, Kind, completeness_score

SECONDARY_MARKER = "n.d."

#: Keys of the *raw* profile that hold counts: they must never reach published data.
RAW_COUNT_KEYS = frozenset(
    {
        "rows",
        "missing",
        "checked",
        "failed",
        "type_failed",
        "length_failed",
        "format_failed",
        "value_set_failed",
        "duplicates",
        "null_keys",
        "duplicated_keys",
        "orphans",
        "male",
        "female",
        "unknown",
        "examples",
    }
)


def marker(threshold: int) -> str:
    """The text shown instead of a count below ``threshold``."""
    return f"< {threshold}"


def _small(n: int | None, t: int) -> bool:
    return n is not None and 0 < n < t


def _count(n: int | None, t: int) -> int | str | None:
    if n is None:
        return None
    return marker(t) if _small(n, t) else int(n)


def _share(part: int, whole: int, t: int) -> float | str | None:
    """``100 × part / whole``, or a bound when it would reveal a small count."""
    if not whole or _small(whole, t):
        return None
    if _small(part, t):
        return f"< {100.0 * t / whole:.1f} %"
    if _small(whole - part, t):
        return f"> {100.0 * (whole - t) / whole:.1f} %"
    return round(100.0 * part / whole, 1)


def share_value(value: float | str | None) -> float | None:
    """A published share as a number (a bound marker gives its bound), for charts."""
    if value is None or isinstance(value, int | float):
        return value
    try:
        return float(value.strip("<> %"))
    except ValueError:
        return None


# --------------------------------------------------------------------------- coarsening


def _coarsen(value: Any, kind: str | None, *, mean: bool = False) -> Any:
    if value is None or kind not in {str(k) for k in QUASI_IDENTIFIERS}:
        return value
    if kind == Kind.BIRTH_YEAR:
        if mean:
            return round(float(value), 0)
        start = int(float(value)) // 5 * 5
        return f"{start}–{start + 4}"
    text = str(value)
    return text[:7] if mean else text[:4]


def _stats(stats: Mapping[str, Any] | None, kind: str | None) -> dict | None:
    if not stats:
        return None
    out = {}
    for key, value in stats.items():
        if key == "std":
            out[key] = None if value is None else round(float(value), 3)
        else:
            out[key] = _coarsen(value, kind, mean=key == "mean")
    return out


# --------------------------------------------------------------------------- merging


def _merge_bins(bins: list[Mapping[str, Any]], t: int) -> list[dict]:
    """Merge adjacent bins until each holds 0 or at least ``t`` rows."""
    groups: list[list[Mapping[str, Any]]] = []
    current: list[Mapping[str, Any]] = []
    for b in bins:
        current.append(b)
        total = sum(x["count"] for x in current)
        if total >= t or (total == 0 and len(current) == 1):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    # A small remainder at the end joins the groups before it (zero-count ones included).
    while len(groups) > 1 and _small(sum(x["count"] for x in groups[-1]), t):
        last = groups.pop()
        groups[-1].extend(last)
    out = []
    for g in groups:
        total = sum(x["count"] for x in g)
        label = g[0]["label"] if len(g) == 1 else _span_label(g[0]["label"], g[-1]["label"])
        out.append(
            {
                "label": label,
                "lower": g[0]["lower"],
                "upper": g[-1]["upper"],
                "count": _count(total, t),
            }
        )
    return out


def _span_label(first: str, last: str) -> str:
    start = first.split("–")[0].split(" – ")[0].strip()
    end = last.split("–")[-1].split(" – ")[-1].strip()
    return f"{start} – {end}"


def _top_values(var: Mapping[str, Any], t: int) -> tuple[list[dict], int | str]:
    present = var["rows"] - var["missing"]
    kept = [v for v in var["top_values"] if v["count"] >= t]
    other = present - sum(v["count"] for v in kept)
    # Secondary protection: a small "other" (or a small missing count when nothing else
    # is left) would be recoverable as rows − missing − Σ top values.
    while kept and (_small(other, t) or (_small(var["missing"], t) and other == 0)):
        smallest = min(kept, key=lambda v: v["count"])
        kept.remove(smallest)
        other += smallest["count"]
    return (
        [{"value": v["value"], "label": v.get("label", ""), "count": v["count"]} for v in kept],
        _count(other, t),
    )


def _pyramid(pyramid: Mapping[str, Any] | None, t: int) -> dict | None:
    if not pyramid:
        return None
    groups: list[list[Mapping[str, Any]]] = []
    current: list[Mapping[str, Any]] = []

    def ok(group) -> bool:
        m = sum(b["male"] for b in group)
        f = sum(b["female"] for b in group)
        return not _small(m, t) and not _small(f, t)

    for band in pyramid["bands"]:
        current.append(band)
        if ok(current):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    while len(groups) > 1 and not ok(groups[-1]):
        last = groups.pop()
        groups[-1].extend(last)
    bands = []
    for g in groups:
        last = g[-1]["label"]
        label = g[0]["label"] if len(g) == 1 else f"{g[0]['age_min']}-{last.split('-')[-1]}"
        if last == "95+" and len(g) > 1:
            label = f"{g[0]['age_min']}+"
        bands.append(
            {
                "label": label,
                "age_min": g[0]["age_min"],
                "male_count": _count(sum(b["male"] for b in g), t),
                "female_count": _count(sum(b["female"] for b in g), t),
            }
        )
    return {
        "source_column": pyramid["source_column"],
        "sex_column": pyramid["sex_column"],
        "reference_year": pyramid["reference_year"],
        "bands": bands,
        "unknown_count": _count(pyramid["unknown"], t),
    }


def _partition(cells: list[Mapping[str, Any]], t: int) -> list[dict]:
    """Counts of a partition of published rows: primary and secondary suppression."""
    out = [dict(c) for c in cells]
    small = [c for c in out if _small(c["count"], t)]
    if len(small) == 1:
        others = [c for c in out if c not in small and c["count"] > 0]
        if others:
            min(others, key=lambda c: c["count"])["count"] = SECONDARY_MARKER
    for c in out:
        if isinstance(c["count"], int):
            c["count"] = _count(c["count"], t)
    return out


# --------------------------------------------------------------------------- publishable


def _variable(var: Mapping[str, Any], rows_small: bool, t: int) -> dict:
    conf = var["conformance"]
    plaus = var["plausibility"]
    present = var["rows"] - var["missing"]
    out: dict[str, Any] = {
        "name": var["name"],
        "type": var["type"],
        "kind": var["kind"],
        "rows_count": _count(var["rows"], t),
        # rows − missing would give a small number of filled values (4 deaths): hidden too
        "missing_count": SECONDARY_MARKER if _small(present, t) else _count(var["missing"], t),
        "completeness_pct": _share(present, var["rows"], t),
        "distinct_values": var["distinct"],
        "conformance": {
            "checked_count": _count(conf["checked"], t),
            "failed_count": _count(conf["failed"], t),
            "type_failed_count": _count(conf["type_failed"], t),
            "length_failed_count": _count(conf["length_failed"], t),
            "format_failed_count": _count(conf["format_failed"], t),
            "value_set_failed_count": _count(conf["value_set_failed"], t),
            "pct": _share(conf["checked"] - conf["failed"], conf["checked"], t),
        },
        "plausibility": {
            "checked_count": _count(plaus["checked"], t),
            "failed_count": _count(plaus["failed"], t),
            "pct": _share(plaus["checked"] - plaus["failed"], plaus["checked"], t)
            if plaus["pct"] is not None
            else None,
            "rules": [
                {
                    "rule": r["rule"],
                    "label": r["label"],
                    "checked_count": _count(r["checked"], t),
                    "failed_count": _count(r["failed"], t),
                    "pct": _share(r["checked"] - r["failed"], r["checked"], t),
                }
                for r in plaus["rules"]
            ],
        },
        "declared": var.get("declared", True),
        "expected_completeness": var.get("expected_completeness"),
        "expected_basis": var.get("expected_basis", ""),
        "completeness_score": None,
        "suppressed": rows_small or _small(present, t),
        "stats": None,
        "top_values": [],
        "other_count": None,
        "histogram": [],
    }
    # Judged on the *published* share (a bound for a small count), never the exact one.
    if out["expected_completeness"] is not None:
        out["completeness_score"] = completeness_score(
            share_value(out["completeness_pct"]), out["expected_completeness"]
        )
    if out["suppressed"]:
        out["distinct_values"] = None
        return out
    out["stats"] = _stats(var["stats"], var["kind"])
    out["top_values"], out["other_count"] = _top_values(var, t)
    out["histogram"] = _merge_bins(var["histogram"], t) if var["histogram"] else []
    return out


def publishable(profile: TableProfile | Mapping[str, Any], threshold: int | None = None) -> dict:
    """JSON-safe data of ``profile`` with no count of rows below ``threshold`` anywhere
    (default: the threshold the profile was computed with). Store this, not the raw
    profile, where public pages and the API read."""
    data = profile.to_dict() if isinstance(profile, TableProfile) else dict(profile)
    t = int(threshold if threshold is not None else data.get("small_cell_threshold", 10))
    rows = data["rows"]
    rows_small = _small(rows, t)
    pk = data.get("primary_key")
    out = {
        "small_cell_threshold": t,
        "rows_count": _count(rows, t),
        "suppressed": rows_small,
        "scores": {
            k: (round(v, 1) if isinstance(v, float) else v) for k, v in data["scores"].items()
        },
        "variables": [_variable(v, rows_small, t) for v in data["columns"]],
        "primary_key": None
        if pk is None
        else {
            "columns": pk["columns"],
            "duplicate_count": _count(pk["duplicates"], t),
            "duplicated_key_count": _count(pk["duplicated_keys"], t),
            "null_key_count": _count(pk["null_keys"], t),
        },
        "foreign_keys": [
            {
                "columns": fk["columns"],
                "referenced_table": fk["referenced_table"],
                "referenced_columns": fk["referenced_columns"],
                "checked_count": _count(fk["checked"], t),
                "orphan_count": _count(fk["orphans"], t),
                "pct_ok": _share(fk["checked"] - fk["orphans"], fk["checked"], t),
            }
            for fk in data.get("foreign_keys") or []
        ],
        "pyramid": None if rows_small else _pyramid(data.get("pyramid"), t),
        "sex_split": None
        if rows_small or not data.get("sex_split")
        else _partition(data["sex_split"], t),
        "source": {k: data.get("source", {}).get(k) for k in ("format", "encoding", "delimiter")},
        "engine": data.get("engine"),
        "absent_columns": list(data.get("absent_columns") or []),
        "undeclared_columns": list(data.get("undeclared_columns") or []),
        "reference_date": data.get("reference_date"),
        "reference_basis": data.get("reference_basis", "today"),
        "skipped_keys": list(data.get("skipped_keys") or []),
    }
    out["explanation"] = explain_grade(out)
    assert_no_small_cells(out, t)
    return out


class SmallCellError(AssertionError):
    """Published data holds a count below the threshold."""


def assert_no_small_cells(data: Any, threshold: int = 10, *, path: str = "$") -> None:
    """Raise :class:`SmallCellError` if ``data`` (JSON-like) holds a count below
    ``threshold``: a ``count``/``*_count`` key whose value is an int in 1…threshold−1 or
    anything but an int, ``None`` or a suppression marker — or a key of the raw profile
    (``rows``, ``missing``, ``male``…) at all, which means unprotected data leaked."""
    allowed_markers = {marker(threshold), SECONDARY_MARKER}
    if isinstance(data, Mapping):
        for key, value in data.items():
            where = f"{path}.{key}"
            if key in RAW_COUNT_KEYS:
                raise SmallCellError(f"{where}: raw profile field in published data")
            is_count = key == "count" or str(key).endswith("_count")
            if is_count and (
                isinstance(value, bool)
                or not (
                    value is None
                    or (isinstance(value, int) and not _small(value, threshold))
                    or value in allowed_markers
                )
            ):
                raise SmallCellError(f"{where} = {value!r}: count below {threshold}")
            assert_no_small_cells(value, threshold, path=where)
    elif isinstance(data, list | tuple):
        for i, item in enumerate(data):
            assert_no_small_cells(item, threshold, path=f"{path}[{i}]")
