"""The OMOP conversions in the main menu and the site map (read by portal.registry)."""

from django.utils.translation import gettext_lazy as _

from portal.navigation import NavEntry
from portal.roles import Capability, can

ORDER = 40
MENU = [NavEntry(_("Conversions OMOP"), "omop:home", lambda u: can(u, Capability.OMOP_RUN))]
SITEMAP = (
    _("Conversions OMOP"),
    [NavEntry(_("Conversions OMOP"), "omop:home", lambda u: can(u, Capability.OMOP_RUN))],
)
