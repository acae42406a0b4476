"""The public directory: from submission on, open data, never private content."""

import csv
import io

import pytest

from access_requests import services
from access_requests.models import Message, Route
from tests.access_requests.factories import alice_dossier, make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(cast):
    dossier = alice_dossier(cast, "cesrees_opinion", title="Parcours après AVC")
    services.message_post(
        dossier=dossier, by=cast.guichet, body="NOTE-INTERNE-SECRETE", kind=Message.Kind.INTERNAL
    )
    services.message_post(dossier=dossier, by=cast.alice, body="MESSAGE-PRIVE")
    return dossier


def test_anonymous_visitors_find_submitted_projects_but_not_drafts(cast, client, published):
    draft = make_draft(cast.charlie, title="Brouillon de Charlie")
    page = client.get("/dossiers/repertoire/").content.decode()
    assert published.reference in page
    assert draft.reference not in page
    assert client.get(f"/dossiers/repertoire/{draft.reference}/").status_code == 404
    detail = client.get(f"/dossiers/repertoire/{published.reference}/").content.decode()
    assert "Parcours après AVC" in detail and "AP-HP" in detail


def test_it_never_shows_notes_documents_or_people(cast, client, published):
    pages = [
        client.get("/dossiers/repertoire/").content.decode(),
        client.get(f"/dossiers/repertoire/{published.reference}/").content.decode(),
        client.get("/dossiers/repertoire/export.csv").content.decode(),
        client.get("/dossiers/repertoire/export.json").content.decode(),
        client.get("/api/dossiers/repertoire/").content.decode(),
        client.get(f"/api/dossiers/repertoire/{published.reference}/").content.decode(),
    ]
    for content in pages:
        for secret in (
            "NOTE-INTERNE-SECRETE",
            "MESSAGE-PRIVE",
            "alice",
            "bob@",
            "protocole",
            "/documents/",
        ):
            assert secret not in content


def test_csv_and_json_downloads_follow_the_filters(cast, client, published):
    registered = make_draft(cast.charlie, title="Dispositifs implantables", route=Route.MR004)
    services.dossier_submit(dossier=registered, by=cast.charlie)
    services.dossier_transition(dossier=registered, name="start_check", by=cast.guichet)
    services.dossier_transition(dossier=registered, name="register", by=cast.guichet)

    response = client.get("/dossiers/repertoire/export.csv", {"route": "mr004"})
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["reference"] for r in rows] == [registered.reference]
    assert rows[0]["status"] == "registered" and rows[0]["requested_data"] == "DCIR"

    data = client.get("/dossiers/repertoire/export.json", {"q": "AVC"}).json()
    assert [d["reference"] for d in data] == [published.reference]
    assert data[0]["cesrees_opinion_on"] and data[0]["submitted_on"]


def test_requested_data_link_to_the_catalogue(cast, client):
    from catalogue.models import Database, Table

    dcir = Database.objects.create(acronym="DCIR", name="Datamart de consommation inter-régimes")
    table = Table.objects.create(database=dcir, name="ER_PRS_F")
    dossier = make_draft(cast.alice, complete=False)
    item = services.requested_data_add(
        dossier=dossier, by=cast.alice, table=table, justification="Prestations de ville."
    )
    assert item.database == dcir  # the table's database is implied
    from tests.access_requests.factories import pdf_upload

    for kind in ("protocol", "impact_assessment"):
        services.document_add(dossier=dossier, by=cast.alice, kind=kind, upload=pdf_upload())
    services.dossier_submit(dossier=dossier, by=cast.alice)
    page = client.get(f"/dossiers/repertoire/{dossier.reference}/").content.decode()
    assert table.get_absolute_url() in page and "ER_PRS_F" in page
    data = client.get("/dossiers/repertoire/export.json").json()
    assert data[0]["requested_data"] == [
        {"name": "DCIR — ER_PRS_F", "catalogue_url": table.get_absolute_url()}
    ]


def test_results_are_published_once_the_project_runs(cast, client):
    dossier = alice_dossier(cast, "in_progress")
    with pytest.raises(services.ActionForbidden):
        services.results_publish(dossier=dossier, by=cast.charlie, summary="x")
    services.results_publish(
        dossier=dossier, by=cast.alice, summary="Baisse de 12 % des réhospitalisations."
    )
    assert (
        "Baisse de 12 %"
        in client.get(f"/dossiers/repertoire/{dossier.reference}/").content.decode()
    )
