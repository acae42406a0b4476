"""The profiling job: read the file with the engine, publish the suppressed results."""

from __future__ import annotations

from django.utils.translation import gettext as _

from catalogue.profiling import ProfilingError
from portal.jobs import JobContext, JobError, job_task
from portal.messages import coded

from . import services
from .labels import error_job_message, profiling_message
from .models import ProfilingRun
from .specs import foreign_key_checks_for, table_profile_compute


@job_task(
    services.KIND,
    task="quality.profile_table",
    capability=services.CAPABILITY,
    on_retry=services.profiling_run_retry_copy,
)
def profile_table(ctx: JobContext, *, table_id: int, data_file_id: int | None = None) -> dict:
    """Profile a table's data file; only ``publishable()`` output is stored, and only when
    the whole run succeeded (a failed run keeps nothing but the job's error)."""
    run = ProfilingRun.objects.select_related("table__database").filter(job=ctx.job).first()
    if run is None:
        raise JobError(_("Ce profilage n'existe plus."))
    table = run.table
    if run.data_file is None:
        raise JobError(
            _("Le fichier de données de ce profilage a été supprimé : déposez-le à nouveau.")
        )
    path = run.data_file.absolute_path
    if not path.is_file():
        raise JobError(coded("quality.data_file_gone", name=run.data_file.original_name))
    ctx.log(f"{table.database.acronym}/{table.name} ← {run.data_file.original_name}")
    _checks, skipped = foreign_key_checks_for(table)
    for label in skipped:
        ctx.log(coded("quality.foreign_key_unchecked", key=label))
    try:
        profile = table_profile_compute(
            table=table,
            path=path,
            progress=lambda pct, step, subject: ctx.progress(
                pct * 0.95, profiling_message(step, subject)
            ),
            reference_date=run.data_file.reference_date,
        )
    except ProfilingError as exc:
        raise JobError(error_job_message(exc)) from exc
    if profile.absent_columns:
        ctx.log(coded("quality.absent_columns", columns=list(profile.absent_columns)))
    if profile.undeclared_columns:
        ctx.log(coded("quality.undeclared_columns", columns=list(profile.undeclared_columns)))
    ctx.check_cancelled()
    ctx.progress(97, "quality.publishing", force=True)
    run = services.profiling_run_store(run=run, profile=profile)
    ctx.progress(100, coded("quality.done", grade=run.grade or "—"))
    return {"run": run.pk, "grade": run.grade, "rows_count": run.result["rows_count"]}
