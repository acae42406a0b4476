from django.urls import reverse
from django.utils.translation import gettext as _

from portal.home import Card, CardItem
from portal.roles import Capability, can

from . import selectors
from .models import JoinKey


def cards(user) -> list[Card]:
    """For curators: tables to describe, unresolved join keys, the last imports."""
    if not can(user, Capability.CATALOGUE_CURATE):
        return []
    manage = reverse("catalogue:manage")
    items = [
        CardItem(
            _("Tables sans description"), selectors.tables_without_description().count(), manage
        ),
        CardItem(
            _("Clés de jointure non résolues"),
            JoinKey.objects.filter(to_table__isnull=True).count(),
            manage,
        ),
    ]
    for run in selectors.recent_imports(3):
        items.append(
            CardItem(
                _("Import %(db)s du %(date)s")
                % {"db": run.database or "", "date": f"{run.created_at:%d/%m/%Y %H:%M}"},
                None,
                reverse("catalogue:import-detail", args=[run.pk]),
            )
        )
    return [Card(_("Catalogue"), _("Curation des métadonnées."), manage, items)]
