"""The main menu and the site map: each app's entries (its ``navigation.py``, found by
:mod:`portal.registry`), shown to whom they concern."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .registry import navigation_modules


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    visible: Callable = lambda user: True  # noqa: E731


def menu_for(request) -> list[dict]:
    items = []
    for entry in (e for module in navigation_modules() for e in module.MENU):
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


# The site map: every page a visitor can open from a menu, grouped like the main menu; each
# app gives its section (its navigation.py), the portal adds its own.
ACCOUNT_SECTION = (
    _("Compte et outils"),
    [
        NavEntry(_("Se connecter"), "login", lambda u: not u.is_authenticated),
        NavEntry(_("Changer de mot de passe"), "password_change", lambda u: u.is_authenticated),
        NavEntry(_("Tâches de fond"), "portal:job-list", lambda u: u.is_authenticated),
        NavEntry(_("API"), "api-root"),
        NavEntry(_("Documentation de l’API"), "api-docs"),
        NavEntry(_("État du service"), "healthz"),
    ],
)

INFO_PAGE_LINKS = [
    (_("Déclaration d’accessibilité"), "accessibilite"),
    (_("Mentions légales"), "mentions-legales"),
    (_("Données personnelles"), "donnees-personnelles"),
    (_("Gestion des cookies"), "cookies"),
    (_("Paramètres d’affichage"), "parametres-affichage"),
]


def sitemap_sections(request) -> list[dict]:
    """The site map's sections with the links this visitor can open."""
    sections = []
    for title, entries in [*(m.SITEMAP for m in navigation_modules()), ACCOUNT_SECTION]:
        links = []
        for entry in entries:
            if not entry.visible(request.user):
                continue
            try:
                links.append({"label": entry.label, "url": reverse(entry.url_name)})
            except NoReverseMatch:
                continue
        if links:
            sections.append({"title": title, "links": links})
    sections.append(
        {
            "title": _("Informations"),
            "links": [
                {"label": label, "url": reverse("page", args=[slug])}
                for label, slug in INFO_PAGE_LINKS
            ],
        }
    )
    return sections
