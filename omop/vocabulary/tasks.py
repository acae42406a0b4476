"""The background job that loads a vocabulary bundle (``omop.load_vocabulary``)."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.contrib.auth import get_user_model

from omop.etl.athena import ORDER, VocabularyError
from portal.jobs import JobContext, JobError, job_task
from portal.messages import coded
from portal.roles import Capability

from .messages import error_job_message
from .services import LOAD_KIND, vocabulary_load


@job_task(LOAD_KIND, task="omop.load_vocabulary", capability=Capability.OMOP_VOCABULARY)
def load_vocabulary(ctx: JobContext, *, path: str, user_id=None, cleanup: bool = False) -> dict:
    user = get_user_model().objects.filter(pk=user_id).first()
    seen: list[str] = []

    def progress(name: str, rows: int) -> None:
        seen.append(name)
        # each file is seen twice: checked and copied to Parquet, then loaded
        ctx.progress(min(99, 100 * len(seen) / (2 * len(ORDER))), name)
        ctx.log(coded("omop.vocabulary_rows", name=name, rows=rows) if rows else name)
        ctx.check_cancelled()

    try:
        release = vocabulary_load(path=path, by=user, progress=progress)
    except VocabularyError as exc:
        raise JobError(error_job_message(exc)) from exc
    finally:
        if cleanup:
            shutil.rmtree(Path(path).parent, ignore_errors=True)
    return {"release": release.pk, "versions": release.versions, "rows": release.row_counts}
