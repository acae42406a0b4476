"""The publish step, shared by both engines: from the OMOP tables an engine left as
Parquet, write the output (CSV, Parquet, SQLite, PostgreSQL), count the rows, measure the
mapping coverage and run the data-quality checks, all with DuckDB over those files (the
checks are about exactly what the user receives), in bounded memory."""

# ruff: noqa: S608 -- table and column names come from the shipped CDM specification
from __future__ import annotations

import time
from pathlib import Path

from .config import EngineConfig
from .dq import run_checks
from .engine import Converted
from .engine_duckdb import bounded, connect
from .mapping import Plan
from .report import Run
from .spec import sort_key
from .writers import Target

COVERAGE = {
    "person": "gender_concept_id",
    "visit_occurrence": "visit_concept_id",
    "drug_exposure": "drug_concept_id",
    "procedure_occurrence": "procedure_concept_id",
    "provider": "specialty_concept_id",
}


def coverage(field: str, mapped: int, rows: int) -> dict:
    return {
        "field": field,
        "rows": rows,
        "mapped": mapped,
        "share": round(mapped / rows, 4) if rows else None,
    }


def publish(converted: Converted, plan: Plan, run: Run, target: Target,
            config: EngineConfig) -> None:  # fmt: skip
    run.step("write", f"writing {plan.tables[0]}…")
    spill = target.scratch / "publish-spill"
    spill.mkdir(parents=True, exist_ok=True)
    con = connect(config, spill)

    def query(sql: str, step: str = "dq") -> list[tuple]:
        return bounded(con, step, config.memory_limit, lambda: con.execute(sql).fetchall(),
                       lambda step: run.report.notice("single_thread", step=step))  # fmt: skip

    try:
        for i, table in enumerate(plan.tables):
            run.check_cancelled()
            con.read_parquet(_files(converted.files[table])).create_view(table)
            col = COVERAGE.get(table)
            mapped = f"SUM(CASE WHEN COALESCE({col}, 0) <> 0 THEN 1 ELSE 0 END)" if col else "0"
            n, mapped = query(f"SELECT COUNT(*), {mapped} FROM {table}", table)[0]
            t0 = time.perf_counter()
            sql = f"SELECT * FROM {table} ORDER BY {', '.join(sort_key(table))}"
            # a table half inserted into SQLite or PostgreSQL cannot be written again
            bounded(con, f"write {table}", config.memory_limit,
                    lambda: target.write_table(table, con, sql), retry=False)  # noqa: B023  # fmt: skip
            run.report.write_durations[table] = round(time.perf_counter() - t0, 3)
            run.report.rows_written[table] = int(n)
            if col:
                run.report.coverage[table] = coverage(col, int(mapped or 0), int(n))
            run.progress(72 + 20 * (i + 1) // len(plan.tables), n, f"wrote {table}")
        run.step("dq", "data-quality checks")
        if plan.vocabulary_dir:  # the vocabulary checks read the applied concepts
            con.read_parquet(str(Path(plan.vocabulary_dir) / "concept.parquet")).create_view(
                "concept"
            )
        run.report.dq = run_checks(
            set(plan.tables),
            query,
            plan.release,
            vocabulary=bool(plan.vocabulary_dir),
        )
        run.done()
    finally:
        con.close()


def _files(path: Path) -> str:
    return str(path / "*.parquet") if path.is_dir() else str(path)
