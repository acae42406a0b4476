"""The messages of a conversion job (its progress and the steps table) are codes that the
page words in its own language: an English page shows no French (omop/tasks.py)."""

import pytest

from omop import services
from portal.jobs import job_run_inline

pytestmark = pytest.mark.django_db


def test_a_generated_conversion_reads_in_english_on_an_english_page(client, cast):
    etl_job = services.etl_job_create(source="generated", persons=20, seed=3, by=cast.data)
    job = job_run_inline(job=etl_job.job)
    assert job.status == "succeeded", job.error
    etl_job.refresh_from_db()
    assert etl_job.steps["generate"]["message"].startswith("omop.generated|")
    client.force_login(cast.data)

    english = client.get(f"/omop/jobs/{etl_job.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = client.get(f"/omop/jobs/{etl_job.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Conversion completed." in english and "20 / 20 persons" in english
    # (the job's title, "Extrait synthétique 20 personnes…", is still stored in French)
    for text in ("Conversion terminée", "20 / 20 personnes", "omop.generated", "omop.done"):
        assert text not in english
    assert "Conversion terminée." in french and "20 / 20 personnes" in french
