"""Saved queries refreshed as jobs: new, changed and deleted records, limits, failures."""

import datetime

import pytest
from django.utils import timezone

from bibliometrics import connectors, services
from bibliometrics.connectors import pubmed
from bibliometrics.models import ImportRun, Publication, SavedQuery
from portal.jobs import job_run_inline
from portal.messages import message_text
from portal.models import AuditEntry, Job
from tests.bibliometrics.pages import part
from tests.bibliometrics.recorded import FakeTime, Recorded
from tests.pages import page_in


@pytest.fixture
def recorded(monkeypatch):
    recorded = Recorded()
    monkeypatch.setattr(connectors, "TRANSPORT", recorded.transport())
    monkeypatch.setattr(connectors, "SLEEP", FakeTime().sleep)
    monkeypatch.setattr(pubmed, "BATCH", 2)  # the recorded efetch answers hold two records
    return recorded


def refresh(query, by=None, confirm=False) -> ImportRun:
    """The job a curator or beat starts, run here through the same job machinery."""
    run = services.saved_query_refresh_enqueue(query=query, by=by, confirm=confirm)
    job_run_inline(job=run.job)
    run.refresh_from_db()
    run.job.refresh_from_db()
    query.refresh_from_db()
    return run


def pubmed_query(cast, **kwargs):
    return services.saved_query_create(
        name="AINS et SNDS", source="pubmed", query="NSAID AND SNDS", by=cast.data, **kwargs
    )


@pytest.mark.django_db
def test_a_pubmed_refresh_imports_the_records_with_the_rules_verdicts(cast, recorded):
    run = refresh(pubmed_query(cast), by=cast.data)
    assert run.job.status == Job.Status.SUCCEEDED, run.job.error
    assert (run.stats["new"], run.stats["rejected"]) == (3, 0)
    assert set(Publication.objects.filter(relevant=True).values_list("pmid", flat=True)) == {
        "91000001",
        "91000003",
    }
    receptor = Publication.objects.get(pmid="91000002")
    assert receptor.relevance_reasons == [
        {"code": "acronym_other_sense", "term": "DCIR", "detail": "immunology"}
    ]
    assert run.job.progress == 100
    assert AuditEntry.objects.filter(action="saved_query.refresh", actor=cast.data).exists()


@pytest.mark.django_db
def test_a_second_refresh_changes_nothing_then_applies_a_change_and_a_deletion(cast, recorded):
    query = pubmed_query(cast)
    refresh(query)
    again = refresh(query)
    assert (again.stats["new"], again.stats["updated"], again.stats["duplicate"]) == (0, 0, 3)

    query.seen_ids = [*query.seen_ids, "91000008", "91000009"]  # returned by an older refresh
    query.save()
    Publication.objects.create(pmid="91000009", title="Withdrawn", title_key="withdrawn")
    recorded.replace["pubmed_efetch_2.xml"] = recorded.body("pubmed_efetch_2.xml").replace(
        b"paracetamol", b"naproxen"
    )
    run = refresh(query)
    assert (run.stats["updated"], run.stats["deleted"]) == (1, 1)
    assert "naproxen" in Publication.objects.get(pmid="91000003").abstract
    assert not Publication.objects.filter(pmid="91000009").exists()
    assert recorded.calls("esummary")[0].url.params["id"] == "91000008,91000009"


@pytest.mark.django_db
def test_an_answer_cut_short_stops_the_refresh_naming_the_query_and_keeps_what_came(cast, recorded):
    recorded.replace["pubmed_efetch_2.xml"] = recorded.body("pubmed_efetch_2.xml")[:900]
    query = pubmed_query(cast)
    run = services.saved_query_refresh_enqueue(query=query, by=cast.data)
    job_run_inline(job=run.job)
    run.refresh_from_db()
    run.job.refresh_from_db()
    query.refresh_from_db()
    assert run.job.status == Job.Status.FAILED
    assert "AINS et SNDS" in message_text(run.job.error)
    assert "tronquée" in message_text(run.job.error)
    assert Publication.objects.count() == 2  # the first page stays imported
    assert run.stats["new"] == 2
    assert message_text(query.last_error).startswith("Requête « AINS et SNDS »")


@pytest.mark.django_db
def test_a_failed_refresh_reads_in_the_language_of_the_page(cast, recorded, client):
    recorded.replace["pubmed_efetch_2.xml"] = recorded.body("pubmed_efetch_2.xml")[:900]
    query = pubmed_query(cast)
    run = refresh(query)
    assert run.job.status == Job.Status.FAILED and "tronquée" not in run.job.error
    client.force_login(cast.data)

    english = page_in(client, "en", f"/jobs/{run.job.pk}/")
    assert (
        "Query “AINS et SNDS”: truncated answer: 0 records received out of 1 announced. "
        "The 2 records imported before the error are kept."
    ) in english
    assert "tronquée" not in english
    assert "Requête « AINS et SNDS » : réponse tronquée" in page_in(
        client, "fr", f"/jobs/{run.job.pk}/"
    )
    assert "Query “AINS et SNDS”: truncated answer" in page_in(
        client, "en", query.get_absolute_url()
    )
    assert "Requête « AINS et SNDS » : réponse" in page_in(client, "fr", query.get_absolute_url())


@pytest.mark.django_db
def test_a_result_over_the_limit_waits_for_a_curator_to_confirm(cast, recorded):
    query = pubmed_query(cast, max_records=2)
    run = refresh(query)
    assert run.job.status == Job.Status.SUCCEEDED
    assert run.stats == {"awaiting_confirmation": 3, "limit": 2}
    assert query.pending_count == 3
    assert not Publication.objects.exists()

    confirmed = services.saved_query_confirm(query=query, by=cast.data)
    job_run_inline(job=confirmed.job)
    confirmed.refresh_from_db()
    assert confirmed.stats["new"] == 3
    assert AuditEntry.objects.filter(action="saved_query.confirm", actor=cast.data).exists()


@pytest.mark.django_db
def test_openalex_and_hal_queries_share_the_file_imports_deduplication(cast, recorded):
    openalex = services.saved_query_create(
        name="OpenAlex SNDS", source="openalex", query="title.search:snds", by=cast.data
    )
    assert refresh(openalex).stats["new"] == 3
    halq = services.saved_query_create(name="HAL PMSI", source="hal", query="PMSI", by=cast.data)
    run = refresh(halq)
    assert run.stats["new"] == 2
    assert Publication.objects.get(hal_id="hal-03012345").relevant
    assert not Publication.objects.get(hal_id="hal-03012399").relevant  # wheat SSR markers
    assert Publication.objects.get(pmid="92000001").citation_count == 12


@pytest.mark.django_db
def test_beat_starts_only_the_queries_that_are_due(cast, recorded):
    due = pubmed_query(cast)
    fresh = services.saved_query_create(
        name="Fraîche", source="hal", query="PMSI", by=cast.data, refresh_hours=24
    )
    SavedQuery.objects.filter(pk=fresh.pk).update(
        last_refreshed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    runs = services.saved_queries_refresh_due()
    assert [r.saved_query for r in runs] == [due]
    assert services.saved_queries_refresh_due() == []  # already queued


@pytest.mark.django_db
def test_the_query_page_asks_a_curator_to_confirm_a_result_over_the_limit(cast, client, recorded):
    query = pubmed_query(cast, max_records=2)
    refresh(query)
    client.force_login(cast.data)
    pending = part(client, f"/publications/requetes/{query.pk}/", "pending", "</div>")
    assert "renvoie 3 notices, plus que la limite de 2" in pending
    assert f"/publications/requetes/{query.pk}/confirmer/" in pending

    response = client.post(f"/publications/requetes/{query.pk}/confirmer/")
    run = ImportRun.objects.filter(saved_query=query).latest("created_at")
    assert response.status_code == 302 and response["Location"] == run.job.get_absolute_url()
    job_run_inline(job=run.job)
    assert Publication.objects.count() == 3
    page = client.get(f"/publications/requetes/{query.pk}/").content.decode()
    assert 'data-testid="pending"' not in page


@pytest.mark.django_db
def test_the_query_page_names_what_stopped_the_last_refresh(cast, client, recorded):
    recorded.replace["pubmed_esearch.json"] = b'{"header": {"type": "esearch"}}'
    query = pubmed_query(cast)
    run = refresh(query)
    assert run.job.status == Job.Status.FAILED
    client.force_login(cast.data)
    page = client.get(f"/publications/requetes/{query.pk}/").content.decode()
    assert "AINS et SNDS" in page
    assert "la forme documentée par l&#x27;API" in page or "la forme documentée par l'API" in page


def test_beat_refreshes_saved_queries_through_a_registered_task():
    """The schedule the beat reads names the task a worker has registered."""
    from portal.celery import app

    app.loader.import_default_modules()  # what a beat or worker process does at start
    entry = app.conf.beat_schedule["bibliometrics-saved-queries"]
    assert entry["task"] == services.DUE_TASK
    assert entry["task"] in app.tasks
    assert entry["schedule"] <= 3600
    citations = app.conf.beat_schedule["bibliometrics-citations-weekly"]
    assert citations["task"] in app.tasks


@pytest.mark.django_db
def test_a_record_merged_by_a_refresh_names_its_query_in_the_readers_language(
    cast, recorded, client
):
    """The origin of a merge is stored as a code: the French worker used to store
    "requête AINS et SNDS", which English pages showed as it was."""
    existing = Publication.objects.create(
        doi="10.1002/pds.91000001", title="NSAID use in pregnancy", title_key="nsaid", source="ris"
    )
    refresh(pubmed_query(cast), by=cast.data)
    assert existing.merges.get().key == "doi"
    client.force_login(cast.data)
    french = page_in(client, "fr", f"/publications/{existing.pk}/")
    english = page_in(client, "en", f"/publications/{existing.pk}/")
    assert "« requête AINS et SNDS »" in french
    assert "query AINS et SNDS" in english and "requête" not in english


@pytest.mark.django_db
def test_merges_stored_in_french_before_the_codes_read_in_english_after_the_migration(cast, client):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("bibliometrics.migrations.0004_merge_origin_codes")
    publication = Publication.objects.create(doi="10.1/x", title="A record", title_key="a record")
    publication.merges.create(key="doi", value="10.1/x", source="pubmed", origin="requête SNDS")
    publication.merges.create(key="doi", value="10.1/y", source="ris", origin="export.ris")
    migration.to_codes(apps, None)
    client.force_login(cast.data)
    english = page_in(client, "en", f"/publications/{publication.pk}/")
    assert "query SNDS" in english and "requête" not in english and "export.ris" in english
    migration.to_words(apps, None)
    assert set(publication.merges.values_list("origin", flat=True)) == {
        "requête SNDS",
        "export.ris",
    }
