"""The main menu: one entry per app, shown to whom it concerns."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .roles import can


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    visible: Callable = lambda user: True  # noqa: E731


NAVIGATION = [
    NavEntry(_("Catalogue"), "catalogue:home"),
    NavEntry(_("Publications SNDS"), "bibliometrics:dashboard"),
    NavEntry(_("Répertoire des projets"), "access_requests:directory"),
    NavEntry(_("Mes dossiers"), "access_requests:list", lambda u: u.is_authenticated),
    NavEntry(_("Conversions OMOP"), "omop:home", lambda u: can(u, "omop.run")),
]


def menu_for(request) -> list[dict]:
    items = []
    for entry in NAVIGATION:
        if not entry.visible(request.user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "label": entry.label,
                "url": url,
                "active": request.path.startswith(url) and url != "/",
            }
        )
    return items
