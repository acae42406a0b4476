"""Dashboards, home cards and the demo data."""

import io
from datetime import date

import pytest

from access_requests import home, services
from access_requests.demo import seed
from access_requests.models import Dossier, Status
from access_requests.stats import median_step_durations
from tests.access_requests.factories import alice_dossier, make_draft

pytestmark = pytest.mark.django_db


def test_median_working_days_per_step(cast):
    a = alice_dossier(cast, "admissible", title="A")
    b = alice_dossier(cast, "admissible", title="B")
    Dossier.objects.filter(pk=a.pk).update(
        submitted_on=date(2026, 12, 24), admissible_on=date(2027, 1, 6)
    )
    Dossier.objects.filter(pk=b.pk).update(
        submitted_on=date(2027, 1, 4), admissible_on=date(2027, 1, 7)
    )
    medians = median_step_durations(Dossier.objects.all())
    assert medians["completeness"] == 5  # (7 + 3) / 2
    assert medians["cnil"] is None


def test_the_dashboard_counts_by_status_route_and_year(cast, client):
    alice_dossier(cast, "submitted")
    make_draft(cast.charlie, complete=False)
    client.force_login(cast.guichet)
    response = client.get("/dossiers/tableau-de-bord/")
    statuses = {row["status"]: row["n"] for row in response.context["by_status"]}
    assert statuses == {"draft": 1, "submitted": 1}
    assert response.context["by_year"][0]["n"] == 1


def test_projets_dashboard_counts_only_followed_projects(cast, client):
    alice_dossier(cast, "submitted")
    alice_dossier(cast, "authorised", title="Autorisé")
    client.force_login(cast.projets)
    response = client.get("/dossiers/tableau-de-bord/")
    assert response.context["total"] == 1


def _counts(cards):
    return {card.title: [item.count for item in card.items] for card in cards}


def test_home_cards_say_what_waits_for_each_role(cast):
    alice_dossier(cast, "submitted", title="À vérifier")
    waiting = alice_dossier(cast, "completeness_check", title="Compléments")
    services.dossier_complements_request(dossier=waiting, by=cast.guichet, items="CV")
    alice_dossier(cast, "cesrees_review", title="En examen")
    alice_dossier(cast, "authorised", title="Autorisé")
    assert _counts(home.cards(cast.alice))["Mes dossiers"] == [1, 4, 0]  # 0 unread messages
    # to do (the queue), to check, late, unread messages
    assert _counts(home.cards(cast.guichet))["Instruction des dossiers"] == [1, 1, 0, 0]
    assert _counts(home.cards(cast.cesrees))["CESREES"] == [1, 0]
    assert _counts(home.cards(cast.projets))["Projets à suivre"] == [1, 0]
    assert home.cards(cast.data) == []
    assert _counts(home.cards(cast.charlie))["Mes dossiers"] == [0, 0, 0]


def test_seed_demo_adds_dossiers_in_several_states_and_is_idempotent(cast):
    users = {
        name: cast[name]
        for name in ("alice", "bob", "charlie", "data", "guichet", "cesrees", "projets", "admin")
    }
    seed(users=users, stdout=io.StringIO())
    first = Dossier.objects.count()
    seed(users=users, stdout=io.StringIO())
    assert Dossier.objects.count() == first == 6
    owners = set(Dossier.objects.values_list("owner__username", flat=True))
    assert owners == {"alice", "charlie"}
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {
        Status.DRAFT,
        Status.IN_PROGRESS,
        Status.COMPLEMENTS_REQUESTED,
        Status.REGISTERED,
        Status.CESREES_REVIEW,
    } <= statuses
