"""The guichet's queue, the steps it cannot take yet, and the rapporteur picker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access_requests import services
from access_requests.models import ConflictOfInterest, Dossier
from tests.access_requests.factories import alice_dossier, second_rapporteur

pytestmark = pytest.mark.django_db


def test_the_queue_lists_what_is_the_guichets_late_first(cast, client):
    on_time = alice_dossier(cast, "submitted", title="À l'heure")
    late = alice_dossier(cast, "completeness_check", title="En retard")
    Dossier.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    alice_dossier(cast, "cesrees_review", title="Au CESREES")  # the committee's turn
    alice_dossier(cast, title="Brouillon")  # the porteur's turn
    client.force_login(cast.guichet)
    page = client.get("/dossiers/a-traiter/").content.decode()
    assert page.index(late.reference) < page.index(on_time.reference)
    assert "Au CESREES" not in page and "Brouillon" not in page
    assert "en retard de" in page


def test_send_to_cesrees_is_shown_disabled_with_the_rapporteurs_count(cast, client):
    dossier = alice_dossier(cast, "admissible")
    services.rapporteur_assign(dossier=dossier, rapporteur=cast.cesrees, by=cast.guichet)
    client.force_login(cast.guichet)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert 'data-action="send_to_cesrees"' in page
    assert "Désignez 2 rapporteurs (1/2)" in page
    queue = client.get("/dossiers/a-traiter/").content.decode()
    assert "Désignez 2 rapporteurs (1/2)" in queue


def test_the_picker_shows_full_names_workload_conflicts_and_not_those_assigned(
    cast, client, django_user_model
):
    cast.cesrees.last_name = "Martin"
    cast.cesrees.save()
    rapporteur2 = second_rapporteur()
    rapporteur2.first_name, rapporteur2.last_name = "Rémi", "Durand"
    rapporteur2.save()
    ConflictOfInterest.objects.create(rapporteur=rapporteur2, organisation="AP-HP")
    other = alice_dossier(cast, "completeness_check", title="Autre")
    services.rapporteur_assign(dossier=other, rapporteur=rapporteur2, by=cast.guichet)
    dossier = alice_dossier(cast, "admissible")  # its data controller is the AP-HP
    services.rapporteur_assign(dossier=dossier, rapporteur=cast.cesrees, by=cast.guichet)
    client.force_login(cast.guichet)
    page = client.get(f"/dossiers/{dossier.reference}/rapporteurs/").content.decode()
    assert "Céline Martin" not in page  # already assigned here
    assert "Rémi Durand — 1 dossier(s) ce mois-ci, 1 au total" in page
    assert "AP-HP (concerne ce dossier)" in page
    assert "rapporteur2" not in page  # full names, not usernames
