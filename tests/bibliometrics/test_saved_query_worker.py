"""A saved PubMed query refreshed from the portal by a real Celery worker.

The worker is a separate process: it reaches "PubMed" over HTTP at a server on 127.0.0.1
that this test starts (``BIBLIO_PUBMED_URL``), never the network.
"""

from __future__ import annotations

import pytest

from bibliometrics import services
from bibliometrics.models import Publication
from portal.models import Job
from tests.bibliometrics.recorded import PubMedServer
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def pubmed():
    """The local PubMed, its address in the environment the worker process inherits."""
    with PubMedServer() as server, pytest.MonkeyPatch.context() as env:
        env.setenv("BIBLIO_PUBMED_URL", server.url)
        yield server


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    """The flush of a transactional test drops the role groups: put them back for ``cast``."""
    from django.contrib.auth.models import Group

    from portal.roles import sync_role_groups

    sync_role_groups(Group)


def finished(client, job_id) -> dict:
    return wait_for(
        lambda: (
            (j := client.get(f"/api/jobs/{job_id}/").json())["status"] in ("succeeded", "failed")
            and j
        ),
        timeout=120,
        message="the refresh did not finish",
    )


def start_refresh(client, query) -> str:
    before = set(Job.objects.values_list("pk", flat=True))
    response = client.post(f"/publications/requetes/{query.pk}/rafraichir/")
    assert response.status_code == 302
    (job_id,) = set(Job.objects.values_list("pk", flat=True)) - before
    return str(job_id)


def test_a_curator_refreshes_a_saved_query_and_the_worker_applies_new_changed_and_deleted(
    pubmed, celery_worker, cast, client
):
    query = services.saved_query_create(
        name="AINS et SNDS", source="pubmed", query="NSAID AND SNDS", by=cast.data
    )
    client.force_login(cast.data)

    # First refresh: PubMed answers two records.
    pubmed.served = ["91000001", "91000002"]
    job = finished(client, start_refresh(client, query))
    assert job["status"] == "succeeded", job["error"]
    assert job["progress"] == 100
    assert (job["result"]["new"], job["result"]["updated"], job["result"]["deleted"]) == (2, 0, 0)
    assert Publication.objects.get(pmid="91000001").relevant
    assert not Publication.objects.get(pmid="91000002").relevant  # the dendritic-cell DCIR

    # Then PubMed has a new record, a corrected abstract, and no longer knows 91000002.
    pubmed.articles["91000001"] = pubmed.articles["91000001"].replace(
        b"1.8 million pregnancies", b"1.9 million pregnancies"
    )
    del pubmed.articles["91000002"]
    pubmed.served = ["91000001", "91000003"]
    pubmed.hold_next("esummary")
    job_id = start_refresh(client, query)
    assert pubmed.held.wait(timeout=60), "the worker never asked PubMed about the vanished PMID"
    running = client.get(f"/api/jobs/{job_id}/").json()
    assert running["status"] == "running"
    assert 0 < running["progress"] < 100
    assert "2 / 2 notices de AINS et SNDS" in running["message"]
    pubmed.release.set()
    job = finished(client, job_id)
    assert job["status"] == "succeeded", job["error"]
    assert (job["result"]["new"], job["result"]["updated"], job["result"]["deleted"]) == (1, 1, 1)
    assert "1.9 million" in Publication.objects.get(pmid="91000001").abstract
    assert Publication.objects.filter(pmid="91000003", relevant=True).exists()
    assert not Publication.objects.filter(pmid="91000002").exists()

    # A re-run with nothing changed at PubMed imports nothing.
    pubmed.hold_next(None)
    job = finished(client, start_refresh(client, query))
    assert job["status"] == "succeeded", job["error"]
    assert (job["result"]["new"], job["result"]["updated"], job["result"]["deleted"]) == (0, 0, 0)
    assert job["result"]["duplicate"] == 2
    assert Publication.objects.count() == 2
    query.refresh_from_db()
    assert sorted(query.seen_ids) == ["91000001", "91000003"]
    assert pubmed.requests.count("efetch") == 3  # one batch per refresh: nothing from the network


def test_someone_without_the_curator_role_cannot_start_a_refresh(cast, client):
    query = services.saved_query_create(
        name="AINS et SNDS", source="pubmed", query="NSAID AND SNDS", by=cast.data
    )
    client.force_login(cast.alice)
    response = client.post(f"/publications/requetes/{query.pk}/rafraichir/")
    assert response.status_code == 403  # a staff page: refused, like every curator page
    assert not Job.objects.exists()
