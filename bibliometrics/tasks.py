"""Background jobs of the bibliometrics app (shared job pattern, ``portal.jobs``)."""

from __future__ import annotations

from portal.jobs import JobContext, JobError, job_task

from . import services
from .models import ImportRun


@job_task(services.IMPORT_TASK)
def import_publications(ctx: JobContext, *, import_id: int) -> dict:
    try:
        run = ImportRun.objects.get(pk=import_id)
    except ImportRun.DoesNotExist as exc:
        raise JobError("Cet import n'existe plus.") from exc
    result = services.import_run(run=run, ctx=ctx)
    ctx.progress(100, "Import terminé.", force=True)
    return result


@job_task(services.TOPICS_TASK)
def recompute_topics(ctx: JobContext, *, n_topics: int = 10) -> dict:
    return services.topics_recompute(n_topics=n_topics, ctx=ctx)


@job_task(services.REFRESH_TASK)
def refresh_indicators(ctx: JobContext) -> dict:
    snapshot = services.indicators_refresh()
    return {"publications": snapshot.publications, "seconds": round(snapshot.seconds, 3)}
