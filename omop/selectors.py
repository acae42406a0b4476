"""Reads of the omop app: every page and API endpoint lists and fetches through these."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from portal.models import Job
from portal.roles import Capability, can

from .models import EtlJob


def etl_jobs_visible_to(user) -> QuerySet[EtlJob]:
    """Conversions are shared by everyone who may run them (the ``data`` role and admins)."""
    if not can(user, Capability.OMOP_RUN):
        return EtlJob.objects.none()
    return EtlJob.objects.select_related("job", "job__created_by")


def etl_job_search(
    qs: QuerySet[EtlJob], *, status: str = "", engine: str = "", source: str = "", q: str = ""
) -> QuerySet[EtlJob]:
    """The filters of the job list (page and API)."""
    if status:
        qs = qs.filter(job__status=status)
    if engine:
        qs = qs.filter(engine=engine)
    if source:
        qs = qs.filter(source=source)
    if q:
        qs = qs.filter(Q(extract_label__icontains=q) | Q(target__icontains=q))
    return qs


def etl_jobs_running(user) -> QuerySet[EtlJob]:
    return etl_jobs_visible_to(user).filter(job__status__in=[Job.Status.QUEUED, Job.Status.RUNNING])


def etl_jobs_to_look_at(user) -> QuerySet[EtlJob]:
    """Failed conversions that nobody has retried yet."""
    return etl_jobs_visible_to(user).filter(job__status=Job.Status.FAILED, job__retries=None)


def etl_jobs_succeeded(user) -> QuerySet[EtlJob]:
    return etl_jobs_visible_to(user).filter(job__status=Job.Status.SUCCEEDED)
