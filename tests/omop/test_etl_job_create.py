"""Starting conversions: sources checked, one writer per output, retry and cancel."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from omop import services
from omop.models import EtlJob
from portal.models import AuditEntry, Job

from .job_factories import EtlJobFactory, finished

pytestmark = pytest.mark.django_db


def _zip(members: dict[str, bytes], name="extract.zip") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def test_it_creates_a_queued_job_for_a_generated_extract(cast):
    etl_job = services.etl_job_create(source="generated", persons=50, seed=4, by=cast.data)

    assert etl_job.job.status == Job.Status.QUEUED
    assert etl_job.job.created_by == cast.data
    assert etl_job.job.task_kwargs == {"etl_job_id": str(etl_job.pk)}
    assert etl_job.target == str(etl_job.pk)
    assert etl_job.output_dir == settings.PRIVATE_ROOT / "omop" / str(etl_job.pk)
    assert AuditEntry.objects.filter(action="omop.etl_job.create").count() == 1


def test_two_jobs_never_hold_the_same_output(cast):
    services.etl_job_create(source="generated", persons=5, target="commune", by=cast.data)

    with pytest.raises(services.EtlTargetBusy, match="commune"):
        services.etl_job_create(source="generated", persons=5, target="commune", by=cast.data)
    assert EtlJob.objects.filter(target="commune").count() == 1
    assert Job.objects.count() == 1  # the refused job left nothing behind


def test_the_database_refuses_a_second_active_writer_even_without_the_service(cast):
    from django.db import IntegrityError, transaction

    EtlJobFactory(target="partagee")
    with pytest.raises(IntegrityError), transaction.atomic():
        EtlJobFactory(target="partagee")


def test_a_target_held_by_a_dead_job_is_released(cast):
    dead = EtlJobFactory(target="reprise")
    Job.objects.filter(pk=dead.job_id).update(status=Job.Status.FAILED)  # as jobs_fail_stale does

    etl_job = services.etl_job_create(source="generated", persons=5, target="reprise", by=cast.data)

    assert etl_job.active
    dead.refresh_from_db()
    assert not dead.active


def test_retry_writes_the_same_target_and_links_the_jobs(cast):
    failed = finished(Job.Status.FAILED, target="encore")

    retry = services.etl_job_retry(etl_job=failed, by=cast.data)

    assert retry.target == "encore"
    assert retry.job.retry_of == failed.job
    assert retry.job.status == Job.Status.QUEUED


def test_a_retry_from_the_shared_job_page_gets_its_own_conversion_at_once(client, cast):
    failed = finished(Job.Status.FAILED, target="encore")
    client.force_login(cast.data)

    response = client.post(f"/jobs/{failed.job.pk}/retry/")

    new_job = Job.objects.get(retry_of=failed.job)
    assert response.status_code == 302 and response.url == new_job.get_absolute_url()
    retry = EtlJob.objects.get(job=new_job)  # before any worker ran it
    assert retry.pk != failed.pk and retry.target == "encore" and retry.active
    assert new_job.task_kwargs == {"etl_job_id": str(retry.pk)}
    assert AuditEntry.objects.filter(action="omop.etl_job.retry", actor=cast.data).exists()


def test_a_retry_refused_because_the_target_is_busy_says_so(client, cast):
    failed = finished(Job.Status.FAILED, target="occupee")
    services.etl_job_create(source="generated", persons=5, target="occupee", by=cast.data)
    client.force_login(cast.data)

    page = client.post(f"/jobs/{failed.job.pk}/retry/", follow=True).content.decode()

    assert "occupee" in page and "attendez sa fin" in page
    assert not Job.objects.filter(retry_of=failed.job).exists()


def test_it_refuses_to_retry_a_succeeded_job(cast):
    with pytest.raises(services.EtlInputError):
        services.etl_job_retry(etl_job=finished(), by=cast.data)


def test_cancelling_a_queued_job_frees_its_target(cast):
    etl_job = services.etl_job_create(source="generated", persons=5, target="x", by=cast.data)

    services.etl_job_cancel(etl_job=etl_job, by=cast.data)

    etl_job.refresh_from_db()
    assert etl_job.job.status == Job.Status.CANCELLED
    assert not etl_job.active


@pytest.mark.parametrize("persons", [0, 10**9])
def test_it_bounds_the_generated_persons(cast, persons):
    with pytest.raises(services.EtlInputError, match="personnes"):
        services.etl_job_create(source="generated", persons=persons, by=cast.data)


def test_a_data_root_folder_is_accepted(cast):
    (settings.DATA_ROOT / "projet" / "extrait").mkdir(parents=True)
    (settings.DATA_ROOT / "projet" / "extrait" / "IR_BEN_R.csv").write_text("BEN_NIR_PSA\n")

    etl_job = services.etl_job_create(
        source="data_root", source_path="projet/extrait", by=cast.data
    )

    assert etl_job.extract_label == "projet/extrait"
    assert services.data_root_extracts() == ["projet/extrait"]


@pytest.mark.parametrize("path", ["../private", "/etc", "projet/../../x", ""])
def test_it_refuses_paths_outside_the_data_root(cast, path):
    settings.DATA_ROOT.mkdir(parents=True, exist_ok=True)
    with pytest.raises(services.EtlInputError):
        services.etl_job_create(source="data_root", source_path=path, by=cast.data)


def test_it_refuses_a_symlink_out_of_the_data_root(cast, tmp_path):
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    settings.DATA_ROOT.mkdir(parents=True)
    os.symlink(outside, settings.DATA_ROOT / "lien")

    with pytest.raises(services.EtlInputError, match="sort de la racine"):
        services.etl_job_create(source="data_root", source_path="lien", by=cast.data)
    assert "lien" not in services.data_root_extracts()


def test_an_upload_is_stored_privately(cast):
    upload = _zip({"extrait/IR_BEN_R.csv": b"BEN_NIR_PSA\nA\n"})

    etl_job = services.etl_job_create(source="upload", upload=upload, by=cast.data)

    assert etl_job.upload_name == "extract.zip"
    assert etl_job.upload_file.startswith(str(settings.PRIVATE_ROOT))
    folder = services.upload_unpack(
        __import__("pathlib").Path(etl_job.upload_file), etl_job.workdir
    )
    assert (folder / "IR_BEN_R.csv").exists()


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"../IR_BEN_R.csv": b"x"}, "chemin interdit"),
        ({"/abs/IR_BEN_R.csv": b"x"}, "chemin interdit"),
        ({"IR_BEN_R.exe": b"x"}, ".csv, .parquet ou .txt"),
        ({}, "vide"),
    ],
)
def test_it_refuses_bad_archives(cast, members, message):
    with pytest.raises(services.EtlInputError, match=message):
        services.etl_job_create(source="upload", upload=_zip(members), by=cast.data)
    assert not EtlJob.objects.exists()


def test_it_refuses_a_file_that_is_not_a_zip(cast):
    upload = SimpleUploadedFile("extract.zip", b"PK not really a zip")
    with pytest.raises(services.EtlInputError, match="zip"):
        services.etl_job_create(source="upload", upload=upload, by=cast.data)


def test_it_refuses_an_archive_over_the_size_limit(cast, settings):
    settings.OMOP_UPLOAD_MAX_BYTES = 100
    upload = _zip({"IR_BEN_R.csv": b"x" * 1000})
    with pytest.raises(services.EtlInputError, match="limite"):
        services.etl_job_create(source="upload", upload=upload, by=cast.data)


def test_the_form_shows_what_to_fix(cast, client):
    client.force_login(cast.data)
    response = client.post("/omop/jobs/new/", {"source": "data_root", "source_path": "",
                                               "engine": "duckdb", "output_format": "csv"})  # fmt: skip
    assert response.status_code == 200
    assert "Indiquez le dossier" in response.content.decode()
    assert not EtlJob.objects.exists()


def test_the_form_starts_a_conversion(cast, client):
    client.force_login(cast.data)
    response = client.post(
        "/omop/jobs/new/",
        {"source": "generated", "persons": 30, "seed": 2, "engine": "duckdb",
         "output_format": "parquet", "target": "essai"},
    )  # fmt: skip
    etl_job = EtlJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == etl_job.get_absolute_url()
    assert etl_job.output_format == "parquet" and etl_job.target == "essai"


def test_without_a_chosen_engine_a_conversion_runs_on_duckdb(cast, settings):
    settings.SPARK_MASTER_URL = "local[*]"
    settings.OMOP_SPARK_MIN_BYTES = 1

    etl_job = services.etl_job_create(source="generated", persons=50, by=cast.data)

    assert etl_job.engine == EtlJob.Engine.DUCKDB


def test_a_large_extract_goes_to_spark_when_a_cluster_is_configured(cast, settings):
    settings.SPARK_MASTER_URL = "spark://127.0.0.1:7077"
    settings.OMOP_SPARK_MIN_BYTES = 100 * services.GENERATED_BYTES_PER_PERSON

    small = services.etl_job_create(source="generated", persons=50, by=cast.data)
    large = services.etl_job_create(source="generated", persons=500, by=cast.data)
    chosen = services.etl_job_create(
        source="generated", persons=500, engine=EtlJob.Engine.DUCKDB, by=cast.data
    )

    assert (small.engine, large.engine, chosen.engine) == ("duckdb", "spark", "duckdb")


def test_the_engines_are_configured_from_the_settings(settings):
    settings.OMOP_DUCKDB_MEMORY_LIMIT = "3GB"
    settings.SPARK_MASTER_URL = "spark://127.0.0.1:7077"
    settings.OMOP_SPARK_SHUFFLE_PARTITIONS = 12
    settings.SOURCE_DATE_EPOCH = "1764633600"

    config = services.engine_config()

    assert (config.memory_limit, config.spark_master_url, config.spark_partitions) == (
        "3GB", "spark://127.0.0.1:7077", 12,
    )  # fmt: skip
    assert config.release_date.isoformat() == "2025-12-02"
