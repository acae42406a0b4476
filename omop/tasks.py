"""The Celery task of an OMOP conversion: prepare the extract, run the engine, summarise.

The worker runs the DuckDB engine in its own process or drives Spark (one session per
worker process, ``local[*]`` or ``SPARK_MASTER_URL``), both configured by
``services.engine_config()`` from the settings. The engine reports progress from
inside each step; this module turns it into the job's progress bar, the log tail and the
per-step table of the job page.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from django.conf import settings
from pyarrow.lib import ArrowException

from portal.jobs import JobCancelled, JobContext, JobError, job_task
from portal.messages import coded

from . import results, services
from .etl.api import run_conversion
from .etl.errors import ConversionCancelled, InputError
from .etl.generator import generate_extract
from .etl.readers import path_bytes
from .etl.report import STEPS
from .labels import input_error_message, step_message
from .models import EtlJob

PRE_STEPS = {
    EtlJob.Source.GENERATED: "generate",
    EtlJob.Source.UPLOAD: "unpack",
}
STEP_NAMES = [name for name, _pct in STEPS]


class StepProgress:
    """The engine's ``progress(step, pct, rows, message)`` → job progress and per-step state.

    The job's bar never goes backwards (an engine step may restart its sub-part); per-step
    state is written at each step change and at most every ``interval`` seconds otherwise.
    """

    def __init__(self, ctx: JobContext, etl_job: EtlJob, *, interval: float = 0.5):
        self.ctx, self.etl_job, self.interval = ctx, etl_job, interval
        pre = PRE_STEPS.get(etl_job.source)
        names = ([pre] if pre else []) + STEP_NAMES + ["results"]
        self.steps = {
            n: {"status": "pending", "percent": 0, "rows": 0, "message": "", "seconds": None}
            for n in names
        }
        self.bounds: dict[str, tuple[int, int]] = {}
        start = 0
        for name, end in STEPS:
            self.bounds[name] = (start, end)
            start = end
        self.current: str | None = None
        self.started = 0.0
        self.overall = 0
        self._last_save = 0.0

    def start(self, step: str, message: str = "") -> None:
        """``message``: a code (portal.messages.coded) the job page words in its language."""
        if step == self.current:
            return
        self._close()
        self.current, self.started = step, time.monotonic()
        self.steps[step].update(status="running", message=message)
        self.ctx.log(coded("omop.log_step", step=step, message=message))
        self.save(force=True)

    def _close(self) -> None:
        if self.current:
            state = self.steps[self.current]
            state.update(status="done", percent=100)
            state["seconds"] = round(time.monotonic() - self.started, 2)

    def __call__(self, step: str, pct: int, rows: int, message: str) -> None:
        step = step or "read"
        if step not in self.steps:
            self.steps[step] = {"status": "pending", "percent": 0, "rows": 0, "message": ""}
        self.start(step)
        state = self.steps[step]
        lo, hi = self.bounds.get(step, (0, 100))
        if hi > lo:
            state["percent"] = max(state["percent"], min(100, int(100 * (pct - lo) / (hi - lo))))
        if message.startswith("wrote "):
            state["rows"] += int(rows)
        else:
            state["rows"] = max(state["rows"], int(rows))
        # The engine's message is English detail for the technical log; the page shows the
        # step's words in its own language (omop/labels.py).
        if message and rows:
            self.ctx.log(coded("omop.log_rows", step=step, message=message, rows=rows))
        elif message:
            self.ctx.log(f"[{step}] {message}")
        self.overall = max(self.overall, int(pct))
        self.ctx.progress(self.overall, step_message(step))
        self.save()

    def sub(self, step: str, done: int, total: int, message: str = "") -> None:
        """Progress of a step outside the engine (generation, unpacking); ``message`` is a
        code, as in :meth:`start`."""
        self.start(step, message)
        state = self.steps[step]
        state["percent"] = int(100 * done / total) if total else 100
        state["rows"] = done
        state["message"] = message
        self.ctx.progress(self.overall, step_message(step))
        self.save()

    def finish(self, rows_written: dict[str, int] | None = None) -> dict:
        self._close()
        self.current = None
        for table, n in (rows_written or {}).items():
            if table in self.steps:
                self.steps[table]["rows"] = n
        self.save(force=True)
        return self.steps

    def save(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last_save >= self.interval:
            self._last_save = now
            services.etl_job_steps_save(etl_job=self.etl_job, steps=self.steps)


def _etl_job_for(ctx: JobContext) -> EtlJob:
    etl_job = EtlJob.objects.filter(job=ctx.job).first()
    if etl_job is None:
        raise JobError("omop.job_gone")
    return etl_job


def _prepare_input(etl_job: EtlJob, progress: StepProgress) -> Path:
    if etl_job.source == EtlJob.Source.DATA_ROOT:
        try:
            return services.extract_dir_resolve(etl_job.source_path)
        except services.EtlInputError as exc:
            raise JobError(exc.job_message) from exc
    folder = etl_job.workdir / "extract"
    shutil.rmtree(folder, ignore_errors=True)
    if etl_job.source == EtlJob.Source.UPLOAD:
        progress.sub("unpack", 0, 1, coded("omop.unpacking", name=etl_job.upload_name))
        zip_path = Path(etl_job.upload_file)
        if not zip_path.is_file():
            raise JobError("omop.upload_gone")
        try:
            path = services.upload_unpack(zip_path, folder)
        except services.EtlInputError as exc:
            raise JobError(exc.job_message) from exc
        progress.sub("unpack", 1, 1, "omop.unpacked")
        return path
    persons = etl_job.persons or 0

    def generated(done: int, total: int) -> None:
        progress.ctx.check_cancelled()
        progress.sub("generate", done, total, coded("omop.generated", done=done, total=total))

    progress.sub("generate", 0, persons)
    try:
        generate_extract(folder, persons=persons, seed=etl_job.seed or 0, progress=generated)
    except InputError as exc:
        raise JobError(input_error_message(exc)) from exc
    return folder


def execute(ctx: JobContext, etl_job: EtlJob) -> dict:
    """Run one conversion in this process (the body of the task; the demo calls it too)."""
    progress = StepProgress(ctx, etl_job)
    ctx.log(
        f"{etl_job.extract_label} → {etl_job.output_path} "
        f"({etl_job.engine}, {etl_job.output_format})"
    )
    input_dir = _prepare_input(etl_job, progress)
    ctx.check_cancelled()
    try:
        report = run_conversion(
            input_dir,
            etl_job.output_path,
            engine=etl_job.engine,
            fmt=etl_job.output_format,
            window=etl_job.window,
            progress=progress,
            cancel_check=lambda: ctx.cancelled,
            config=services.engine_config(vocabulary=True),
        )
    except ConversionCancelled as exc:
        raise JobCancelled from exc
    except InputError as exc:
        raise JobError(input_error_message(exc)) from exc
    except (ArrowException, StopIteration, UnicodeDecodeError) as exc:
        # The engine lets some unreadable files through as library errors (see the report).
        raise JobError(
            coded("omop.unreadable", error=f"{type(exc).__name__} {exc}".strip())
        ) from exc
    threshold = settings.SMALL_CELL_THRESHOLD
    progress.start("results")
    published, summary = results.publish(
        report.to_dict(), etl_job.output_path, etl_job.output_format, threshold=threshold
    )
    # the steps table shows rows per table too: the published counts, not the raw ones
    steps = progress.finish({t["table"]: t["row_count"] for t in published["rows_written"]})
    output_bytes = path_bytes(etl_job.output_dir)
    services.etl_job_record_output(
        etl_job=etl_job, report=published, results=summary, output_bytes=output_bytes, steps=steps
    )
    ctx.log(
        coded(
            "omop.log_written",
            tables=len(report.rows_written),
            dq="OK" if report.dq_passed else "KO",
        )
    )
    ctx.progress(100, "omop.done", force=True)
    return {
        "etl_job": str(etl_job.pk),
        "output": etl_job.target,
        "rows_written": published["rows_written"],
        "dq_passed": published["dq_passed"],
    }


@job_task(
    services.KIND,
    task="omop.run_etl",
    capability=services.CAPABILITY,
    on_retry=services.etl_job_retry_copy,
)
def run_etl(ctx: JobContext, etl_job_id: str = "", **_kwargs) -> dict:
    """Convert the extract of the job's :class:`EtlJob` (``etl_job_id``) to OMOP CDM v5.4."""
    etl_job = _etl_job_for(ctx)
    try:
        return execute(ctx, etl_job)
    finally:
        services.etl_job_release(etl_job=etl_job)
        shutil.rmtree(etl_job.workdir, ignore_errors=True)


# The vocabulary module's task is registered with the app's tasks (Celery autodiscovery).
from .vocabulary import tasks as vocabulary_tasks  # noqa: E402, F401
