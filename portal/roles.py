"""The one declaration of the portal's roles and of what each may do.

Roles are Django groups (created by a data migration from ``ROLES``). Views, the API and
the admin all ask :func:`can` or :func:`has_role`; nothing else decides who may do what.
Superusers are admins: every capability is theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from .actors import is_signed_in


class Role(StrEnum):
    DATA = "data"
    GUICHET = "guichet"
    CESREES = "cesrees"
    PROJETS = "projets"
    PORTEUR = "porteur"


@dataclass(frozen=True)
class RoleSpec:
    label: str
    description: str
    staff: bool  # HDH staff: short idle sessions, internal pages


ROLES: dict[Role, RoleSpec] = {
    Role.DATA: RoleSpec(
        _("Direction des données"),
        _(
            "Tient le catalogue, profile les tables, lance les conversions OMOP, cure les publications."
        ),
        staff=True,
    ),
    Role.GUICHET: RoleSpec(
        _("Guichet — Direction Accès aux données"),
        _("Instruit les dossiers : complétude, CESREES, avis et décisions de la CNIL."),
        staff=True,
    ),
    Role.CESREES: RoleSpec(
        _("Rapporteur CESREES"),
        _("Lit les dossiers qui lui sont attribués et dépose son rapport et son avis."),
        staff=False,
    ),
    Role.PROJETS: RoleSpec(
        _("Direction projets et services utilisateurs"),
        _("Suit les projets autorisés : convention, mise à disposition des données, clôture."),
        staff=True,
    ),
    Role.PORTEUR: RoleSpec(
        _("Porteur de projet"),
        _("Crée, dépose, complète et suit ses propres dossiers."),
        staff=False,
    ),
}

# capability -> roles that hold it (superusers hold all)
CAPABILITIES: dict[str, frozenset[Role]] = {
    "catalogue.curate": frozenset({Role.DATA}),
    "profiling.run": frozenset({Role.DATA}),
    "omop.run": frozenset({Role.DATA}),
    "omop.vocabulary": frozenset({Role.DATA}),
    "bibliometrics.curate": frozenset({Role.DATA}),
    "dossier.create": frozenset({Role.PORTEUR}),
    "dossier.instruct": frozenset({Role.GUICHET}),
    "dossier.review": frozenset({Role.CESREES}),
    "dossier.follow": frozenset({Role.PROJETS}),
    "audit.view": frozenset(),
}


def user_roles(user) -> frozenset[Role]:
    """The roles of ``user`` (cached on the instance for the request)."""
    if not is_signed_in(user):
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        user._portal_roles = cached
    return cached


def has_role(user, *roles: Role | str) -> bool:
    """True when ``user`` holds one of ``roles`` (superusers hold every role)."""
    if not is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    return bool(user_roles(user) & {Role(r) for r in roles})


def can(user, capability: str) -> bool:
    """The one permission question of the portal."""
    if capability not in CAPABILITIES:
        raise KeyError(f"Unknown capability {capability!r}: declare it in portal/roles.py")
    if not is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    return bool(user_roles(user) & CAPABILITIES[capability])


def is_staff_member(user) -> bool:
    """HDH staff (a staff role) or admins: they get the short idle timeout."""
    if not is_signed_in(user):
        return False
    return user.is_superuser or user.is_staff or any(ROLES[r].staff for r in user_roles(user))


def sync_role_groups(group_model) -> None:
    """Create the groups of ``ROLES`` (used by the data migration; idempotent)."""
    for role in Role:
        group_model.objects.get_or_create(name=role.value)
