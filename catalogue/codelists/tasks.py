"""The background job that imports a drug referential uploaded by the data team."""

from __future__ import annotations

import shutil

from django.contrib.auth import get_user_model

from portal.jobs import JobContext, JobError, job_task
from portal.roles import Capability

from .messages import error_job_message
from .referentials import ReferentialError
from .services import JOB_KIND, referential_import_stored


@job_task(JOB_KIND, task="codelists.import_referential", capability=Capability.CATALOGUE_CURATE)
def import_referential(ctx: JobContext, *, source: str, folder: str, user_id=None) -> dict:
    user = get_user_model().objects.filter(pk=user_id).first()
    ctx.progress(2, source, force=True)

    def progress(percent: float, message: str) -> None:
        ctx.progress(percent, message)  # a code: the job page words it
        ctx.log(message)  # worded when shown, like the job's message
        ctx.check_cancelled()

    try:
        n = referential_import_stored(source=source, folder=folder, by=user, progress=progress)
    except ReferentialError as exc:
        raise JobError(error_job_message(exc)) from exc
    # imported: the uploads are no longer needed (a failed import keeps them for a retry)
    shutil.rmtree(folder, ignore_errors=True)
    return {"source": source, "codes": n}
