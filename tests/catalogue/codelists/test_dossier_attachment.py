"""A porteur attaches a version of a code list to the data their dossier requests; the
list's visibility then follows the dossier's, and the Guichet can propose a correction."""

import pytest

from catalogue.codelists.models import CodeList
from tests.access_requests.factories import make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_list(referentials, cast, client):
    client.force_login(cast.alice)
    client.post("/catalogue/listes/nouvelle/", {"name": "AVC", "items": "CIM10 I63 *"})
    return CodeList.objects.get()


def test_a_version_attached_to_requested_data_is_shown_on_the_dossier(cast, client, alice_list):
    dossier = make_draft(cast.alice, complete=False, member=cast.bob)
    answer = client.post(
        f"/dossiers/{dossier.reference}/donnees/",
        {"label": "DCIR", "justification": "Soins après l'AVC",
         "code_list_version": alice_list.latest.pk},
    )  # fmt: skip
    assert answer.status_code == 302, answer.content.decode()[:2000]
    item = dossier.requested_data.get()
    assert item.code_list_version == alice_list.latest
    alice_list.refresh_from_db()
    assert alice_list.dossier == dossier
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert f"{alice_list.get_absolute_url()}?version=1" in page

    # bob, on the team, now sees the list; charlie still does not
    client.force_login(cast.bob)
    assert client.get(alice_list.get_absolute_url()).status_code == 200
    client.force_login(cast.charlie)
    assert client.get(alice_list.get_absolute_url()).status_code == 404

    # the Guichet proposes a corrected version; the dossier keeps the one it was given
    client.force_login(cast.guichet)
    client.post(
        f"/catalogue/listes/{alice_list.pk}/modifier/",
        {"name": "AVC", "items": "CIM10 I63 *\nCIM10 I64 *", "comment": "AVC non précisé aussi"},
    )
    assert alice_list.latest.number == 2 and alice_list.latest.created_by == cast.guichet
    item.refresh_from_db()
    assert item.code_list_version.number == 1


def test_another_porteurs_list_cannot_be_attached(cast, client, alice_list):
    dossier = make_draft(cast.charlie, complete=False)
    client.force_login(cast.charlie)
    page = client.post(
        f"/dossiers/{dossier.reference}/donnees/",
        {"label": "DCIR", "justification": "x", "code_list_version": alice_list.latest.pk},
    )
    assert page.status_code == 200 and not dossier.requested_data.exists()
