"""A profile as published: its figures put through :mod:`portal.disclosure` **before**
it is stored for public pages and the API (no Django import).

:func:`publishable` turns a raw :class:`~catalogue.profiling.results.TableProfile` into
JSON-safe data. The small-cell rule itself (what is small, the markers, secondary
suppression) lives in :mod:`portal.disclosure`; this module says what a profile publishes
and how its counts add up, so that none of them gives a hidden one back:

- every variable: rows = missing + values present (``conformance.checked_count``);
  present = failed + passed; failed ⊇ each kind of failure; present = values of the right
  type (``plausibility.checked_count``, with rules) + type failures; typed values ⊇ the
  failures of each rule; present = Σ top values + ``other_count``; typed values = Σ bins;
- the sex split: rows = men + women + other, and men ⊇ the top values of the sex column
  coded 1 (women: 2), men ⊇ the men of the age pyramid (women too);
- the pyramid: rows = Σ bands (men and women) + ``unknown_count``;
- the primary key: rows = duplicates + null keys + the rest; duplicates ⊇ duplicated keys;
  each foreign key: rows ⊇ checked ⊇ orphans.

Every count lives under a key named ``count`` or ending in ``_count`` and is 0, at least
the threshold, ``"< 10"`` or ``"n.d."``. Besides:

- rare top values are grouped into ``other_count`` (when that group would be small, the
  smallest top values join it); histogram bins and pyramid age bands below the threshold
  are merged with their neighbours;
- a share is exact only when its counts are: otherwise a bound (``"> 99.0 %"``) or
  nothing (:meth:`portal.disclosure.Figures.share`);
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

from portal import disclosure
from portal.disclosure import SECONDARY_MARKER, Figures, SmallCellError, is_small, share_value

from .results import TableProfile
from .scoring import explain_grade, table_scores_from
from .specs import QUASI_IDENTIFIERS, Kind, completeness_score

__all__ = [
    "RAW_COUNT_KEYS",
    "SECONDARY_MARKER",
    "SmallCellError",
    "assert_no_small_cells",
    "publishable",
    "share_value",
]

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

FAILURES = ("type_failed", "length_failed", "format_failed", "value_set_failed")


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


def _merge_bins(bins: list[Mapping[str, Any]], t: int) -> list[list[Mapping[str, Any]]]:
    """Adjacent bins grouped until each group holds 0 or at least ``t`` rows."""
    return disclosure.merge_adjacent(bins, lambda g: [sum(b["count"] for b in g)], t)


def _span_label(first: str, last: str) -> str:
    start = first.split("–")[0].split(" – ")[0].strip()
    end = last.split("–")[-1].split(" – ")[-1].strip()
    return f"{start} – {end}"


def _top_values(var: Mapping[str, Any], t: int) -> list[Mapping[str, Any]]:
    """The top values that may be listed: not small, and leaving a group of the others
    (present − Σ listed) that is not small either."""
    present = var["rows"] - var["missing"]
    kept = [v for v in var["top_values"] if v["count"] >= t]
    other = present - sum(v["count"] for v in kept)
    while kept and is_small(other, t):
        smallest = min(kept, key=lambda v: v["count"])
        kept.remove(smallest)
        other += smallest["count"]
    return kept


def _norm_code(var: Mapping[str, Any], value: str) -> str:
    """A sex code as the sex split compares it (integers lose their leading zeros)."""
    value = str(value).strip()
    if var["type"] in ("integer", "year"):
        try:
            return str(int(value))
        except ValueError:
            return value
    return value


# --------------------------------------------------------------------------- figures


class _Profile:
    """The figures of one profile and how they add up (see the module docstring)."""

    def __init__(self, data: Mapping[str, Any], t: int):
        self.data, self.t = data, t
        self.f = Figures(t)
        self.rows = self.f.add("rows", data["rows"], weight=5.0)  # the table's headline
        self.rows_small = is_small(data["rows"], t)
        self.bins: dict[str, list[list[Mapping[str, Any]]]] = {}
        self.tops: dict[str, list[Mapping[str, Any]]] = {}
        self.bands: list[list[Mapping[str, Any]]] = []
        for var in data["columns"]:
            self._variable(var)
        self._keys()
        self._sex()

    def _variable(self, var: Mapping[str, Any]) -> None:
        f, name = self.f, var["name"]
        conf, plaus = var["conformance"], var["plausibility"]
        present = f.add((name, "present"), conf["checked"])
        f.add((name, "missing"), var["missing"])
        f.relation(self.rows, [(name, "missing"), present])
        failed = f.add((name, "failed"), conf["failed"])
        f.contains(present, failed, rest=(name, "passed"))
        for kind in FAILURES:
            f.contains(failed, f.add((name, kind), conf[kind]))
        if plaus["rules"]:
            typed = f.add((name, "typed"), plaus["checked"])
            f.relation(present, [typed, (name, "type_failed")])
            f.contains(typed, f.add((name, "plausibility_failed"), plaus["failed"]))
            for rule in plaus["rules"]:
                key = f.add((name, "rule", rule["rule"]), rule["failed"])
                f.contains(typed, key, rest=(name, "rule_passed", rule["rule"]))
        if self.rows_small or is_small(conf["checked"], self.t):
            return
        kept = _top_values(var, self.t)
        self.tops[name] = kept
        for v in kept:
            f.add((name, "top", v["value"]), v["count"])
        other = conf["checked"] - sum(v["count"] for v in kept)
        f.add((name, "other"), other)
        f.relation(present, [(name, "top", v["value"]) for v in kept] + [(name, "other")])
        if var["histogram"]:
            groups = _merge_bins(var["histogram"], self.t)
            self.bins[name] = groups
            keys = []
            for i, g in enumerate(groups):
                keys.append(f.add((name, "bin", i), sum(b["count"] for b in g)))
            typed_n = var["rows"] - var["missing"] - conf["type_failed"]
            total = sum(b["count"] for b in var["histogram"])
            if total == typed_n:  # the bins hold every value of the right type
                f.add((name, "typed"), typed_n, shown=False)
                f.relation((name, "typed"), keys)
                if not plaus["rules"]:
                    f.relation(present, [(name, "typed"), (name, "type_failed")])
            else:
                f.add((name, "binned"), total, shown=False)
                f.relation((name, "binned"), keys)

    def _keys(self) -> None:
        f, data = self.f, self.data
        pk = data.get("primary_key")
        if pk is not None:
            dups = f.add(("pk", "duplicates"), pk["duplicates"])
            nulls = f.add(("pk", "null_keys"), pk["null_keys"])
            rest = f.add(
                ("pk", "unique"), data["rows"] - pk["duplicates"] - pk["null_keys"], shown=False
            )
            f.relation(self.rows, [dups, nulls, rest])
            f.contains(dups, f.add(("pk", "duplicated_keys"), pk["duplicated_keys"]))
        for i, fk in enumerate(data.get("foreign_keys") or []):
            checked = f.add(("fk", i, "checked"), fk["checked"])
            if fk["checked"] <= data["rows"]:
                f.contains(self.rows, checked)
            f.contains(checked, f.add(("fk", i, "orphans"), fk["orphans"]), rest=("fk", i, "ok"))

    def _sex(self) -> None:
        f, data, t = self.f, self.data, self.t
        split = None if self.rows_small else data.get("sex_split")
        if split:
            for cell in split:
                f.add(("sex", cell["value"]), cell["count"])
            f.relation(self.rows, [("sex", c["value"]) for c in split])
            sex_var = next((v for v in data["columns"] if v["kind"] == str(Kind.SEX)), None)
            if sex_var is not None and {c["value"] for c in split} == {"1", "2", "other"}:
                self._sex_values(sex_var)
        pyramid = None if self.rows_small else data.get("pyramid")
        if not pyramid:
            return
        self.bands = disclosure.merge_adjacent(
            pyramid["bands"],
            lambda g: [sum(b["male"] for b in g), sum(b["female"] for b in g)],
            t,
        )
        cells = []
        for i, g in enumerate(self.bands):
            cells.append(f.add(("band", i, "male"), sum(b["male"] for b in g)))
            cells.append(f.add(("band", i, "female"), sum(b["female"] for b in g)))
        f.add(("pyramid", "unknown"), pyramid["unknown"])
        f.relation(self.rows, [*cells, ("pyramid", "unknown")])
        for code, sex in (("1", "male"), ("2", "female")):
            if ("sex", code) in f:
                bands = [("band", i, sex) for i in range(len(self.bands))]
                self._within(("sex", code), bands, ("sex", code, "no age"))

    def _sex_values(self, var: Mapping[str, Any]) -> None:
        """The sex column's own figures are the split's cells seen again: its values
        present are men + women + other codes (x); the split's "other" is the missing
        values + x; each listed value belongs to one of the three, the rest to "other"."""
        f, name = self.f, var["name"]
        present, missing = (name, "present"), (name, "missing")
        x = f.raw(present) - f.raw(("sex", "1")) - f.raw(("sex", "2"))
        if x < 0 or f.raw(("sex", "other")) != f.raw(missing) + x:
            return  # not the column the split was computed on
        f.add(("sex", "x"), x, shown=False)
        f.relation(present, [("sex", "1"), ("sex", "2"), ("sex", "x")])
        f.relation(("sex", "other"), [missing, ("sex", "x")])
        if name not in self.tops:
            return
        rests = []
        for code in ("1", "2", "x"):
            tops = [
                (name, "top", v["value"])
                for v in self.tops[name]
                if (
                    _norm_code(var, v["value"])
                    if _norm_code(var, v["value"]) in ("1", "2")
                    else "x"
                )
                == code
            ]
            rest = ("sex", code, "not listed")
            self._within(("sex", code), tops, rest)
            rests.append(rest)
        if all(r in f for r in rests):
            f.relation((name, "other"), rests)

    def _within(self, whole, parts: list, rest) -> None:
        """``parts`` are disjoint subsets of ``whole``: whole = Σ parts + rest."""
        total = sum(self.f.raw(p) for p in parts)
        whole_n = self.f.raw(whole)
        if total <= whole_n:
            self.f.add(rest, whole_n - total, shown=False)
            self.f.relation(whole, [*parts, rest])

    def value(self, key):
        return self.f.value(key)


# --------------------------------------------------------------------------- publishable


def _variable(p: _Profile, var: Mapping[str, Any]) -> dict:
    f, name, t = p.f, var["name"], p.t
    conf, plaus = var["conformance"], var["plausibility"]
    present = (name, "present")
    rules = plaus["rules"]
    out: dict[str, Any] = {
        "name": name,
        "type": var["type"],
        "kind": var["kind"],
        "rows_count": f.value("rows"),
        "missing_count": f.value((name, "missing")),
        "completeness_pct": f.share(present, "rows"),
        "distinct_values": var["distinct"],
        "conformance": {
            "checked_count": f.value(present),
            "failed_count": f.value((name, "failed")),
            **{f"{kind}_count": f.value((name, kind)) for kind in FAILURES},
            "pct": f.share((name, "passed"), present),
        },
        "plausibility": {
            "checked_count": f.value((name, "typed")) if rules else 0,
            "failed_count": f.value((name, "plausibility_failed")) if rules else 0,
            "pct": f.share(((name, "typed"), "−", (name, "plausibility_failed")), (name, "typed"))
            if rules and plaus["pct"] is not None
            else None,
            "rules": [
                {
                    "rule": r["rule"],
                    "label": r["label"],
                    "checked_count": f.value((name, "typed")),
                    "failed_count": f.value((name, "rule", r["rule"])),
                    "pct": f.share((name, "rule_passed", r["rule"]), (name, "typed")),
                }
                for r in rules
            ],
        },
        "declared": var.get("declared", True),
        "expected_completeness": var.get("expected_completeness"),
        "expected_basis": var.get("expected_basis", ""),
        "completeness_score": None,
        "suppressed": p.rows_small or is_small(conf["checked"], t),
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
    out["top_values"] = [
        {
            "value": v["value"],
            "label": v.get("label", ""),
            "count": f.value((name, "top", v["value"])),
        }
        for v in p.tops[name]
    ]
    out["other_count"] = f.value((name, "other"))
    out["histogram"] = [
        {
            "label": g[0]["label"] if len(g) == 1 else _span_label(g[0]["label"], g[-1]["label"]),
            "lower": g[0]["lower"],
            "upper": g[-1]["upper"],
            "count": f.value((name, "bin", i)),
        }
        for i, g in enumerate(p.bins.get(name, []))
    ]
    return out


def _pyramid(p: _Profile) -> dict | None:
    pyramid = p.data.get("pyramid")
    if not pyramid or p.rows_small:
        return None
    bands = []
    for i, g in enumerate(p.bands):
        last = g[-1]["label"]
        label = g[0]["label"] if len(g) == 1 else f"{g[0]['age_min']}-{last.split('-')[-1]}"
        if last == "95+" and len(g) > 1:
            label = f"{g[0]['age_min']}+"
        bands.append(
            {
                "label": label,
                "age_min": g[0]["age_min"],
                "male_count": p.value(("band", i, "male")),
                "female_count": p.value(("band", i, "female")),
            }
        )
    return {
        "source_column": pyramid["source_column"],
        "sex_column": pyramid["sex_column"],
        "reference_year": pyramid["reference_year"],
        "bands": bands,
        "unknown_count": p.value(("pyramid", "unknown")),
    }


def publishable(profile: TableProfile | Mapping[str, Any], threshold: int | None = None) -> dict:
    """JSON-safe data of ``profile`` with no count of rows below ``threshold`` anywhere,
    nor derivable from the figures published with it (default threshold: the one the
    profile was computed with). Store this, not the raw profile, where public pages and
    the API read."""
    data = profile.to_dict() if isinstance(profile, TableProfile) else dict(profile)
    t = int(threshold if threshold is not None else data.get("small_cell_threshold", 10))
    p = _Profile(data, t)
    f = p.f
    pk = data.get("primary_key")
    out = {
        "small_cell_threshold": t,
        "rows_count": f.value("rows"),
        "suppressed": p.rows_small,
        "scores": None,
        "variables": [_variable(p, v) for v in data["columns"]],
        "primary_key": None
        if pk is None
        else {
            "columns": pk["columns"],
            "duplicate_count": f.value(("pk", "duplicates")),
            "duplicated_key_count": f.value(("pk", "duplicated_keys")),
            "null_key_count": f.value(("pk", "null_keys")),
        },
        "foreign_keys": [
            {
                "columns": fk["columns"],
                "referenced_table": fk["referenced_table"],
                "referenced_columns": fk["referenced_columns"],
                "checked_count": f.value(("fk", i, "checked")),
                "orphan_count": f.value(("fk", i, "orphans")),
                "pct_ok": f.share(("fk", i, "ok"), ("fk", i, "checked")),
            }
            for i, fk in enumerate(data.get("foreign_keys") or [])
        ],
        "pyramid": _pyramid(p),
        "sex_split": None
        if p.rows_small or not data.get("sex_split")
        else [
            {
                "value": c["value"],
                "label": c.get("label", ""),
                "count": p.value(("sex", c["value"])),
            }
            for c in data["sex_split"]
        ],
        "source": {k: data.get("source", {}).get(k) for k in ("format", "encoding", "delimiter")},
        "engine": data.get("engine"),
        "absent_columns": list(data.get("absent_columns") or []),
        "undeclared_columns": list(data.get("undeclared_columns") or []),
        "reference_date": data.get("reference_date"),
        "reference_basis": data.get("reference_basis", "today"),
        "skipped_keys": list(data.get("skipped_keys") or []),
    }
    out["scores"] = _scores(p, out)
    out["explanation"] = explain_grade(out)
    assert_no_small_cells(out, t)
    return out


def _scores(p: _Profile, out: Mapping[str, Any]) -> dict[str, Any]:
    """The Kahn scores (:mod:`.scoring`) computed again from the **published** shares: a
    score from the exact counts would give back, to its last digit, a share that is
    published only as a bound ("> 95.0 %" of 200 rows, when 3 are missing)."""
    # undeclared columns are profiled but judge nothing; completeness is judged against
    # what is expected of each variable (a death date is expected mostly empty)
    variables = [v for v in out["variables"] if v.get("declared", True)]
    conformance = [share_value(v["conformance"]["pct"]) for v in variables]
    if out["primary_key"] is not None and p.data["primary_key"]["checked"]:
        conformance.append(share_value(p.f.share(("pk", "unique"), "rows")))
    conformance += [share_value(fk["pct_ok"]) for fk in out["foreign_keys"]]
    scores = table_scores_from(
        conformance=conformance,
        completeness=[
            v["completeness_score"]
            if v.get("completeness_score") is not None
            else share_value(v["completeness_pct"])
            for v in variables
        ],
        plausibility=[share_value(v["plausibility"]["pct"]) for v in variables],
    )
    return {k: (round(v, 1) if isinstance(v, float) else v) for k, v in scores.items()}


def assert_no_small_cells(data: Any, threshold: int = 10) -> None:
    """:func:`portal.disclosure.assert_no_small_cells`, and no field of a raw profile."""
    disclosure.assert_no_small_cells(data, threshold, forbidden_keys=RAW_COUNT_KEYS)
