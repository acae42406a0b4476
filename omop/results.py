"""Results summary of an OMOP output, already through the small-cell rule (no Django import).

:func:`summarize` reads the output files of a conversion (CSV or Parquet folder with DuckDB,
SQLite file with sqlite3) and returns JSON-safe data for the results page and the API:
rows per table, the sex split and age pyramid of ``person``, the top visit concepts and
the top drug (CIP13) and procedure (CCAM) source values. :func:`suppress_report` does the
same for the counts of an engine report (rows read/written, rejections, coverage, DQ
failures), and :func:`publish` does both at once, as the conversion job does, so that the
report and the summary, shown side by side, protect each other's hidden cells.

The small-cell rule is :mod:`portal.disclosure`'s; this module declares how the figures
add up: rows of ``person`` = men + women + unknown sex; men = Σ their age bands (women
too); a top-values table's rows = Σ listed values + other; a table's rows ⊇ the rows a
DQ check failed and the rows whose concept is mapped; and between tables
(:data:`CONTAINED_IN`): ``person`` = ``observation_period`` + persons without events,
``person`` ⊇ ``death``. Every count sits under a key named ``count`` or ending in
``_count`` and is 0, at least the threshold, ``"< 10"`` or ``"n.d."``. Pyramid age bands
are merged with their neighbours until each holds no small count.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb

from portal import disclosure
from portal.disclosure import Figures, assert_no_small_cells

from .etl import reference
from .etl.dq import SCHEMA_CHECKS
from .etl.spec import TABLES

__all__ = [
    "CONTAINED_IN",
    "assert_no_small_cells",
    "publish",
    "summarize",
    "suppress_report",
    "table_row_counts",
]

#: The cost of hiding a table's row count, beside a cell of a split or a top-values table.
HEADLINE = 5.0

#: OMOP tables whose rows are a subset of another table's (one row per person at most):
#: their row counts must not give the difference away.
CONTAINED_IN = {"observation_period": "person", "death": "person"}

MALE, FEMALE = 8507, 8532
VISIT_CONCEPTS = {
    9201: "Inpatient Visit",
    9202: "Outpatient Visit",
    9203: "Emergency Room Visit",
    262: "Emergency Room and Inpatient Visit",
    581458: "Pharmacy visit",
    32036: "Laboratory Visit",
    5083: "Telehealth",
    581476: "Home Visit",
    0: "No matching concept",
}
BAND = 5
LAST_BAND = 95
#: The top source values shown per event table, each with its label from the nomenclature.
SOURCE_VALUE_BLOCKS = {
    "drug_source_values": ("drug_exposure", "drug_source_value"),
    "procedure_source_values": ("procedure_occurrence", "procedure_source_value"),
    "condition_source_values": ("condition_occurrence", "condition_source_value"),
    "measurement_source_values": ("measurement", "measurement_source_value"),
    "device_source_values": ("device_exposure", "device_source_value"),
    "observation_source_values": ("observation", "observation_source_value"),
}
TOP_BLOCKS = ("visit_concepts", *SOURCE_VALUE_BLOCKS, "condition_chapters")


def partition(cells: list[dict], threshold: int) -> list[dict]:
    """Cells of a partition whose ``count`` add up to a total published beside them."""
    values = disclosure.protect_partition([c["count"] for c in cells], threshold)
    return [{**c, "count": v} for c, v in zip(cells, values, strict=True)]


# --------------------------------------------------------------------------- reading


class _Output:
    """One OMOP output: SQL over its tables through DuckDB."""

    def __init__(self, output: str | Path, fmt: str):
        self.path, self.fmt = Path(output), fmt
        self.con = duckdb.connect()
        self.tables: set[str] = set()
        if fmt in ("csv", "parquet"):
            for file in sorted(self.path.glob(f"*.{fmt}")):
                if file.stem not in TABLES:
                    continue
                reader = "read_parquet" if fmt == "parquet" else "read_csv"
                options = "" if fmt == "parquet" else ", header=true, all_varchar=false"
                quoted = str(file).replace("'", "''")
                self.con.execute(
                    f"CREATE VIEW {file.stem} AS SELECT * FROM {reader}('{quoted}'{options})"  # noqa: S608
                )
                self.tables.add(file.stem)
        elif fmt == "sqlite":
            import pandas as pd

            with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True) as src:
                names = [
                    r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type='table'")
                ]
                for name in [n for n in names if n in TABLES]:
                    frame = pd.read_sql_query(f'SELECT * FROM "{name}"', src)  # noqa: S608
                    self.con.register(f"_{name}", frame)
                    self.con.execute(f"CREATE VIEW {name} AS SELECT * FROM _{name}")  # noqa: S608
                    self.tables.add(name)
        else:
            raise ValueError(f"no results for output format {fmt!r}")

    def one(self, sql: str) -> Any:
        return self.con.execute(sql).fetchone()[0]

    def rows(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def close(self) -> None:
        self.con.close()


def _top(out: _Output, table: str, column: str, top: int, labels=None) -> dict | None:
    """Raw counts of the ``top`` most frequent values of ``table.column``."""
    if table not in out.tables:
        return None
    ranked = out.rows(
        f"SELECT {column} AS v, count(*) AS n FROM {table} GROUP BY 1 "  # noqa: S608
        "ORDER BY n DESC, v LIMIT ?".replace("?", str(int(top)))
    )
    return {
        "table": table,
        "column": column,
        "items": [
            {
                "value": "" if v is None else str(v),
                "label": (labels or {}).get(v, ""),
                "count": int(n),
            }
            for v, n in ranked
        ],
    }


def _reference_year(out: _Output) -> int | None:
    for table, column in (
        ("observation_period", "observation_period_end_date"),
        ("visit_occurrence", "visit_end_date"),
    ):
        if table in out.tables:
            value = out.one(f"SELECT max(year(CAST({column} AS DATE))) FROM {table}")  # noqa: S608
            if value:
                return int(value)
    return None


def _pyramid(out: _Output) -> dict | None:
    """Raw persons by 5-year age band and sex (bands up to the oldest), unknown sex apart."""
    year = _reference_year(out)
    if year is None or "person" not in out.tables:
        return None
    age = f"least(greatest({int(year)} - year_of_birth, 0) // {BAND} * {BAND}, {LAST_BAND})"
    rows = out.rows(f"SELECT {age} AS a, gender_concept_id, count(*) FROM person GROUP BY 1, 2")  # noqa: S608
    bands = {age: {"male": 0, "female": 0} for age in range(0, LAST_BAND + 1, BAND)}
    for age, gender, n in rows:
        if age is None:
            continue
        if gender == MALE:
            bands[int(age)]["male"] += n
        elif gender == FEMALE:
            bands[int(age)]["female"] += n
    ages = [a for a in bands if bands[a]["male"] or bands[a]["female"]]
    if not ages:
        return None
    ordered = [{"age_min": a, **bands[a]} for a in range(0, max(ages) + 1, BAND)]
    return {"reference_year": year, "bands": ordered}


def _sex(out: _Output) -> dict | None:
    if "person" not in out.tables:
        return None
    rows = dict(out.rows("SELECT gender_concept_id, count(*) FROM person GROUP BY 1"))
    male, female = rows.pop(MALE, 0), rows.pop(FEMALE, 0)
    return {"M": int(male), "F": int(female), "?": int(sum(rows.values()))}


def _chapters(out: _Output) -> dict | None:
    """Rows of ``condition_occurrence`` by CIM-10 chapter (every chapter, in order, then
    the codes outside them)."""
    if "condition_occurrence" not in out.tables:
        return None
    by_chapter: dict[str, int] = {}
    for code, n in out.rows(
        "SELECT upper(substr(condition_source_value, 1, 3)), count(*) "
        "FROM condition_occurrence GROUP BY 1"
    ):
        chapter = reference.cim10_chapter(code or "")
        by_chapter[chapter] = by_chapter.get(chapter, 0) + int(n)
    items = [
        {"value": c["chapter"], "label": c["label"], "count": by_chapter.get(c["chapter"], 0)}
        for c in reference.cim10_chapters()
    ]
    if by_chapter.get(""):
        items.append({"value": "", "label": "", "count": by_chapter[""]})
    return {"table": "condition_occurrence", "column": "condition_source_value", "items": items}


def _raw_summary(output: str | Path, fmt: str, top: int) -> dict[str, Any]:
    out = _Output(output, fmt)
    try:
        return {
            "tables": {
                name: int(out.one(f"SELECT count(*) FROM {name}"))  # noqa: S608
                for name in sorted(out.tables)
            },
            "sex": _sex(out),
            "pyramid": _pyramid(out),
            "visit_concepts": _top(
                out, "visit_occurrence", "visit_concept_id", top, VISIT_CONCEPTS
            ),
            **{
                key: _top(out, table, column, top, reference.source_labels(table))
                for key, (table, column) in SOURCE_VALUE_BLOCKS.items()
            },
            "condition_chapters": _chapters(out),
        }
    finally:
        out.close()


# --------------------------------------------------------------------------- figures


class _Publication:
    """The figures of a conversion's summary and report, and how they add up."""

    def __init__(self, threshold: int, summary: dict | None, report: Mapping | None):
        self.t = threshold
        self.f = Figures(threshold)
        self.summary, self.report = summary, report
        rows = dict((summary or {}).get("tables") or {})
        written = dict((report or {}).get("rows_written") or {})
        for table, n in {**written, **rows}.items():
            if table in rows and table in written and rows[table] != written[table]:
                self.f.add(("written", table), written[table], weight=HEADLINE)
            self.f.add(("rows", table), n, weight=HEADLINE)
        self._tables()
        if summary:
            self._summary(summary)
        if report:
            self._report(report)

    def rows_key(self, table: str, source: str = "summary"):
        key = ("written", table) if source == "report" else ("rows", table)
        return key if key in self.f else ("rows", table)

    def _tables(self) -> None:
        f, r = self.f, self.report or {}
        pwe = ("persons without events",)
        for part, whole in CONTAINED_IN.items():
            part_n = f.raw(("rows", part)) if ("rows", part) in f else None
            whole_n = f.raw(("rows", whole)) if ("rows", whole) in f else None
            if part_n is None or whole_n is None or part_n > whole_n:
                continue
            same = part == "observation_period" and r.get("persons_without_events") in (
                None,
                whole_n - part_n,
            )
            f.contains(("rows", whole), ("rows", part), rest=pwe if same else None)
        if "persons_without_events" in r:
            n = int(r["persons_without_events"] or 0)
            f.add(pwe if pwe not in f or f.raw(pwe) == n else ("persons without events", 2), n)

    def _summary(self, s: dict) -> None:
        f = self.f
        sex = s.get("sex")
        if sex and ("rows", "person") in f:
            for code, n in sex.items():
                f.add(("sex", code), n)
            f.relation(("rows", "person"), [("sex", c) for c in sex])
        pyramid = s.get("pyramid")
        if pyramid:
            self.groups = disclosure.merge_adjacent(
                pyramid["bands"],
                lambda g: [sum(b["male"] for b in g), sum(b["female"] for b in g)],
                self.t,
            )
            for i, g in enumerate(self.groups):
                f.add(("band", i, "M"), sum(b["male"] for b in g))
                f.add(("band", i, "F"), sum(b["female"] for b in g))
            if sex:
                for code in ("M", "F"):
                    parts = [("band", i, code) for i in range(len(self.groups))]
                    if sum(f.raw(p) for p in parts) == sex[code]:
                        f.relation(("sex", code), parts)
        for key in TOP_BLOCKS:
            block = s.get(key)
            if not block:
                continue
            total = ("rows", block["table"])
            parts = [(key, i) for i in range(len(block["items"]))]
            for part, item in zip(parts, block["items"], strict=True):
                f.add(part, item["count"])
            f.add((key, "other"), f.raw(total) - sum(i["count"] for i in block["items"]))
            f.relation(total, [*parts, (key, "other")])

    def _report(self, r: Mapping) -> None:
        f = self.f
        for table, n in (r.get("rows_read") or {}).items():
            f.add(("read", table), n)
        for table, reasons in (r.get("rejected") or {}).items():
            for reason, n in reasons.items():
                f.add(("rejected", table, reason), n)
        by_target: dict[str, list] = {}
        for source, targets in (r.get("routed") or {}).items():
            for target, n in targets.items():
                by_target.setdefault(target, []).append(f.add(("routed", source, target), n))
        for target, parts in by_target.items():  # the sources of a table add up to its rows
            total = self.rows_key(target, "report")
            if total in f and sum(f.raw(p) for p in parts) == f.raw(total):
                f.relation(total, parts)
        for table, cov in (r.get("coverage") or {}).items():
            rows, mapped = int(cov.get("rows") or 0), int(cov.get("mapped") or 0)
            total = self.rows_key(table, "report")
            if total not in f or f.raw(total) != rows:
                total = f.add(("coverage rows", table), rows)
            f.add(("mapped", table), mapped)
            if mapped <= rows:
                f.contains(total, ("mapped", table))
        for i, check in enumerate(r.get("dq") or []):
            failed = f.add(("dq", i), int(check.get("failed_rows", 0) or 0))
            total = self.rows_key(check.get("table", ""), "report")
            rows = check.get("rows")
            if check.get("check") in SCHEMA_CHECKS:
                continue  # a column missing or mistyped: nothing about people
            if rows is not None and (total not in f or f.raw(total) != int(rows)):
                # a denominator of its own (filled rows, persons, distinct values): the
                # table's rows less it must not give a small count away either
                table_rows, total = total, f.add(("dq rows", i), int(rows))
                if table_rows in f and f.raw(total) <= f.raw(table_rows):
                    f.contains(table_rows, total)
            if total in f and f.raw(failed) <= f.raw(total) and f.raw(failed) > 0:
                f.contains(total, failed)

    # ---------------------------------------------------------------- output

    def summary_data(self) -> dict[str, Any]:
        f, s = self.f, self.summary
        sex = s.get("sex")
        pyramid = s.get("pyramid")
        return {
            "threshold": self.t,
            "tables": [{"table": t, "row_count": f.value(("rows", t))} for t in s["tables"]],
            "sex": None
            if not sex
            else [
                {"sex": code, "concept_id": concept, "count": f.value(("sex", code))}
                for code, concept in (("M", MALE), ("F", FEMALE), ("?", 0))
            ],
            "pyramid": None
            if not pyramid
            else {
                "reference_year": pyramid["reference_year"],
                "bands": [
                    {
                        "label": _band_label(g),
                        "age_min": g[0]["age_min"],
                        "male_count": f.value(("band", i, "M")),
                        "female_count": f.value(("band", i, "F")),
                    }
                    for i, g in enumerate(self.groups)
                ],
                "unknown_count": f.value(("sex", "?")) if sex else None,
            },
            **{key: self._top_data(key) for key in TOP_BLOCKS},
        }

    def _top_data(self, key: str) -> dict | None:
        block = self.summary.get(key)
        if not block:
            return None
        f = self.f
        return {
            "column": block["column"],
            "items": [
                {**item, "count": f.value((key, i))} for i, item in enumerate(block["items"])
            ],
            "other_count": f.value((key, "other")),
            "row_count": f.value(("rows", block["table"])),
        }

    def report_data(self) -> dict[str, Any]:
        f, r = self.f, self.report
        coverage = []
        for table, cov in (r.get("coverage") or {}).items():
            total = self.rows_key(table, "report")
            if total not in f or f.raw(total) != int(cov.get("rows") or 0):
                total = ("coverage rows", table)
            mapped = ("mapped", table)
            exact = f.is_exact(mapped) and f.is_exact(total)
            coverage.append(
                {
                    "table": table,
                    "field": cov.get("field", ""),
                    "row_count": f.value(total),
                    "mapped_count": f.value(mapped),
                    # with either count hidden, the share would give it back
                    "share": cov.get("share") if exact else None,
                }
            )
        dq = [self._dq_check(i, c) for i, c in enumerate(r.get("dq") or [])]
        return {
            "engine": r.get("engine", ""),
            "format": r.get("format", ""),
            "tables": list(r.get("tables") or []),
            "window": dict(r.get("window") or {}),
            "status": r.get("status", ""),
            "rows_read": [
                {"table": t, "row_count": f.value(("read", t))} for t in (r.get("rows_read") or {})
            ],
            "rows_written": [
                {"table": t, "row_count": f.value(self.rows_key(t, "report"))}
                for t in (r.get("rows_written") or {})
            ],
            "rejected": [
                {"table": t, "reason": reason, "count": f.value(("rejected", t, reason))}
                for t, reasons in (r.get("rejected") or {}).items()
                for reason in reasons
            ],
            "coverage": coverage,
            "dq": dq,
            "dq_passed": bool(r.get("dq_passed", all(c["passed"] for c in dq))),
            "dq_failed_checks": sum(1 for c in dq if not c["passed"]),
            "durations": dict(r.get("durations") or {}),
            "warnings": list(r.get("warnings") or []),
            "notices": [dict(n) for n in r.get("notices") or []],
            "routed": [
                {"source": s, "target": t, "row_count": f.value(("routed", s, t))}
                for s, targets in (r.get("routed") or {}).items()
                for t in targets
            ],
            "persons_without_events_count": self._persons_without_events(),
        }

    def _dq_check(self, i: int, c: dict) -> dict[str, Any]:
        """One DQ check: its failed rows, their denominator and share (shown only when
        both counts are, or the share would give a hidden one away) and its threshold."""
        f = self.f
        failed = ("dq", i)
        total = (
            ("dq rows", i) if ("dq rows", i) in f else self.rows_key(c.get("table", ""), "report")
        )
        # the denominator as declared (never for a check on columns, or an old report's)
        known = c.get("rows") is not None and total in f and f.raw(total) == int(c["rows"])
        rows = f.raw(total) if known and c.get("check") not in SCHEMA_CHECKS else None
        exact = bool(rows) and f.is_exact(failed) and f.is_exact(total)
        return {
            "check": c.get("check", ""),
            "table": c.get("table", ""),
            "field": c.get("field", ""),
            "failed_count": f.value(failed),
            "rows_count": f.value(total) if rows is not None else None,
            "share": round(f.raw(failed) / rows, 4) if exact else None,
            "threshold": c.get("threshold", 0),
            "passed": bool(c.get("passed")),
        }

    def _persons_without_events(self) -> int | str:
        f = self.f
        for key in (("persons without events", 2), ("persons without events",)):
            if key in f and key in f.published():
                return f.value(key)
        return 0


def _band_label(group: list[dict]) -> str:
    first, last = group[0]["age_min"], group[-1]["age_min"]
    return f"{first}+" if last == LAST_BAND else f"{first}-{last + BAND - 1}"


# --------------------------------------------------------------------------- entry points


def publish(
    report: Mapping[str, Any],
    output: str | Path,
    fmt: str,
    *,
    threshold: int = 10,
    top: int = 10,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The published report and results summary of one conversion, protected together."""
    pub = _Publication(threshold, _raw_summary(output, fmt, top), report)
    data = pub.report_data(), pub.summary_data()
    assert_no_small_cells(data, threshold)
    return data


def summarize(
    output: str | Path, fmt: str, *, threshold: int = 10, top: int = 10
) -> dict[str, Any]:
    """The results summary of an output on its own (see :func:`publish`)."""
    data = _Publication(threshold, _raw_summary(output, fmt, top), None).summary_data()
    assert_no_small_cells(data, threshold)
    return data


def suppress_report(report: Mapping[str, Any], threshold: int = 10) -> dict[str, Any]:
    """The engine report with every count about rows of people through the small-cell rule.

    Counts are renamed to ``*_count`` keys so that the checker applies; what is not a
    count (engine, format, tables, durations, warnings, DQ verdicts) is kept as is.
    """
    data = _Publication(threshold, None, report).report_data()
    assert_no_small_cells(data, threshold)
    return data


def table_row_counts(
    rows_written: list[Mapping[str, Any]], threshold: int
) -> dict[str, int | None]:
    """Row counts of OMOP tables that may be published side by side (the catalogue shows
    them), from a stored report's ``rows_written``: a count hidden there stays hidden, and
    of two tables one of which holds a subset of the other's rows (:data:`CONTAINED_IN`),
    one is hidden when their difference is small."""
    exact = {
        item["table"]: item["row_count"]
        for item in rows_written
        if isinstance(item.get("row_count"), int) and not isinstance(item["row_count"], bool)
    }
    pub = _Publication(threshold, None, {"rows_written": exact})
    counts: dict[str, int | None] = {item["table"]: None for item in rows_written}
    for table in exact:
        value = pub.f.value(pub.rows_key(table, "report"))
        counts[table] = value if isinstance(value, int) else None
    return counts
