"""The shared job pattern, run inline (the worker tests run it in a real worker)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.jobs import (
    JobError,
    job_cancel,
    job_enqueue,
    job_retry,
    job_run_inline,
    jobs_fail_stale,
    run_job,
)
from portal.models import AuditEntry, Job
from tests.pages import api_in, page_in

pytestmark = pytest.mark.django_db


def _job(cast, **kwargs):
    return job_enqueue(
        kind="portal.diagnostics",
        title="Un test",
        by=cast.data,
        **kwargs,
    )


def test_enqueue_dispatches_only_after_commit(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        job = _job(cast)
    assert job.status == Job.Status.QUEUED
    assert len(callbacks) == 1
    assert AuditEntry.objects.filter(
        action="job.enqueue", target_id=str(job.pk), actor=cast.data
    ).exists()


def test_a_job_takes_its_task_and_who_sees_it_from_its_declared_kind(cast):
    job = _job(cast)
    assert job.task_name == "portal.worker_diagnostics" and job.capability == "omop.run"
    with pytest.raises(LookupError):
        job_enqueue(kind="portal.nothing", title="?", by=cast.data)


def test_an_inline_job_runs_the_worker_body_here_without_dispatch(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        job = job_enqueue(kind="portal.diagnostics", title="Ici", by=cast.data, inline=True)
    assert callbacks == []
    job = job_run_inline(job=job)
    assert job.status == Job.Status.SUCCEEDED and job.result["database"] == "postgresql"


def test_a_successful_job_ends_succeeded_with_progress_log_and_result(cast):
    job = _job(cast)

    def work(ctx):
        ctx.progress(50, "moitié")
        ctx.log("une ligne")
        return {"rows": 3}

    run_job(work, str(job.pk), {})
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100
    assert job.result == {"rows": 3}
    assert "une ligne" in job.log
    assert job.started_at and job.finished_at


def test_a_job_error_fails_the_job_with_its_message(cast):
    job = _job(cast)

    def work(ctx):
        raise JobError("Le fichier IR_BEN_R est absent : ajoutez-le à l'extraction.")

    run_job(work, str(job.pk), {})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "Le fichier IR_BEN_R est absent : ajoutez-le à l'extraction."


def test_an_unexpected_exception_still_ends_the_job(cast):
    job = _job(cast)
    run_job(lambda ctx: 1 / 0, str(job.pk), {})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "ZeroDivisionError" in job.error


def test_an_unexpected_error_reads_in_the_language_of_the_page(client, cast):
    job = _job(cast)
    run_job(lambda ctx: 1 / 0, str(job.pk), {})
    client.force_login(cast.data)

    english = page_in(client, "en", f"/jobs/{job.pk}/")
    api = api_in(client, "en", f"/api/jobs/{job.pk}/")
    french = page_in(client, "fr", f"/jobs/{job.pk}/")

    assert "Unexpected error: ZeroDivisionError: division by zero" in english
    assert "Erreur inattendue" not in english
    assert api["error"] == "Unexpected error: ZeroDivisionError: division by zero"
    assert "Erreur inattendue : ZeroDivisionError: division by zero" in french


def test_a_running_job_stops_at_its_next_checkpoint_when_cancelled(cast):
    job = _job(cast)

    def work(ctx):
        Job.objects.filter(pk=ctx.job.pk).update(cancel_requested=True)
        ctx.check_cancelled()
        raise AssertionError("not reached")

    run_job(work, str(job.pk), {})
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED


def test_cancelling_a_queued_job_means_it_never_runs(cast):
    job = _job(cast)
    job_cancel(job=job, by=cast.data)
    ran = []
    run_job(lambda ctx: ran.append(1), str(job.pk), {})
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and ran == []
    with pytest.raises(JobError):
        job_cancel(job=job, by=cast.data)


def test_retry_makes_a_new_job_linked_to_the_failed_one(cast):
    job = _job(cast)
    run_job(lambda ctx: 1 / 0, str(job.pk), {})
    job.refresh_from_db()
    retry = job_retry(job=job, by=cast.data)
    assert retry.pk != job.pk and retry.retry_of == job and retry.status == Job.Status.QUEUED
    with pytest.raises(JobError):
        job_retry(job=retry, by=cast.data)


def test_a_job_without_heartbeat_is_marked_failed(cast):
    job = _job(cast)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, heartbeat_at=timezone.now() - timedelta(minutes=10)
    )
    assert jobs_fail_stale(timeout=timedelta(minutes=2)) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "ne répond plus" in job.error


def test_the_job_page_shows_live_status_to_its_capability_and_404_to_others(client, cast):
    job = _job(cast)
    client.force_login(cast.data)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Un test" in page and "hx-get" in page  # polls while not finished
    client.force_login(cast.alice)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/api/jobs/{job.pk}/").status_code == 404


def test_the_api_cancels_and_retries(client, cast):
    job = _job(cast)
    client.force_login(cast.data)
    response = client.post(f"/api/jobs/{job.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    response = client.post(f"/api/jobs/{job.pk}/retry/")
    assert response.status_code == 201 and response.json()["status"] == "queued"
    assert client.post(f"/api/jobs/{job.pk}/cancel/").status_code == 409


def test_a_job_message_reads_in_the_language_of_the_page_not_the_worker(client, cast):
    job = job_run_inline(
        job=job_enqueue(kind="portal.diagnostics", title="Ici", by=cast.data, inline=True)
    )
    assert job.message == "portal.check_done"  # a code: no language at write time
    client.force_login(cast.data)

    english = client.get(f"/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = client.get(f"/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    api = client.get(f"/api/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()

    assert "Diagnostics finished." in english and "Diagnostic terminé" not in english
    assert "Diagnostic terminé." in french
    assert api["message"] == "Diagnostics finished."
