"""Home card of the ``data`` role: conversions running, failed ones to look at, last results."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.home import Card, CardItem
from portal.roles import Capability, can

from .selectors import etl_jobs_running, etl_jobs_succeeded, etl_jobs_to_look_at


def cards(user) -> list[Card]:
    if not can(user, Capability.OMOP_RUN):
        return []
    home = reverse("omop:home")
    items = [
        CardItem(
            _("Conversions en cours"), etl_jobs_running(user).count(), f"{home}?status=running"
        ),
        CardItem(
            _("Échecs à examiner"), etl_jobs_to_look_at(user).count(), f"{home}?status=failed"
        ),
    ]
    for etl_job in etl_jobs_succeeded(user)[:3]:
        items.append(
            CardItem(
                _("Résultats : %(extract)s") % {"extract": etl_job.display_label},
                None,
                reverse("omop:job-results", args=[etl_job.pk]),
            )
        )
    return [
        Card(
            _("Conversions OMOP"),
            _("Convertir des extraits SNDS au format OMOP CDM v5.4 et suivre les conversions."),
            home,
            items,
        )
    ]
