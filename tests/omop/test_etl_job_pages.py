"""The job pages, the home card, catalogue registration and the demo conversion."""

from __future__ import annotations

import io

import pytest

from catalogue.models import Database, SearchEntry, Table, Variable
from omop import services
from omop.home import cards
from portal.models import Job

from .job_factories import EtlJobFactory, finished

pytestmark = pytest.mark.django_db


def test_the_job_page_shows_the_report_with_small_cells_masked(cast, client):
    etl_job = finished()
    client.force_login(cast.data)

    page = client.get(etl_job.get_absolute_url()).content.decode()

    assert "Lignes rejetées, par motif" in page
    assert "no valid year of birth" in page
    assert "&lt; 10" in page
    assert "Résultats" in page and "Télécharger la sortie" in page


def test_the_job_page_shows_each_checks_share_against_its_threshold(cast, client):
    etl_job = finished()
    client.force_login(cast.data)

    page = client.get(etl_job.get_absolute_url()).content.decode()

    assert "1 contrôle qualité en échec" in page
    assert "<td>plausibleAfterBirth</td>" in page  # the DQD's name, untranslated
    assert "<td>12 / 120</td><td>10 %</td><td>1 %</td>" in page
    assert "Part en échec" in page and "Seuil" in page


def test_a_running_job_page_polls_its_steps(cast, client):
    etl_job = EtlJobFactory(steps={"read": {"status": "running", "percent": 40, "rows": 1200,
                                            "message": "read ER_PRS_F", "seconds": None}})  # fmt: skip
    client.force_login(cast.data)

    page = client.get(etl_job.get_absolute_url()).content.decode()
    fragment = client.get(f"/omop/jobs/{etl_job.pk}/progress/", headers={"HX-Request": "true"})

    assert "/progress/" in page and 'hx-trigger="every 1s"' in page
    assert "read ER_PRS_F" in fragment.content.decode()
    assert "HX-Refresh" not in fragment


def test_the_step_fragment_reloads_the_page_once_the_job_ends(cast, client):
    etl_job = finished()
    client.force_login(cast.data)

    fragment = client.get(f"/omop/jobs/{etl_job.pk}/progress/", headers={"HX-Request": "true"})

    assert fragment["HX-Refresh"] == "true"


def test_the_list_filters_by_status(cast, client):
    # extracts named by their folder: a generated one is named from its size and seed
    ok = finished(source="data_root", extract_label="reussie")
    ko = finished(Job.Status.FAILED, source="data_root", extract_label="ratee")
    client.force_login(cast.data)

    page = client.get("/omop/", {"status": "failed"}).content.decode()

    assert ko.extract_label in page and ok.extract_label not in page


def test_the_home_card_lists_what_needs_the_data_team(cast):
    EtlJobFactory()
    finished(Job.Status.FAILED)
    finished(source="data_root", source_path="dernier", extract_label="dernier résultat")

    (card,) = cards(cast.data)

    counts = {item.label: item.count for item in card.items}
    assert counts["Conversions en cours"] == 1
    assert counts["Échecs à examiner"] == 1
    assert any("dernier résultat" in item.label for item in card.items)
    assert cards(cast.alice) == []


def test_a_retried_failure_is_no_longer_to_look_at(cast):
    failed = finished(Job.Status.FAILED)
    services.etl_job_retry(etl_job=failed, by=cast.data)

    (card,) = cards(cast.data)

    assert {i.label: i.count for i in card.items}["Échecs à examiner"] == 0


def test_an_output_is_registered_in_the_catalogue(cast):
    etl_job = finished(extract_label="extrait 2024")

    database = services.etl_job_register_in_catalogue(etl_job=etl_job, by=cast.data)

    assert database.name == "OMOP CDM — extrait 2024"
    assert set(Table.objects.filter(database=database).values_list("name", flat=True)) == {
        "person",
        "death",
    }
    person = Table.objects.get(database=database, name="person")
    assert person.row_count == 120
    assert Table.objects.get(database=database, name="death").row_count is None  # small cell
    gender = Variable.objects.get(table=person, name="gender_concept_id")
    assert gender.type == "integer" and "biological sex" in gender.description
    assert SearchEntry.objects.filter(kind="variable", name="year_of_birth").exists()
    etl_job.refresh_from_db()
    assert etl_job.catalogue_acronym == database.acronym

    again = services.etl_job_register_in_catalogue(etl_job=etl_job, by=cast.data)
    assert again.pk == database.pk and Database.objects.count() == 1


def test_the_page_registers_and_redirects_to_the_catalogue(cast, client):
    etl_job = finished(extract_label="page")
    client.force_login(cast.data)

    response = client.post(f"/omop/jobs/{etl_job.pk}/register/")

    database = Database.objects.get()
    assert response.status_code == 302
    assert response["Location"] == database.get_absolute_url()


def test_only_succeeded_jobs_are_registered(cast):
    with pytest.raises(services.EtlInputError):
        services.etl_job_register_in_catalogue(etl_job=finished(Job.Status.FAILED), by=cast.data)


def test_a_large_output_is_not_offered_for_download(cast, client, settings):
    settings.OMOP_DOWNLOAD_MAX_BYTES = 10
    etl_job = finished()
    client.force_login(cast.data)

    page = client.get(etl_job.get_absolute_url()).content.decode()

    assert "trop volumineuse" in page
    assert client.get(f"/omop/jobs/{etl_job.pk}/download/").status_code == 404


def test_the_demo_seeds_one_finished_conversion_once(cast):
    from omop import demo

    out = io.StringIO()
    demo.seed(users={"data": cast.data}, stdout=out)
    demo.seed(users={"data": cast.data}, stdout=out)

    etl_job = demo.EtlJob.objects.get()
    assert etl_job.job.status == Job.Status.SUCCEEDED, etl_job.job.error
    assert etl_job.results["pyramid"]["bands"]
    assert (etl_job.output_dir / "person.csv").exists()
    assert etl_job.catalogue_acronym
    assert "déjà présente" in out.getvalue()
