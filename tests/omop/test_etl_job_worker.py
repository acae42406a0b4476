"""Conversions through the API with a real Celery worker on Redis (see tests/conftest.py)."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import timedelta

import pytest
from django.conf import settings

from catalogue.profiling.suppression import assert_no_small_cells
from omop.etl.generator import generate_extract
from omop.models import EtlJob
from portal.jobs import jobs_fail_stale
from portal.models import Job
from tests.conftest import WorkerProcess, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    """A transactional test ends with a flush that drops the role groups of the data
    migration: put them back before ``cast`` needs them."""
    from django.contrib.auth.models import Group

    from portal.roles import sync_role_groups

    sync_role_groups(Group)


def _create(client, **data):
    response = client.post("/api/omop/jobs/", data, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def _status(client, pk) -> dict:
    return client.get(f"/api/omop/jobs/{pk}/").json()


def _wait_finished(client, pk, timeout=180) -> dict:
    return wait_for(
        lambda: (d := _status(client, pk))["status"] in ("succeeded", "failed", "cancelled") and d,
        timeout=timeout,
        message=f"conversion {pk} did not finish",
    )


def test_a_generated_extract_is_converted_by_the_worker(celery_worker, cast, client):
    client.force_login(cast.data)
    created = _create(client, source="generated", persons=80, seed=3)
    assert created["status"] == "queued"

    done = _wait_finished(client, created["id"])

    assert done["status"] == "succeeded", done["error"]
    rows = {r["table"]: r["row_count"] for r in done["report"]["rows_written"]}
    assert isinstance(rows["person"], int) and rows["person"] >= 70
    assert rows["visit_occurrence"] > 1000
    assert done["report"]["dq_passed"] is True
    assert {r["reason"] for r in done["report"]["rejected"]}  # rejections are reported
    assert all(s["status"] == "done" for s in done["steps"].values()), done["steps"]
    assert done["steps"]["visit_occurrence"]["rows"] == rows["visit_occurrence"]
    assert "[person]" in done["log"]
    assert done["created_by"] == "data"

    response = client.get(f"/api/omop/jobs/{created['id']}/download/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert {"person.csv", "visit_occurrence.csv", "etl_report.json"} <= set(archive.namelist())

    results = client.get(f"/api/omop/jobs/{created['id']}/results/").json()
    assert_no_small_cells(results, settings.SMALL_CELL_THRESHOLD)
    assert results["pyramid"]["bands"]
    page = client.get(f"/omop/jobs/{created['id']}/results/")
    assert page.status_code == 200
    assert "Pyramide des âges" in page.content.decode()


def _corrupt_zip() -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("extract/IR_BEN_R.csv", "BEN_NIR_PSA;BEN_SEX_COD;BEN_NAI_ANN\nA;1;1980\n")
        archive.writestr("extract/ER_PRS_F.parquet", b"not a parquet file")
    buffer.seek(0)
    buffer.name = "corrupt.zip"
    return buffer


def test_a_corrupt_extract_fails_with_its_message(celery_worker, cast, client):
    client.force_login(cast.data)
    response = client.post("/api/omop/jobs/", {"source": "upload", "upload": _corrupt_zip()})
    assert response.status_code == 201, response.content

    done = _wait_finished(client, response.json()["id"])

    assert done["status"] == "failed"
    assert "ER_PRS_F.parquet n'est pas un fichier Parquet lisible" in done["error"]
    assert not EtlJob.objects.get(pk=done["id"]).active  # the output target is free again


def test_a_missing_table_fails_with_the_engine_message(celery_worker, cast, client):
    folder = settings.DATA_ROOT / "sans-beneficiaires"
    folder.mkdir(parents=True)
    (folder / "ER_PRS_F.csv").write_text("BEN_NIR_PSA;EXE_SOI_DTD\nA;01/01/2014\n")
    client.force_login(cast.data)

    created = _create(client, source="data_root", source_path="sans-beneficiaires")
    done = _wait_finished(client, created["id"])

    assert done["status"] == "failed"
    assert "IR_BEN_R manque à l'extrait" in done["error"]
    english = client.get(f"/api/omop/jobs/{done['id']}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "IR_BEN_R is missing from the extract" in english["error"]


@pytest.fixture
def second_worker(celery_worker):
    """Another worker on the same queue, started when a test asks for it."""
    worker = WorkerProcess(celery_worker.env, celery_worker.queue)
    yield worker
    worker.stop()


def test_a_killed_worker_fails_the_job_and_a_retry_succeeds(
    celery_worker, second_worker, cast, client
):
    generate_extract(settings.DATA_ROOT / "grand", persons=1500, seed=5)
    client.force_login(cast.data)
    created = _create(client, source="data_root", source_path="grand", target="grand-omop")

    wait_for(
        lambda: _status(client, created["id"])["progress"] >= 20,
        timeout=120,
        message="the conversion did not get past the person step",
    )
    celery_worker.kill()
    assert _status(client, created["id"])["status"] == "running"

    time.sleep(3)
    assert jobs_fail_stale(timeout=timedelta(seconds=2)) == 1
    failed = _status(client, created["id"])
    assert failed["status"] == "failed"
    assert "ne répond plus" in failed["error"]

    second_worker.start()
    response = client.post(f"/api/omop/jobs/{created['id']}/retry/")
    assert response.status_code == 201, response.content
    retry = response.json()
    assert retry["retry_of"] == created["id"]
    assert retry["target"] == "grand-omop"

    done = _wait_finished(client, retry["id"], timeout=240)
    assert done["status"] == "succeeded", done["error"]
    assert (settings.PRIVATE_ROOT / "omop" / "grand-omop" / "person.csv").exists()
    assert Job.objects.get(pk=retry["job"]).retry_of_id == Job.objects.get(pk=created["job"]).pk


@pytest.mark.spark
def test_spark_runs_in_the_worker(celery_worker, cast, client):
    client.force_login(cast.data)
    created = _create(
        client, source="generated", persons=40, seed=9, engine="spark", output_format="parquet"
    )

    done = _wait_finished(client, created["id"], timeout=420)

    assert done["status"] == "succeeded", done["error"] + done["log"][-2000:]
    assert done["report"]["engine"] == "spark"
    assert (settings.PRIVATE_ROOT / "omop" / done["target"] / "person.parquet").exists()


def test_a_running_conversion_is_cancelled_and_writes_nothing(celery_worker, cast, client):
    generate_extract(settings.DATA_ROOT / "annulee", persons=1000, seed=6)
    client.force_login(cast.data)
    created = _create(client, source="data_root", source_path="annulee", target="annulee")
    wait_for(lambda: _status(client, created["id"])["status"] == "running", timeout=60)

    response = client.post(f"/api/omop/jobs/{created['id']}/cancel/")
    assert response.status_code == 200

    done = _wait_finished(client, created["id"])
    assert done["status"] == "cancelled"
    assert not (settings.PRIVATE_ROOT / "omop" / "annulee").exists() or not any(
        (settings.PRIVATE_ROOT / "omop" / "annulee").iterdir()
    )
    assert not EtlJob.objects.get(pk=created["id"]).active
