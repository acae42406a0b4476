"""Home cards: curators see the last imports and the corpus awaiting their decision."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.home import Card, CardItem
from portal.models import Job
from portal.roles import Capability, can


def cards(user) -> list[Card]:
    if not can(user, Capability.BIBLIOMETRICS_CURATE):
        return []
    from .models import ImportRun, Publication

    running = ImportRun.objects.filter(
        job__status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
    ).count()
    failed = ImportRun.objects.filter(job__status=Job.Status.FAILED).count()
    undecided = Publication.objects.filter(relevant=True, relevance_override__isnull=True).count()
    return [
        Card(
            title=_("Publications SNDS"),
            description=_("Importer des notices, vérifier la pertinence, recalculer les thèmes."),
            url=reverse("bibliometrics:import-upload"),
            items=[
                CardItem(_("Imports en cours"), running, reverse("bibliometrics:import-upload")),
                CardItem(_("Imports échoués"), failed, reverse("bibliometrics:import-upload")),
                CardItem(
                    _("Publications retenues sans décision de curation"),
                    undecided,
                    reverse("admin:bibliometrics_publication_changelist")
                    + "?relevant__exact=1&relevance_override__isnull=True",
                ),
            ],
        )
    ]
