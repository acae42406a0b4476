"""Entry point of a conversion, shared by the management command and the Celery task."""

from __future__ import annotations

import time
from pathlib import Path

from .dq import duckdb_query, run_checks
from .errors import InputError
from .mapping import Plan, Window
from .readers import discover
from .report import ProgressFn, Report, Run
from .spec import TABLES
from .values import parse_date
from .writers import FORMATS, open_target

ENGINES = ("pandas", "spark")
COVERAGE = {
    "person": "gender_concept_id",
    "visit_occurrence": "visit_concept_id",
    "drug_exposure": "drug_concept_id",
    "procedure_occurrence": "procedure_concept_id",
    "provider": "specialty_concept_id",
}


def run_conversion(
    input_dir: str | Path,
    output: str | Path,
    *,
    engine: str = "pandas",
    fmt: str = "csv",
    tables: list[str] | tuple[str, ...] | None = None,
    window: tuple[str | None, str | None] | None = None,
    progress: ProgressFn | None = None,
    cancel_check=None,
    report_path: str | None = None,
) -> Report:
    """Convert an SNDS extract folder to OMOP CDM v5.4.

    ``progress(step, pct, rows, message)`` is called from inside the engine;
    ``cancel_check()`` is polled between steps and stops the run (nothing written) when it
    returns True. Raises :class:`InputError` for anything the user must fix. The output
    (and the JSON report) appear only when the whole run succeeded.
    """
    if engine not in ENGINES:
        raise InputError(f"Unknown engine {engine!r}: choose pandas or spark.")
    if fmt not in FORMATS:
        raise InputError(f"Unknown format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    wanted = tuple(t for t in TABLES if t in set(tables)) if tables else TABLES
    unknown = set(tables or ()) - set(TABLES)
    if unknown:
        raise InputError(
            f"Unknown OMOP table(s) {', '.join(sorted(unknown))}: choose among {', '.join(TABLES)}."
        )
    win = _window(window)
    report = Report(
        engine=engine, input=str(input_dir), output=str(output), format=fmt,
        tables=list(wanted), window={"start": win.start, "end": win.end},
    )  # fmt: skip
    run = Run(report, progress, cancel_check)
    sources = discover(input_dir)
    plan = Plan(tables=wanted, window=win)
    target = open_target(str(output), fmt, report_path)
    started = time.perf_counter()
    target.begin()
    try:
        if engine == "pandas":
            _run_pandas(sources, plan, run, target)
        else:
            from .engine_spark import run_spark

            run_spark(sources, plan, run, target)
        run.finish()
        report.durations["total"] = round(time.perf_counter() - started, 3)
        report.status = "succeeded"
        run.check_cancelled()
        target.commit(report)
    except BaseException:
        target.abort()
        raise
    return report


def _run_pandas(sources, plan, run: Run, target) -> None:
    from .engine_pandas import convert

    out = convert(sources, plan, run)
    run.step("write", f"writing {plan.tables[0]}…")
    for i, table in enumerate(plan.tables):
        run.check_cancelled()
        target.write_frame(table, out[table])
        run.report.rows_written[table] = len(out[table])
        run.progress(72 + 20 * (i + 1) // len(plan.tables), len(out[table]), f"wrote {table}")
    for table, col in COVERAGE.items():
        if table in plan.tables:
            frame = out[table]
            mapped = int((frame[col].fillna(0) != 0).sum())
            run.report.coverage[table] = coverage(col, mapped, len(frame))
    run.step("dq", "data-quality checks")
    run.report.dq = run_checks(set(plan.tables), duckdb_query({t: out[t] for t in plan.tables}))
    run.done()


def coverage(field: str, mapped: int, rows: int) -> dict:
    return {
        "field": field,
        "rows": rows,
        "mapped": mapped,
        "share": round(mapped / rows, 4) if rows else None,
    }


def _window(window) -> Window:
    if not window:
        return Window()
    start, end = window
    out = Window(parse_date(start) if start else None, parse_date(end) if end else None)
    if (start and not out.start) or (end and not out.end):
        raise InputError("Window dates must be dates such as 2013-01-01 or 01/01/2013.")
    if out.start and out.end and out.start > out.end:
        raise InputError("The window starts after it ends: swap the two dates.")
    return out
