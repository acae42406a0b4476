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


# The site map: every page a visitor can open from a menu, grouped like the main menu.
SITEMAP = [
    (
        _("Catalogue"),
        [
            NavEntry(_("Accueil du catalogue"), "catalogue:home"),
            NavEntry(_("Recherche dans le catalogue"), "catalogue:search"),
            NavEntry(_("Nomenclatures"), "catalogue:nomenclatures"),
            NavEntry(
                _("Gestion du catalogue"), "catalogue:manage", lambda u: can(u, "catalogue.curate")
            ),
        ],
    ),
    (
        _("Publications SNDS"),
        [
            NavEntry(_("Tableau de bord des publications"), "bibliometrics:dashboard"),
            NavEntry(_("Liste des publications"), "bibliometrics:publication-list"),
            NavEntry(_("Indicateurs"), "bibliometrics:indicators"),
        ],
    ),
    (
        _("Projets"),
        [
            NavEntry(_("Répertoire des projets"), "access_requests:directory"),
            NavEntry(_("Mes dossiers"), "access_requests:list", lambda u: u.is_authenticated),
        ],
    ),
    (
        _("Conversions OMOP"),
        [NavEntry(_("Conversions OMOP"), "omop:home", lambda u: can(u, "omop.run"))],
    ),
    (
        _("Compte et outils"),
        [
            NavEntry(_("Se connecter"), "login", lambda u: not u.is_authenticated),
            NavEntry(_("Changer de mot de passe"), "password_change", lambda u: u.is_authenticated),
            NavEntry(_("Tâches de fond"), "portal:job-list", lambda u: u.is_authenticated),
            NavEntry(_("API"), "api-root"),
            NavEntry(_("Documentation de l’API"), "api-docs"),
            NavEntry(_("État du service"), "healthz"),
        ],
    ),
]

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
    for title, entries in SITEMAP:
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
