"""Deadlines: working days, the tacit CESREES opinion, the daily reminder."""

from datetime import date, timedelta

import pytest

from access_requests import services
from access_requests.models import Opinion, Status
from access_requests.tasks import daily_deadlines
from tests.access_requests.factories import alice_dossier, file_reports, make_draft

pytestmark = pytest.mark.django_db


def test_a_dossier_submitted_on_christmas_eve_is_due_on_6_january(cast):
    dossier = make_draft(cast.alice)
    dossier = services.dossier_transition(
        dossier=dossier, name="submit", by=cast.alice, today=date(2026, 12, 24)
    )
    assert dossier.submitted_on == date(2026, 12, 24)
    assert dossier.due_on == date(2027, 1, 6)


def test_the_completeness_delay_is_a_setting(cast, settings):
    settings.ACCESS_COMPLETENESS_WORKING_DAYS = 2
    dossier = services.dossier_transition(
        dossier=make_draft(cast.alice), name="submit", by=cast.alice, today=date(2026, 12, 24)
    )
    assert dossier.due_on == date(2026, 12, 29)  # Thu 24 → (Fri 25 holiday) Mon 28, Tue 29


def test_the_cesrees_has_one_month_and_the_cnil_two(cast):
    dossier = alice_dossier(cast, "admissible")
    from tests.access_requests.factories import second_rapporteur

    services.rapporteur_assign(dossier=dossier, rapporteur=cast.cesrees, by=cast.guichet)
    services.rapporteur_assign(dossier=dossier, rapporteur=second_rapporteur(), by=cast.guichet)
    dossier = services.dossier_transition(
        dossier=dossier, name="send_to_cesrees", by=cast.guichet, today=date(2027, 1, 31)
    )
    assert dossier.due_on == date(2027, 2, 28)
    file_reports(dossier, cast)
    dossier = services.dossier_opinion_file(dossier=dossier, by=cast.cesrees, opinion="favourable")
    dossier = services.dossier_transition(
        dossier=dossier, name="go_to_cnil", by=cast.alice, today=date(2027, 3, 10)
    )
    assert dossier.due_on == date(2027, 5, 10)


def test_the_opinion_is_tacitly_favourable_once_the_month_has_passed(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    dossier = alice_dossier(cast, "cesrees_review")
    due = dossier.due_on
    assert services.dossiers_apply_tacit_opinions(today=due) == []  # the last day is still open
    with django_capture_on_commit_callbacks(execute=True):
        done = services.dossiers_apply_tacit_opinions(today=due + timedelta(days=1))
    assert done == [dossier.reference]
    dossier.refresh_from_db()
    assert dossier.status == Status.CESREES_OPINION
    assert dossier.cesrees_opinion == Opinion.TACIT
    entry = dossier.history.last()
    assert entry.actor is None and "tacite" in entry.comment
    assert any("alice@example.org" in m.recipients() for m in mailoutbox)
    # the porteur then decides, as after any opinion
    assert services.may_act(cast.alice, dossier, "go_to_cnil")


def test_nobody_may_file_a_tacit_opinion_by_hand(cast):
    dossier = alice_dossier(cast, "cesrees_review")
    with pytest.raises(services.DossierError):
        services.dossier_opinion_file(dossier=dossier, by=cast.cesrees, opinion=Opinion.TACIT)


def test_the_daily_task_reminds_the_guichet_of_what_is_due_within_three_days(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    soon = alice_dossier(cast, "completeness_check", title="Bientôt dû")
    later = alice_dossier(cast, "completeness_check", title="Plus tard")
    today = timezone.localdate()
    type(soon).objects.filter(pk=soon.pk).update(due_on=today + timedelta(days=2))
    type(later).objects.filter(pk=later.pk).update(due_on=today + timedelta(days=10))
    with django_capture_on_commit_callbacks(execute=True):
        result = daily_deadlines()
    assert result["reminded"] == [soon.reference]
    reminder = [m for m in mailoutbox if "échéance" in m.subject][0]
    assert "guichet@example.org" in reminder.recipients()
    assert soon.reference in reminder.body and later.reference not in reminder.body


def test_overdue_dossiers_stand_out(cast, client):
    dossier = alice_dossier(cast, "completeness_check")
    type(dossier).objects.filter(pk=dossier.pk).update(due_on=date(2020, 1, 2))
    client.force_login(cast.guichet)
    assert 'data-testid="overdue"' in client.get(dossier.get_absolute_url()).content.decode()
    listing = client.get("/dossiers/").content.decode()
    assert "hdh-overdue" in listing
    dashboard = client.get("/dossiers/tableau-de-bord/")
    assert dossier.reference in dashboard.content.decode()
