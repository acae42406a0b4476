"""The audit trail has no gaps: reads of documents and outputs, API writes, tokens, edits."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from access_requests.forms import DossierForm
from portal.models import AuditEntry
from tests.access_requests.factories import alice_dossier

pytestmark = pytest.mark.django_db


def _entries(action: str):
    return AuditEntry.objects.filter(action=action).order_by("pk")


def test_a_document_download_is_audited_with_who_and_which(cast, client):
    dossier = alice_dossier(cast)
    document = dossier.documents.get(kind="protocol")
    client.force_login(cast.bob)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    b"".join(response.streaming_content)
    entry = _entries("dossier.document_download").get()
    assert entry.actor == cast.bob
    assert entry.target_id == str(dossier.pk)
    assert entry.changes["document"] == document.pk
    assert entry.changes["version"] == document.version


def test_charlie_gets_a_404_and_leaves_no_download_trace(cast, client):
    dossier = alice_dossier(cast)
    client.force_login(cast.charlie)
    assert client.get(dossier.documents.get(kind="protocol").get_absolute_url()).status_code == 404
    assert not _entries("dossier.document_download").exists()


def test_a_web_dossier_edit_records_the_real_before_and_after(cast, client):
    dossier = alice_dossier(cast, title="Parcours après AVC")
    client.force_login(cast.alice)
    data = {
        k: ("" if v is None else v)
        for k, v in model_to_dict(dossier, fields=DossierForm.Meta.fields).items()
    }
    data["title"] = "Parcours après un AVC ischémique"
    response = client.post(f"/dossiers/{dossier.reference}/modifier/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = _entries("dossier.update").last()
    assert entry.changes == {"title": ["Parcours après AVC", "Parcours après un AVC ischémique"]}


def test_an_omop_output_download_is_audited(cast, client):
    from tests.omop.job_factories import finished

    etl_job = finished()
    etl_job.output_dir.mkdir(parents=True)
    (etl_job.output_dir / "person.csv").write_text("person_id\n1\n")
    client.force_login(cast.data)
    for url in (f"/omop/jobs/{etl_job.pk}/download/", f"/api/omop/jobs/{etl_job.pk}/download/"):
        response = client.get(url)
        assert response.status_code == 200
        b"".join(response.streaming_content)
    entries = list(_entries("omop.output_download"))
    assert [e.actor for e in entries] == [cast.data, cast.data]
    assert entries[0].target_id == str(etl_job.pk)


def test_catalogue_api_writes_are_audited_with_before_and_after(cast, client):
    client.force_login(cast.data)
    created = client.post(
        "/api/catalogue/databases/",
        {"acronym": "EGB", "name": "Échantillon généraliste"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert _entries("catalogue.database_create").get().actor == cast.data

    changed = client.patch(
        "/api/catalogue/databases/EGB/",
        {"name": "Échantillon généraliste des bénéficiaires"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    update = _entries("catalogue.database_update").get()
    assert update.changes == {
        "name": ["Échantillon généraliste", "Échantillon généraliste des bénéficiaires"]
    }

    assert client.delete("/api/catalogue/databases/EGB/").status_code == 204
    assert _entries("catalogue.database_delete").get().target_repr.startswith("EGB")


def test_api_token_issuance_is_audited_without_the_key(cast, client):
    # a porteur: staff also give their second factor (tests/portal/test_two_factor.py)
    response = client.post("/api/auth/token/", {"username": "alice", "password": cast.password})
    token = response.json()["token"]
    entry = _entries("api_token.issue").get()
    assert entry.actor == cast.alice
    assert token not in str(entry.changes) and token not in entry.target_repr


def test_a_refused_token_request_issues_nothing(cast, client):
    response = client.post("/api/auth/token/", {"username": "data", "password": "wrong"})
    assert response.status_code == 400
    assert not _entries("api_token.issue").exists()
