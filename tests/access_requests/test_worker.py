"""The daily deadline task, run by a real Celery worker on Redis."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from access_requests.models import Dossier, Opinion, Status
from portal.roles import sync_role_groups
from tests.access_requests.factories import alice_dossier
from tests.conftest import make_cast, wait_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_beat_task_applies_the_tacit_opinion_in_the_worker(celery_worker):
    from portal.celery import app

    sync_role_groups(Group)  # a transactional test flushed the groups of the data migration
    cast = make_cast()
    dossier = alice_dossier(cast, "cesrees_review")
    Dossier.objects.filter(pk=dossier.pk).update(due_on=timezone.localdate().replace(year=2020))
    app.conf.task_always_eager = False  # this one goes through the broker
    app.send_task("access_requests.daily_deadlines")
    dossier = wait_for(
        lambda: Dossier.objects.filter(pk=dossier.pk, status=Status.CESREES_OPINION).first(),
        timeout=60,
    )
    assert dossier.cesrees_opinion == Opinion.TACIT


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_beat_task_reminds_before_the_authorisation_expires_in_the_worker(celery_worker):
    from datetime import timedelta

    from portal.celery import app

    sync_role_groups(Group)
    cast = make_cast()
    dossier = alice_dossier(cast, "data_available")
    soon = timezone.localdate() + timedelta(days=10)
    Dossier.objects.filter(pk=dossier.pk).update(authorisation_expires_on=soon)
    app.conf.task_always_eager = False  # this one goes through the broker
    app.send_task("access_requests.follow_up_reminders")
    reminded = wait_for(
        lambda: Dossier.objects.filter(pk=dossier.pk, expiry_reminded_on__isnull=False).first(),
        timeout=60,
    )
    assert reminded.expiry_reminded_on == timezone.localdate()
    assert reminded.results_reminded_on is None  # results are due in 24 months
