"""A real Celery worker on Redis runs a dispatched job and updates it; /healthz sees it."""

import pytest
from django.db import transaction

from portal.jobs import job_enqueue
from portal.models import Job
from tests.conftest import broker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_dispatched_job_runs_in_the_worker_and_updates_its_record(celery_worker, cast):
    with transaction.atomic():
        job = job_enqueue(
            kind="portal.diagnostics",
            title="Diagnostic du worker",
            by=cast.data,
        )
    job = wait_for(
        lambda: Job.objects.filter(pk=job.pk, status__in=Job.FINISHED).first(),
        timeout=60,
        message="the worker did not finish the job",
    )
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.progress == 100
    assert job.result["database"] == "postgresql"
    assert "java" in job.log


def test_healthz_reports_a_live_worker(celery_worker, client, cast):
    client.force_login(cast.admin)  # staff see the workers' names, strangers only a count
    response = wait_for(
        lambda: (r := client.get("/healthz")).status_code == 200 and r,
        timeout=30,
        message="the background ping never saw the worker",
    )
    body = response.json()
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]
    assert any(celery_worker.name.split("@")[0] in w for w in body["checks"]["worker"]["workers"])


def test_healthz_answers_503_when_no_worker_listens(client):
    with broker("redis://127.0.0.1:6379/13"):  # a broker no worker listens on
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False
