"""Background jobs of the bibliometrics app (shared job pattern, ``portal.jobs``)."""

from __future__ import annotations

from celery import shared_task

from portal.jobs import JobContext, JobError, job_task
from portal.roles import Capability

from . import services
from .models import ImportRun

CURATE = Capability.BIBLIOMETRICS_CURATE  # who sees the jobs of this app, besides who ran them


@job_task(
    services.IMPORT_KIND,
    task="bibliometrics.import_publications",
    capability=CURATE,
    on_retry=services.import_run_retry_copy,
)
def import_publications(ctx: JobContext, *, import_id: int) -> dict:
    try:
        run = ImportRun.objects.get(pk=import_id)
    except ImportRun.DoesNotExist as exc:
        raise JobError("bibliometrics.import_gone") from exc
    result = services.import_run(run=run, ctx=ctx)
    ctx.progress(100, "bibliometrics.import_done", force=True)
    return result


@job_task(services.TOPICS_KIND, task="bibliometrics.recompute_topics", capability=CURATE)
def recompute_topics(ctx: JobContext, *, n_topics: int = 10) -> dict:
    return services.topics_recompute(n_topics=n_topics, ctx=ctx)


@job_task(services.REFRESH_KIND, task="bibliometrics.refresh_indicators", capability=CURATE)
def refresh_indicators(ctx: JobContext) -> dict:
    snapshot = services.indicators_refresh()
    return {"publications": snapshot.publications, "seconds": round(snapshot.seconds, 3)}


@job_task(
    services.QUERY_KIND,
    task="bibliometrics.refresh_saved_query",
    capability=CURATE,
    on_retry=services.import_run_retry_copy,
)
def refresh_saved_query(ctx: JobContext, *, import_id: int, confirm: bool = False) -> dict:
    try:
        run = ImportRun.objects.select_related("saved_query").get(pk=import_id)
    except ImportRun.DoesNotExist as exc:
        raise JobError("bibliometrics.import_gone") from exc
    result = services.saved_query_refresh(run=run, ctx=ctx, confirm=confirm)
    ctx.progress(100, "bibliometrics.query_refreshed", force=True)
    return result


@shared_task(name=services.DUE_TASK)
def refresh_due_queries() -> int:
    """Beat: start a refresh job for every saved query whose interval has passed."""
    return len(services.saved_queries_refresh_due())


@job_task(services.MODEL_KIND, task="bibliometrics.train_relevance_model", capability=CURATE)
def train_relevance_model(ctx: JobContext) -> dict:
    model = services.relevance_model_train(ctx=ctx)
    return {"positives": model.positives, "negatives": model.negatives}


@job_task(services.CITATIONS_KIND, task="bibliometrics.refresh_citations", capability=CURATE)
def refresh_citations(ctx: JobContext) -> dict:
    return services.citations_refresh(ctx=ctx)


@shared_task(name="bibliometrics.refresh_citations_weekly")
def refresh_citations_weekly() -> str:
    """Beat: the weekly citations job (a no-op job when nothing is stale)."""
    return str(services.citations_refresh_enqueue().pk)
