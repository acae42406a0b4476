"""The title and messages of a conversion job (its progress, the steps table) are codes that
the page words in its own language: an English page shows no French (omop/tasks.py)."""

import re
import shutil

import pytest

from omop import services
from portal.jobs import job_run_inline
from tests.pages import api_in, page_in

from .job_factories import finished

pytestmark = pytest.mark.django_db


def test_a_generated_conversion_reads_in_english_on_an_english_page(client, cast):
    etl_job = services.etl_job_create(source="generated", persons=20, seed=3, by=cast.data)
    job = job_run_inline(job=etl_job.job)
    assert job.status == "succeeded", job.error
    etl_job.refresh_from_db()
    assert etl_job.steps["generate"]["message"].startswith("omop.generated|")
    client.force_login(cast.data)

    english = client.get(f"/omop/jobs/{etl_job.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # the technical log (under "Log") stays as the worker and the engine wrote it
    english = re.sub(r'<pre class="hdh-log">.*?</pre>', "", english, flags=re.S)
    french = client.get(f"/omop/jobs/{etl_job.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Conversion completed." in english and "20 / 20 persons" in english
    assert "OMOP conversion — synthetic extract of 20 persons, seed 3" in english
    for text in ("Conversion terminée", "personnes", "omop.generated", "omop.done", "omop.title"):
        assert text not in english
    assert "Conversion terminée." in french and "20 / 20 personnes" in french
    assert "Conversion OMOP — extrait synthétique de 20 personnes, graine 3" in french
    api = client.get(f"/api/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert api["title"] == "OMOP conversion — synthetic extract of 20 persons, seed 3"


def test_a_generated_extract_is_named_in_the_pages_language(client, cast):
    etl_job = finished(persons=50, seed=1)
    client.force_login(cast.data)

    english = client.get("/omop/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = client.get("/omop/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "synthetic 50 persons, seed 1" in english and "personnes" not in english
    assert "synthétique 50 personnes, graine 1" in french
    assert etl_job.display_label in french


def test_a_folder_gone_before_the_worker_starts_is_named_in_the_language_of_the_page(
    client, cast, settings
):
    folder = settings.DATA_ROOT / "projet" / "parti"
    folder.mkdir(parents=True)
    (folder / "IR_BEN_R.csv").write_text("BEN_NIR_PSA\n")
    etl_job = services.etl_job_create(source="data_root", source_path="projet/parti", by=cast.data)
    shutil.rmtree(folder)
    job = job_run_inline(job=etl_job.job)
    assert job.status == "failed" and job.error.startswith("omop.data_path|")
    client.force_login(cast.data)
    url = f"/omop/jobs/{etl_job.pk}/"

    english = page_in(client, "en", url)
    api = api_in(client, "en", f"/api/jobs/{job.pk}/")
    french = page_in(client, "fr", url)

    assert "The folder “projet/parti” does not exist in the data root" in english
    assert "n'existe pas" not in english
    assert api["error"].startswith("The folder “projet/parti” does not exist in the data root")
    assert "Le dossier « projet/parti » n'existe pas dans la racine des données" in french


def test_the_conversion_log_reads_in_the_language_of_the_page(client, cast):
    etl_job = services.etl_job_create(source="generated", persons=20, seed=3, by=cast.data)
    job = job_run_inline(job=etl_job.job)
    assert job.status == "succeeded", job.error
    assert "lignes" not in job.log  # codes: the page words them
    client.force_login(cast.data)

    english = client.get(f"/api/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()["log"]
    french = client.get(f"/api/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="fr").json()["log"]

    assert "[generate] starting" in english and "[results] starting" in english
    assert " rows" in english and "lignes" not in english and "démarrage" not in english
    assert "tables written, quality checks: OK" in english
    assert "[generate] démarrage" in french
    assert " lignes" in french and "tables écrites, contrôles qualité : OK" in french


def test_a_generated_extract_is_stored_alike_whoever_creates_it_and_shown_in_english(cast):
    """The same extract created from an English and a French page is catalogued under one
    acronym; the home card names it in the reader's language."""
    from django.utils import translation

    from omop.home import cards

    with translation.override("en"):
        english_made = services.etl_job_create(source="generated", persons=30, seed=2, by=cast.data)
    french_made = services.etl_job_create(source="generated", persons=30, seed=2, by=cast.data)
    assert english_made.extract_label == french_made.extract_label
    assert services.catalogue_acronym(english_made) == services.catalogue_acronym(french_made)
    finished(source="generated", persons=40, seed=5, extract_label="synthétique 40 personnes")
    with translation.override("en"):
        labels = [item.label for card in cards(cast.data) for item in card.items]
    assert "Results: synthetic 40 persons, seed 5" in labels
