"""Unread messages per user (home card, header, list) and the sectioned dossier form that
checks the study period and saves as you go."""

import pytest

from access_requests import home, services
from access_requests.models import Dossier
from tests.access_requests.factories import alice_dossier

pytestmark = pytest.mark.django_db


def test_unread_messages_show_on_the_list_header_and_home_until_read(cast, client):
    dossier = alice_dossier(cast, "submitted")
    services.message_post(dossier=dossier, by=cast.guichet, body="Pouvez-vous préciser ?")
    services.message_post(dossier=dossier, by=cast.guichet, body="Et joindre le CV ?")
    services.message_post(dossier=dossier, by=cast.alice, body="Ma propre question.")
    client.force_login(cast.alice)
    listing = client.get("/dossiers/").content.decode()
    assert f'data-testid="unread-{dossier.reference}"' in listing
    assert "2 messages non lus" in listing
    card = {c.title: c for c in home.cards(cast.alice)}["Mes dossiers"]
    assert [i.count for i in card.items if "non lu" in i.label] == [2]
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert page.count('data-testid="unread-message"') == 2
    # read once: gone everywhere for alice, still there for bob
    again = client.get("/dossiers/").content.decode()
    assert "messages non lus" not in again
    client.force_login(cast.bob)
    assert "3 messages non lus" in client.get("/dossiers/").content.decode()


def test_flash_messages_are_shown_once(cast, client):
    client.force_login(cast.alice)
    response = client.post("/dossiers/nouveau/", {"title": "Un titre", "route": "standard"})
    page = client.get(response["Location"]).content.decode()
    assert page.count("créé.") == 1


def test_the_form_has_sections_hints_and_an_error_summary_linking_to_fields(cast, client):
    client.force_login(cast.alice)
    page = client.get("/dossiers/nouveau/").content.decode()
    sections = ["Projet", "Méthode", "Données", "Équipe", "Pièces"]
    for number, (anchor, section) in enumerate(
        zip(["projet", "methode", "donnees", "equipe", "pieces"], sections, strict=True), 1
    ):
        assert f'id="section-{anchor}-legend">{number}. {section}</legend>' in page
    assert "publié au répertoire dès le dépôt" in page  # the title's hint
    response = client.post(
        "/dossiers/nouveau/",
        {
            "title": "",
            "route": "standard",
            "study_start": "2024-12-31",
            "study_end": "2020-01-01",
        },
    )
    page = response.content.decode()
    assert 'data-testid="error-summary"' in page
    assert 'href="#id_title"' in page and 'href="#id_study_end"' in page
    assert "précède son début" in page
    assert not Dossier.objects.exists()


def test_a_duration_too_short_for_the_period_is_refused(cast, client):
    client.force_login(cast.alice)
    response = client.post(
        "/dossiers/nouveau/",
        {
            "title": "Étude",
            "route": "standard",
            "study_start": "2020-01-01",
            "study_end": "2035-01-01",
            "duration_months": "12",
        },
    )
    assert "Allongez la durée" in response.content.decode()


def test_autosave_creates_the_draft_then_updates_it(cast, client):
    client.force_login(cast.alice)
    first = client.post("/dossiers/enregistrer/", {"title": "Brouillon au fil de l'eau"})
    dossier = Dossier.objects.get()
    assert dossier.owner == cast.alice
    assert f'name="autosave_reference" value="{dossier.reference}"' in first.content.decode()
    client.post(
        "/dossiers/enregistrer/",
        {
            "autosave_reference": dossier.reference,
            "title": "Brouillon au fil de l'eau",
            "objectives": "Décrire.",
            "study_start": "2024-12-31",
            "study_end": "2020-01-01",  # invalid: not saved, the rest is
        },
    )
    dossier.refresh_from_db()
    assert dossier.objectives == "Décrire." and dossier.study_end is None
    assert Dossier.objects.count() == 1
    client.force_login(cast.charlie)
    stolen = client.post(
        "/dossiers/enregistrer/", {"autosave_reference": dossier.reference, "title": "x"}
    )
    assert stolen.status_code == 404
