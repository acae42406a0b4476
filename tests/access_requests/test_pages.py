"""The porteur's pages: create, edit, request data, build the team."""

import pytest

from access_requests.models import Dossier, TeamMember
from portal.models import AuditEntry
from tests.access_requests.factories import alice_dossier

pytestmark = pytest.mark.django_db


def test_alice_creates_a_draft_and_edits_it(cast, client):
    client.force_login(cast.alice)
    response = client.post(
        "/dossiers/nouveau/",
        {"title": "Suivi des prothèses de hanche", "route": "standard", "data_controller": "CHU"},
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == dossier.get_absolute_url()
    assert dossier.owner == cast.alice and dossier.reference.startswith("HDH-")
    client.post(
        f"/dossiers/{dossier.reference}/modifier/",
        {
            "title": "Suivi des prothèses de hanche",
            "route": "mr004",
            "data_controller": "CHU de Lille",
        },
    )
    dossier.refresh_from_db()
    assert dossier.route == "mr004" and dossier.data_controller == "CHU de Lille"


def test_alice_requests_a_catalogue_table(cast, client):
    from catalogue.models import Database, Table

    table = Table.objects.create(
        database=Database.objects.create(acronym="PMSI", name="PMSI"), name="T_MCO_B"
    )
    dossier = alice_dossier(cast, complete=False)
    client.force_login(cast.alice)
    response = client.post(
        f"/dossiers/{dossier.reference}/donnees/",
        {"table": table.pk, "justification": "Séjours hospitaliers."},
    )
    assert response.status_code == 302
    item = dossier.requested_data.get()
    assert item.table == table and item.database == table.database
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "PMSI — T_MCO_B" in page


def test_a_request_without_justification_is_refused(cast, client):
    dossier = alice_dossier(cast, complete=False)
    client.force_login(cast.alice)
    response = client.post(f"/dossiers/{dossier.reference}/donnees/", {"label": "DCIR"})
    assert response.status_code == 200 and not dossier.requested_data.exists()


def test_alice_adds_charlie_read_only_and_he_then_sees_the_dossier(cast, client):
    dossier = alice_dossier(cast)
    client.force_login(cast.alice)
    client.post(
        f"/dossiers/{dossier.reference}/equipe/", {"username": "charlie", "role": "read_only"}
    )
    assert TeamMember.objects.get(dossier=dossier, user=cast.charlie).role == "read_only"
    client.force_login(cast.charlie)
    assert client.get(dossier.get_absolute_url()).status_code == 200
    assert client.get(f"/dossiers/{dossier.reference}/modifier/").status_code == 403


def test_staff_accounts_cannot_join_a_team(cast, client):
    dossier = alice_dossier(cast)
    client.force_login(cast.alice)
    response = client.post(
        f"/dossiers/{dossier.reference}/equipe/", {"username": "guichet", "role": "member"}
    )
    unknown = client.post(
        f"/dossiers/{dossier.reference}/equipe/", {"username": "nobody", "role": "member"}
    )
    # Refused with the answer an unknown name gets: who is staff is not told.
    assert response.status_code == unknown.status_code != 302
    assert not dossier.team.filter(user=cast.guichet).exists()


def test_a_submitted_dossier_is_no_longer_editable(cast, client):
    dossier = alice_dossier(cast, "submitted")
    client.force_login(cast.alice)
    assert client.get(f"/dossiers/{dossier.reference}/modifier/").status_code == 403


def test_alice_removes_bob_from_the_team_and_he_loses_the_dossier(cast, client):
    dossier = alice_dossier(cast)
    member = dossier.team.get(user=cast.bob)
    client.force_login(cast.alice)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert 'data-testid="team-remove-bob"' in page
    url = f"/dossiers/{dossier.reference}/equipe/{member.pk}/retirer/"
    confirm = client.get(url).content.decode()  # says what will happen, removes nothing
    assert "ne verra plus ce dossier" in confirm and dossier.team.filter(user=cast.bob).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not dossier.team.filter(user=cast.bob).exists()
    assert AuditEntry.objects.filter(action="dossier.team_remove").exists()
    client.force_login(cast.bob)
    assert client.get(dossier.get_absolute_url()).status_code == 404


def test_bob_as_a_plain_member_cannot_remove_anyone(cast, client):
    dossier = alice_dossier(cast)
    member = dossier.team.get(user=cast.bob)
    client.force_login(cast.bob)
    assert (
        'data-testid="team-remove-bob"'
        not in client.get(dossier.get_absolute_url()).content.decode()
    )
    response = client.post(f"/dossiers/{dossier.reference}/equipe/{member.pk}/retirer/")
    assert response.status_code == 403
    assert dossier.team.filter(user=cast.bob).exists()
