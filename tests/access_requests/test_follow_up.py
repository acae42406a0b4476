"""The projects directorate's follow-up: authorisation expiry, convention, data delivery,
results due, reminders before expiry, and closing with the results link."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from access_requests import services
from access_requests.models import Dossier, Status
from access_requests.tasks import follow_up_reminders
from portal.models import AuditEntry
from tests.access_requests.factories import alice_dossier

pytestmark = pytest.mark.django_db


def test_the_authorisation_runs_for_the_projects_duration_unless_the_cnil_says(cast):
    dossier = alice_dossier(cast, "cnil_review")  # a 24-month project
    dossier = services.dossier_transition(
        dossier=dossier, name="authorise", by=cast.guichet, today=date(2026, 12, 2)
    )
    assert dossier.authorisation_expires_on == date(2028, 12, 2)
    other = alice_dossier(cast, "cnil_review", title="Autre")
    other = services.dossier_transition(
        dossier=other,
        name="authorise",
        by=cast.guichet,
        today=date(2026, 12, 2),
        expires_on=date(2027, 6, 30),
    )
    assert other.authorisation_expires_on == date(2027, 6, 30)


def test_the_page_shows_the_dates_of_an_authorised_project(cast, client):
    dossier = alice_dossier(cast, "data_available")
    client.force_login(cast.projets)
    page = client.get(dossier.get_absolute_url()).content.decode()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert 'data-testid="follow-up"' in page
    assert "Fin de validité de l'autorisation" in page
    assert "Bulle HDH n° 42" in page and today in page
    assert dossier.agreement_signed_on and dossier.data_delivered_on and dossier.results_due_on


def test_data_delivery_needs_the_workspace(cast):
    dossier = alice_dossier(cast, "agreement_signed")
    with pytest.raises(services.DossierError, match="espace projet"):
        services.dossier_transition(dossier=dossier, name="make_data_available", by=cast.projets)


def test_closing_asks_for_the_results_link_and_the_directory_shows_it(cast, client):
    dossier = alice_dossier(cast, "in_progress")
    client.force_login(cast.projets)
    url = f"/dossiers/{dossier.reference}/etapes/close/"
    form = client.get(url).content.decode()
    assert "Lien vers les résultats" in form and "publié au répertoire public" in form
    refused = client.post(url, {"results_url": "", "confirmed": "1"})
    assert refused.status_code == 200
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS
    confirm = client.post(url, {"results_url": "https://doi.org/10.1000/xyz"})
    assert 'data-testid="confirm"' in confirm.content.decode()
    client.post(url, {"results_url": "https://doi.org/10.1000/xyz", "confirmed": "1"})
    dossier.refresh_from_db()
    assert dossier.status == Status.CLOSED and dossier.results_url == "https://doi.org/10.1000/xyz"
    client.logout()
    public = client.get(f"/dossiers/repertoire/{dossier.reference}/").content.decode()
    assert 'href="https://doi.org/10.1000/xyz"' in public


def test_reminders_come_once_before_the_authorisation_expires(
    cast, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.ACCESS_FOLLOW_UP_REMINDER_DAYS = 30
    dossier = alice_dossier(cast, "data_available")
    soon = timezone.localdate() + timedelta(days=20)
    Dossier.objects.filter(pk=dossier.pk).update(
        authorisation_expires_on=soon, results_due_on=soon + timedelta(days=200)
    )
    alice_dossier(cast, "data_available", title="Loin")  # expires in 24 months
    with django_capture_on_commit_callbacks(execute=True):
        sent = follow_up_reminders.delay().get()
    assert sent == [f"{dossier.reference}:authorisation_expires_on"]
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert soon.strftime("%d/%m/%Y") in mail.subject and dossier.reference in mail.subject
    assert {"alice@example.org", "bob@example.org", "projets@example.org"} <= set(mail.bcc)
    assert follow_up_reminders.delay().get() == []  # once
    assert AuditEntry.objects.filter(action="dossier.follow_up_remind").count() == 1


def test_the_reminder_task_is_scheduled_by_celery_beat(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert any(e["task"] == "access_requests.follow_up_reminders" for e in schedule.values())


def test_the_public_directory_detail_shows_purpose_opinion_decision_and_results(cast, client):
    dossier = alice_dossier(cast, "in_progress")
    services.results_publish(dossier=dossier, by=cast.alice, summary="Trois articles publiés.")
    page = client.get(f"/dossiers/repertoire/{dossier.reference}/").content.decode()
    assert "Décrire les parcours." in page  # purpose
    assert "Améliorer la prise en charge après un AVC." in page  # public interest
    assert "Favorable (" in page and "Autorisation (" in page
    assert "Trois articles publiés." in page
