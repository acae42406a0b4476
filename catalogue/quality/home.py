"""Home card of the data team: tables never profiled, recent and failed runs."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.home import Card, CardItem
from portal.roles import Capability, can

from . import selectors


def cards(user) -> list[Card]:
    if not can(user, Capability.PROFILING_RUN):
        return []
    url = reverse("quality:home")
    runs = selectors.runs_visible_to(user)
    recent = runs.filter(created_at__gte=timezone.now() - timedelta(days=7))
    return [
        Card(
            title=_("Profilage des tables"),
            description=_("Statistiques et qualité des tables du catalogue."),
            url=url,
            items=[
                CardItem(
                    _("Tables jamais profilées"), selectors.tables_never_profiled().count(), url
                ),
                CardItem(_("Profilages des 7 derniers jours"), recent.count(), url),
                CardItem(
                    _("Profilages en échec (7 jours)"),
                    recent.filter(job__status="failed").count(),
                    url,
                ),
            ],
        )
    ]
