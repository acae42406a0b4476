"""The publications in the main menu and the site map (read by portal.registry)."""

from django.utils.translation import gettext_lazy as _

from portal.navigation import NavEntry

ORDER = 20
MENU = [NavEntry(_("Publications SNDS"), "bibliometrics:dashboard")]
SITEMAP = (
    _("Publications SNDS"),
    [
        NavEntry(_("Tableau de bord des publications"), "bibliometrics:dashboard"),
        NavEntry(_("Liste des publications"), "bibliometrics:publication-list"),
        NavEntry(_("Indicateurs"), "bibliometrics:indicators"),
    ],
)
