"""The catalogue in the main menu and the site map (read by portal.registry)."""

from django.utils.translation import gettext_lazy as _

from portal.navigation import NavEntry
from portal.roles import Capability, can

ORDER = 10
MENU = [NavEntry(_("Catalogue"), "catalogue:home")]
SITEMAP = (
    _("Catalogue"),
    [
        NavEntry(_("Accueil du catalogue"), "catalogue:home"),
        NavEntry(_("Recherche dans le catalogue"), "catalogue:search"),
        NavEntry(_("Nomenclatures"), "catalogue:nomenclatures"),
        NavEntry(
            _("Gestion du catalogue"),
            "catalogue:manage",
            lambda u: can(u, Capability.CATALOGUE_CURATE),
        ),
    ],
)
