"""Data-quality checks on the OMOP output: a subset of the OHDSI Data Quality Dashboard.

The checks are plain SQL generated from the CDM specification, run by the publish step
with DuckDB over the Parquet tables an engine wrote. Each query returns the number of rows
that violate the check (0 = passed).
"""

# ruff: noqa: S608 -- table and column names come from the shipped CDM specification
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from .mapping import FEMALE, MALE, MIN_BIRTH_YEAR, NO_MATCH, max_birth_year
from .spec import fields, primary_key

EVENT_DATES = {
    "visit_occurrence": ("visit_start_date", "visit_end_date"),
    "drug_exposure": ("drug_exposure_start_date", "drug_exposure_end_date"),
    "procedure_occurrence": ("procedure_date", "procedure_end_date"),
    "visit_detail": ("visit_detail_start_date", "visit_detail_end_date"),
    "condition_occurrence": ("condition_start_date", "condition_end_date"),
    "measurement": ("measurement_date", "measurement_date"),
    "device_exposure": ("device_exposure_start_date", "device_exposure_end_date"),
    "observation_period": ("observation_period_start_date", "observation_period_end_date"),
}


@dataclass(frozen=True)
class Check:
    name: str  # DQD check name
    table: str
    field: str
    sql: str  # a query returning one number: the rows that violate the check


def _row(name: str, table: str, field: str, violation: str) -> Check:
    """A check on single rows: how many rows of the table meet the violation condition."""
    return Check(
        name,
        table,
        field,
        f"SELECT COALESCE(SUM(CASE WHEN {violation} THEN 1 ELSE 0 END), 0) FROM {table}",
    )


def checks(tables: set[str], release: dt.date | None = None) -> list[Check]:
    """The checks that apply to the produced tables (``release``: the day of the run)."""
    release = release or dt.date.today()
    out = []
    for table in sorted(tables):
        for f in fields(table):
            if f.required:
                out.append(_row("isRequired", table, f.name, f"{f.name} IS NULL"))
            if f.fk_table and f.fk_table in tables and f.fk_table != table:
                pk = primary_key(f.fk_table)
                out.append(
                    Check(
                        "isForeignKey", table, f.name,
                        f"SELECT COUNT(*) FROM {table} c LEFT JOIN {f.fk_table} p "
                        f"ON c.{f.name} = p.{pk} WHERE c.{f.name} IS NOT NULL AND p.{pk} IS NULL",
                    )
                )  # fmt: skip
        pk = primary_key(table)
        if pk:
            out.append(
                Check("isPrimaryKey", table, pk,
                      f"SELECT COUNT(*) - COUNT(DISTINCT {pk}) FROM {table}")
            )  # fmt: skip
        if table in EVENT_DATES:
            start, end = EVENT_DATES[table]
            out.append(
                _row(
                    "plausibleStartBeforeEnd",
                    table,
                    start,
                    f"{end} IS NOT NULL AND {start} > {end}",
                )
            )
        if (
            table != "observation_period"
            and table in EVENT_DATES
            and "observation_period" in tables
        ):
            start = EVENT_DATES[table][0]
            out.append(
                Check(
                    "withinObservationPeriod", table, start,
                    f"SELECT COUNT(*) FROM {table} e WHERE NOT EXISTS (SELECT 1 FROM "
                    "observation_period op WHERE op.person_id = e.person_id AND e."
                    f"{start} BETWEEN op.observation_period_start_date AND "
                    "op.observation_period_end_date)",
                )
            )  # fmt: skip
    if "person" in tables:
        out += [
            _row("plausibleValueLow/High", "person", "year_of_birth",
                 f"year_of_birth < {MIN_BIRTH_YEAR} OR year_of_birth > {max_birth_year(release)}"),
            _row("plausibleValueLow/High", "person", "month_of_birth",
                 "month_of_birth < 1 OR month_of_birth > 12"),
            _row("fkDomain", "person", "gender_concept_id",
                 f"gender_concept_id NOT IN ({MALE}, {FEMALE}, {NO_MATCH})"),
        ]  # fmt: skip
    return out


def run_checks(
    tables: set[str], query: Callable[[str], list[tuple]], release: dt.date | None = None
) -> list[dict]:
    """Run every check in one ``UNION ALL`` query (one job for Spark) with ``query(sql)``
    returning the result rows."""
    todo = checks(tables, release)
    if not todo:
        return []
    sql = " UNION ALL ".join(f"SELECT {i} AS k, ({c.sql}) AS n" for i, c in enumerate(todo))
    failed = {int(k): int(n or 0) for k, n in query(sql)}
    return [
        {"check": c.name, "table": c.table, "field": c.field, "failed_rows": failed[i],
         "passed": failed[i] == 0}
        for i, c in enumerate(todo)
    ]  # fmt: skip


def duckdb_query(frames: dict):
    """A ``query(sql)`` over pandas frames with DuckDB (dates stored as ISO text compare
    correctly as text)."""
    import duckdb

    con = duckdb.connect()
    for name, frame in frames.items():
        con.register(name, frame)

    def query(sql: str) -> list[tuple]:
        return con.execute(sql).fetchall()

    return query
