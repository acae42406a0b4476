"""Results summary of an OMOP output, already through the small-cell rule (no Django import).

:func:`summarize` reads the output files of a conversion (CSV or Parquet folder with DuckDB,
SQLite file with sqlite3) and returns JSON-safe data for the results page and the API:
rows per table, the sex split and age pyramid of ``person``, the top visit concepts and
the top drug (CIP13) and procedure (CCAM) source values.

Small cells (the rule of the catalogue, :mod:`catalogue.profiling.suppression`, whose
marker and checker this module reuses): every count sits under a key named ``count`` or
ending in ``_count`` and is 0, at least the threshold, the marker ``"< 10"`` or — when a
single cell of a partition is small and could be recovered by subtraction — the secondary
marker ``"n.d."`` on the next smallest cell. Pyramid age bands are merged with their
neighbours until each holds no small count. :func:`suppress_report` does the same for the
counts of an engine report (rows read/written, rejections, coverage, DQ failures).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb

from catalogue.profiling.suppression import SECONDARY_MARKER, assert_no_small_cells, marker

from .etl.spec import TABLES

__all__ = ["assert_no_small_cells", "count", "summarize", "suppress_report"]

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


def _small(n: Any, t: int) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and 0 < n < t


def count(n: int | None, threshold: int) -> int | str | None:
    """A count as published: itself, or the marker when it is small."""
    if n is None:
        return None
    return marker(threshold) if _small(int(n), threshold) else int(n)


def partition(cells: list[dict], threshold: int) -> list[dict]:
    """Cells of a partition (their ``count`` add up to a published total).

    Primary suppression of small cells; when exactly one is small, the smallest other
    non-zero cell is hidden too (``"n.d."``), so the small one cannot be recovered.
    """
    out = [dict(c) for c in cells]
    small = [c for c in out if _small(c["count"], threshold)]
    if len(small) == 1:
        others = [c for c in out if c is not small[0] and c["count"] > 0]
        if others:
            min(others, key=lambda c: c["count"])["count"] = SECONDARY_MARKER
    for c in out:
        if isinstance(c["count"], int):
            c["count"] = count(c["count"], threshold)
    return out


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


def _top(out: _Output, table: str, column: str, t: int, top: int, labels=None) -> dict | None:
    if table not in out.tables:
        return None
    total = out.one(f"SELECT count(*) FROM {table}")  # noqa: S608
    ranked = out.rows(
        f"SELECT {column} AS v, count(*) AS n FROM {table} GROUP BY 1 "  # noqa: S608
        "ORDER BY n DESC, v LIMIT ?".replace("?", str(int(top)))
    )
    cells = [
        {
            "value": "" if v is None else str(v),
            "label": (labels or {}).get(v, ""),
            "count": int(n),
        }
        for v, n in ranked
    ]
    other = total - sum(c["count"] for c in cells)
    cells.append({"value": None, "label": "other", "count": int(other)})
    published = partition(cells, t)
    return {
        "column": column,
        "items": published[:-1],
        "other_count": published[-1]["count"],
        "row_count": count(total, t),
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


def _pyramid(out: _Output, t: int) -> dict | None:
    year = _reference_year(out)
    if year is None or "person" not in out.tables:
        return None
    age = f"least(greatest({int(year)} - year_of_birth, 0) // {BAND} * {BAND}, {LAST_BAND})"
    rows = out.rows(f"SELECT {age} AS a, gender_concept_id, count(*) FROM person GROUP BY 1, 2")  # noqa: S608
    bands = {age: {"male": 0, "female": 0} for age in range(0, LAST_BAND + 1, BAND)}
    unknown = 0
    for age, gender, n in rows:
        if gender == MALE:
            bands[int(age)]["male"] += n
        elif gender == FEMALE:
            bands[int(age)]["female"] += n
        else:
            unknown += n
    # drop empty bands at the old end, then merge bands until none holds a small count
    ages = [a for a in bands if bands[a]["male"] or bands[a]["female"]]
    if not ages:
        return None
    ordered = [(a, bands[a]) for a in range(0, max(ages) + 1, BAND)]

    def ok(group) -> bool:
        m = sum(b["male"] for _, b in group)
        f = sum(b["female"] for _, b in group)
        return not _small(m, t) and not _small(f, t)

    groups: list[list] = []
    current: list = []
    for item in ordered:
        current.append(item)
        if ok(current):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    while len(groups) > 1 and not ok(groups[-1]):
        last = groups.pop()
        groups[-1].extend(last)
    published = []
    for g in groups:
        first, last = g[0][0], g[-1][0]
        label = f"{first}+" if last == LAST_BAND else f"{first}-{last + BAND - 1}"
        published.append(
            {
                "label": label,
                "age_min": first,
                "male_count": count(sum(b["male"] for _, b in g), t),
                "female_count": count(sum(b["female"] for _, b in g), t),
            }
        )
    return {"reference_year": year, "bands": published, "unknown_count": count(unknown, t)}


def _sex(out: _Output, t: int) -> list[dict] | None:
    if "person" not in out.tables:
        return None
    rows = dict(out.rows("SELECT gender_concept_id, count(*) FROM person GROUP BY 1"))
    male, female = rows.pop(MALE, 0), rows.pop(FEMALE, 0)
    cells = [
        {"sex": "M", "concept_id": MALE, "count": int(male)},
        {"sex": "F", "concept_id": FEMALE, "count": int(female)},
        {"sex": "?", "concept_id": 0, "count": int(sum(rows.values()))},
    ]
    return partition(cells, t)


def _link_pyramid_to_sex(pyramid: dict | None, sex: list[dict] | None) -> None:
    """A sex total hidden by secondary suppression must not be the sum of the pyramid's
    bands (it would give the small cell back by subtraction from the persons' count): hide
    that sex's smallest band too."""
    if not pyramid or not sex:
        return
    for cell in sex:
        key = {MALE: "male_count", FEMALE: "female_count"}.get(cell["concept_id"])
        if key and cell["count"] == SECONDARY_MARKER:
            shown = [b for b in pyramid["bands"] if isinstance(b[key], int) and b[key] > 0]
            if shown:
                min(shown, key=lambda b: b[key])[key] = SECONDARY_MARKER


def summarize(
    output: str | Path, fmt: str, *, threshold: int = 10, top: int = 10
) -> dict[str, Any]:
    """The published summary of an OMOP output (see the module docstring)."""
    out = _Output(output, fmt)
    try:
        tables = [
            {"table": name, "row_count": count(out.one(f"SELECT count(*) FROM {name}"), threshold)}  # noqa: S608
            for name in sorted(out.tables)
        ]
        data = {
            "threshold": threshold,
            "tables": tables,
            "sex": _sex(out, threshold),
            "pyramid": _pyramid(out, threshold),
            "visit_concepts": _top(
                out, "visit_occurrence", "visit_concept_id", threshold, top, VISIT_CONCEPTS
            ),
            "drug_source_values": _top(out, "drug_exposure", "drug_source_value", threshold, top),
            "procedure_source_values": _top(
                out, "procedure_occurrence", "procedure_source_value", threshold, top
            ),
        }
        _link_pyramid_to_sex(data["pyramid"], data["sex"])
    finally:
        out.close()
    assert_no_small_cells(data, threshold)
    return data


# --------------------------------------------------------------------------- report


def suppress_report(report: Mapping[str, Any], threshold: int = 10) -> dict[str, Any]:
    """The engine report with every count about rows of people through the small-cell rule.

    Counts are renamed to ``*_count`` keys so that the catalogue's checker applies; what is
    not a count (engine, format, tables, durations, warnings, DQ verdicts) is kept as is.
    """

    def counts(mapping: Mapping[str, int]) -> list[dict]:
        return [{"table": k, "row_count": count(v, threshold)} for k, v in mapping.items()]

    rejected = []
    for table, reasons in (report.get("rejected") or {}).items():
        for reason, n in reasons.items():
            rejected.append({"table": table, "reason": reason, "count": count(n, threshold)})
    coverage = []
    for table, cov in (report.get("coverage") or {}).items():
        rows, mapped = cov.get("rows") or 0, cov.get("mapped") or 0
        share = cov.get("share")
        if _small(rows, threshold) or _small(mapped, threshold) or _small(rows - mapped, threshold):
            share = None  # a share would give a small count back
        coverage.append(
            {
                "table": table,
                "field": cov.get("field", ""),
                "row_count": count(rows, threshold),
                "mapped_count": count(mapped, threshold),
                "share": share,
            }
        )
    dq = [
        {
            "check": c.get("check", ""),
            "table": c.get("table", ""),
            "field": c.get("field", ""),
            "failed_count": count(c.get("failed_rows", 0), threshold),
            "passed": bool(c.get("passed")),
        }
        for c in report.get("dq") or []
    ]
    data = {
        "engine": report.get("engine", ""),
        "format": report.get("format", ""),
        "tables": list(report.get("tables") or []),
        "window": dict(report.get("window") or {}),
        "status": report.get("status", ""),
        "rows_read": counts(report.get("rows_read") or {}),
        "rows_written": counts(report.get("rows_written") or {}),
        "rejected": rejected,
        "coverage": coverage,
        "dq": dq,
        "dq_passed": bool(report.get("dq_passed", all(c["passed"] for c in dq))),
        "dq_failed_checks": sum(1 for c in dq if not c["passed"]),
        "durations": dict(report.get("durations") or {}),
        "warnings": list(report.get("warnings") or []),
        "persons_without_events_count": count(report.get("persons_without_events", 0), threshold),
    }
    assert_no_small_cells(data, threshold)
    return data
