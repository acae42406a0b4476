"""The step indicator: the route's steps, who acts next and by when, in working days."""

from datetime import date

import pytest

from access_requests import services
from access_requests.models import Route
from access_requests.progress import dossier_progress
from tests.access_requests.factories import alice_dossier, make_draft

pytestmark = pytest.mark.django_db


def test_the_standard_route_has_seven_steps_and_a_simplified_one_five(cast):
    standard = dossier_progress(make_draft(cast.alice), cast.alice)
    simplified = dossier_progress(make_draft(cast.alice, route=Route.MR004), cast.alice)
    assert [s.label for s in standard.steps] == [
        "Dépôt",
        "Complétude",
        "CESREES",
        "CNIL",
        "Convention",
        "Mise à disposition",
        "Clôture",
    ]
    assert [s.label for s in simplified.steps] == [
        "Dépôt",
        "Complétude",
        "Convention",
        "Mise à disposition",
        "Clôture",
    ]


def test_after_submission_the_guichet_checks_before_a_date_in_working_days(cast):
    dossier = services.dossier_transition(
        dossier=make_draft(cast.alice), name="submit", by=cast.alice, today=date(2026, 12, 2)
    )
    seen_by_alice = dossier_progress(dossier, cast.alice, today=date(2026, 12, 2))
    assert seen_by_alice.current == 2 and seen_by_alice.current_label == "Complétude"
    assert seen_by_alice.action == "Guichet : vérification avant le 11/12/2026"
    assert seen_by_alice.working_days_left == 7 and not seen_by_alice.yours
    seen_by_guichet = dossier_progress(dossier, cast.guichet, today=date(2026, 12, 2))
    assert seen_by_guichet.action == "À vous : vérification avant le 11/12/2026"
    late = dossier_progress(dossier, cast.guichet, today=date(2026, 12, 15))
    assert late.late and late.days_late == 2


def test_complements_requested_give_the_porteur_a_due_date(cast, settings):
    settings.ACCESS_COMPLEMENTS_WORKING_DAYS = 10
    dossier = alice_dossier(cast, "completeness_check")
    dossier = services.dossier_transition(
        dossier=dossier,
        name="request_complements",
        by=cast.guichet,
        items="CV du porteur",
        today=date(2026, 12, 2),
    )
    progress = dossier_progress(dossier, cast.alice, today=date(2026, 12, 2))
    assert progress.action == "À vous : compléments demandés avant le 16/12/2026"
    assert progress.yours


def test_a_withdrawn_dossier_stays_at_the_step_where_it_stopped(cast):
    dossier = alice_dossier(cast, "completeness_check")
    dossier = services.dossier_withdraw(dossier=dossier, by=cast.alice)
    progress = dossier_progress(dossier, cast.alice)
    assert progress.finished and progress.current_label == "Complétude"
    assert progress.action == "Procédure terminée : Retiré"


def test_the_dossier_page_shows_the_stepper_and_the_next_move(cast, client):
    dossier = alice_dossier(cast, "submitted")
    client.force_login(cast.alice)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert 'data-fr-current-step="2"' in page and 'data-fr-steps="7"' in page
    assert "Guichet : vérification avant le" in page
