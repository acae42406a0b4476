"""The projects in the main menu and the site map (read by portal.registry)."""

from django.utils.translation import gettext_lazy as _

from portal.navigation import NavEntry

ORDER = 30
MENU = [
    NavEntry(_("Répertoire des projets"), "access_requests:directory"),
    NavEntry(_("Mes dossiers"), "access_requests:list", lambda u: u.is_authenticated),
]
SITEMAP = (
    _("Projets"),
    [
        NavEntry(_("Répertoire des projets"), "access_requests:directory"),
        NavEntry(_("Mes dossiers"), "access_requests:list", lambda u: u.is_authenticated),
    ],
)
