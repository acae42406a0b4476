"""Entry point of a conversion, shared by the management command and the Celery task."""

from __future__ import annotations

import time
from pathlib import Path

from .config import EngineConfig
from .errors import InputError
from .mapping import Plan, Window
from .publish import publish
from .readers import discover
from .report import ProgressFn, Report, Run
from .spec import TABLES
from .values import parse_date
from .writers import FORMATS, open_target

ENGINES = ("duckdb", "spark")


def run_conversion(
    input_dir: str | Path,
    output: str | Path,
    *,
    engine: str = "duckdb",
    fmt: str = "csv",
    tables: list[str] | tuple[str, ...] | None = None,
    window: tuple[str | None, str | None] | None = None,
    progress: ProgressFn | None = None,
    cancel_check=None,
    report_path: str | None = None,
    config: EngineConfig | None = None,
) -> Report:
    """Convert an SNDS extract folder to OMOP CDM v5.4.

    ``engine`` runs the SQL steps (``duckdb`` on this machine, ``spark`` on ``local[*]`` or
    the cluster of ``config.spark_master_url``); the publish step then writes the output.
    ``progress(step, pct, rows, message)`` is called at each step; ``cancel_check()`` is
    polled between steps and stops the run (nothing written) when it returns True. Raises
    :class:`InputError` for anything the user must fix. The output (and the JSON report)
    appear only when the whole run succeeded.
    """
    config = config or EngineConfig()
    if engine not in ENGINES:
        raise InputError("unknown_engine", engine=engine, choices=list(ENGINES))
    if fmt not in FORMATS:
        raise InputError("unknown_format", format=fmt, choices=list(FORMATS))
    wanted = tuple(t for t in TABLES if t in set(tables)) if tables else TABLES
    unknown = set(tables or ()) - set(TABLES)
    if unknown:
        raise InputError("unknown_tables", tables=sorted(unknown), choices=list(TABLES))
    win = _window(window)
    report = Report(
        engine=engine, input=str(input_dir), output=str(output), format=fmt,
        tables=list(wanted), window={"start": win.start, "end": win.end},
    )  # fmt: skip
    run = Run(report, progress, cancel_check)
    sources = discover(input_dir)
    plan = Plan(
        tables=wanted, window=win, release=config.release(),
        vocabulary_dir=config.vocabulary_dir, stcm=tuple(config.stcm),
    )  # fmt: skip
    target = open_target(str(output), fmt, report_path, config.temp_dir)
    started = time.perf_counter()
    target.begin()
    try:
        converted = _convert(engine, sources, plan, run, target, config)
        publish(converted, plan, run, target, config)
        run.finish()
        report.durations["total"] = round(time.perf_counter() - started, 3)
        report.status = "succeeded"
        run.check_cancelled()
        target.commit(report)
    except BaseException:
        target.abort()
        raise
    return report


def _convert(engine, sources, plan, run, target, config):
    from .engine import convert

    if engine == "duckdb":
        from .engine_duckdb import DuckDBBackend

        spill = target.scratch / "spill"
        spill.mkdir(parents=True, exist_ok=True)
        backend = DuckDBBackend(
            config, spill, sources, lambda step: run.report.notice("single_thread", step=step)
        )
    else:
        from .engine_spark import SparkBackend

        backend = SparkBackend(config, sources)
    try:
        return convert(
            backend, sources, plan, run, target.parquet_dir, sort=target.fmt == "parquet"
        )
    finally:
        backend.close()


def _window(window) -> Window:
    if not window:
        return Window()
    start, end = window
    out = Window(parse_date(start) if start else None, parse_date(end) if end else None)
    if (start and not out.start) or (end and not out.end):
        raise InputError("window_not_dates")
    if out.start and out.end and out.start > out.end:
        raise InputError("window_reversed")
    return out
