"""Charlie never reaches alice's dossier: page, API, search, documents, export."""

import pytest

from access_requests.models import Message
from access_requests.selectors import dossiers_visible_to
from access_requests.services import document_add, message_post
from tests.access_requests.factories import alice_dossier, make_draft, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(cast):
    return alice_dossier(cast, "submitted", title="Cohorte confidentielle AVC")


def test_it_hides_alices_dossier_from_charlie_everywhere(cast, client, dossier):
    document = dossier.documents.get(kind="protocol")
    client.force_login(cast.charlie)
    assert client.get(f"/dossiers/{dossier.reference}/").status_code == 404
    assert client.get(document.get_absolute_url()).status_code == 404
    assert client.get(f"/api/dossiers/dossiers/{dossier.reference}/").status_code == 404
    assert client.get(f"/api/dossiers/dossiers/{dossier.reference}/documents/").status_code == 404
    listing = client.get("/dossiers/", {"q": "confidentielle"})
    assert dossier.reference not in listing.content.decode()
    api_search = client.get("/api/dossiers/dossiers/", {"q": "confidentielle"}).json()
    assert api_search["count"] == 0
    export = client.get("/dossiers/export.csv").content.decode()
    assert dossier.reference not in export


def test_alice_and_bob_see_it_and_its_document(cast, client, dossier):
    document = dossier.documents.get(kind="protocol")
    for user in (cast.alice, cast.bob):
        client.force_login(user)
        assert client.get(f"/dossiers/{dossier.reference}/").status_code == 200
        response = client.get(document.get_absolute_url())
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert dossier.reference in client.get("/dossiers/export.csv").content.decode()


def test_charlie_sees_his_own_dossier_only(cast):
    mine = make_draft(cast.charlie, title="Dossier de Charlie")
    alice_dossier(cast)
    assert list(dossiers_visible_to(cast.charlie)) == [mine]


def test_each_role_sees_what_it_should(cast, django_user_model):
    draft = alice_dossier(cast, title="Brouillon")
    review = alice_dossier(cast, "cesrees_review", title="En examen")
    authorised = alice_dossier(cast, "authorised", title="Autorisé")
    visible = {
        name: set(dossiers_visible_to(cast[name]))
        for name in ("guichet", "admin", "cesrees", "projets", "data", "bob")
    }
    assert visible["guichet"] == visible["admin"] == {draft, review, authorised}
    assert visible["cesrees"] == {review, authorised}  # assigned to both
    assert visible["projets"] == {authorised}
    assert visible["data"] == set()
    assert visible["bob"] == {draft, review, authorised}
    from django.contrib.auth.models import AnonymousUser

    assert not dossiers_visible_to(AnonymousUser()).exists()


def test_internal_notes_and_reports_stay_internal(cast, client, dossier):
    message_post(
        dossier=dossier,
        by=cast.guichet,
        body="Note : vérifier le financement",
        kind=Message.Kind.INTERNAL,
    )
    message_post(dossier=dossier, by=cast.guichet, body="Merci pour votre dépôt.")
    client.force_login(cast.alice)
    page = client.get(f"/dossiers/{dossier.reference}/").content.decode()
    assert "Merci pour votre dépôt." in page
    assert "vérifier le financement" not in page
    api = client.get(f"/api/dossiers/dossiers/{dossier.reference}/messages/").json()
    assert [m["body"] for m in api] == ["Merci pour votre dépôt."]
    client.force_login(cast.guichet)
    assert (
        "vérifier le financement" in client.get(f"/dossiers/{dossier.reference}/").content.decode()
    )


def test_a_porteur_cannot_write_an_internal_note(cast, client, dossier):
    client.force_login(cast.alice)
    response = client.post(
        f"/dossiers/{dossier.reference}/messages/", {"body": "note", "kind": "internal"}
    )
    assert response.status_code == 403
    assert not dossier.messages.exists()


def test_documents_are_stored_outside_the_web_root(cast, settings, dossier):
    from pathlib import Path

    document = document_add(dossier=dossier, by=cast.alice, kind="cv", upload=pdf_upload("cv.pdf"))
    path = Path(document.file.path)
    assert path.is_relative_to(Path(settings.PRIVATE_ROOT))
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert not path.is_relative_to(Path(settings.STATIC_ROOT))
