"""The one declaration of the portal's roles and of what each may do.

Roles are Django groups (created by a data migration from ``ROLES``). Each role declares
its :class:`Capability` set once, in its :class:`RoleSpec`. Views, the API and the admin
ask :func:`can` with a capability; :func:`has_role` is kept for the few places where
belonging to the role is itself the fact (e.g. rapporteurs are chosen among the CESREES
members). Superusers are admins: every capability is theirs.
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


class Capability(StrEnum):
    """What a user may do. A closed list: :func:`can` refuses anything else."""

    CATALOGUE_CURATE = "catalogue.curate"
    PROFILING_RUN = "profiling.run"
    OMOP_RUN = "omop.run"
    OMOP_VOCABULARY = "omop.vocabulary"
    BIBLIOMETRICS_CURATE = "bibliometrics.curate"
    DOSSIER_CREATE = "dossier.create"
    DOSSIER_INSTRUCT = "dossier.instruct"
    DOSSIER_REVIEW = "dossier.review"
    DOSSIER_FOLLOW = "dossier.follow"
    AUDIT_VIEW = "audit.view"  # admins only (no role holds it)


C = Capability


@dataclass(frozen=True)
class DemoUser:
    """A member of the cast the demo (``seed_demo``) and the tests (``cast``) both log in as."""

    username: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class RoleSpec:
    label: str
    description: str
    staff: bool  # HDH staff: short idle sessions, internal pages
    capabilities: frozenset[Capability] = frozenset()
    # Who plays the role in the demo and in the tests (the first one is "the" user of it).
    demo_users: tuple[DemoUser, ...] = ()


ROLES: dict[Role, RoleSpec] = {
    Role.DATA: RoleSpec(
        _("Direction des données"),
        _(
            "Tient le catalogue, profile les tables, lance les conversions OMOP, cure les publications."
        ),
        staff=True,
        capabilities=frozenset(
            {
                C.CATALOGUE_CURATE,
                C.PROFILING_RUN,
                C.OMOP_RUN,
                C.OMOP_VOCABULARY,
                C.BIBLIOMETRICS_CURATE,
            }
        ),
        demo_users=(DemoUser("data", "Dana", "Données"),),
    ),
    Role.GUICHET: RoleSpec(
        _("Guichet — Direction Accès aux données"),
        _("Instruit les dossiers : complétude, CESREES, avis et décisions de la CNIL."),
        staff=True,
        capabilities=frozenset({C.DOSSIER_INSTRUCT}),
        demo_users=(DemoUser("guichet", "Gaëlle", "Guichet"),),
    ),
    Role.CESREES: RoleSpec(
        _("Rapporteur CESREES"),
        _("Lit les dossiers qui lui sont attribués et dépose son rapport et son avis."),
        staff=False,
        capabilities=frozenset({C.DOSSIER_REVIEW}),
        demo_users=(DemoUser("cesrees", "Céline", "Rapporteure"),),
    ),
    Role.PROJETS: RoleSpec(
        _("Direction projets et services utilisateurs"),
        _("Suit les projets autorisés : convention, mise à disposition des données, clôture."),
        staff=True,
        capabilities=frozenset({C.DOSSIER_FOLLOW}),
        demo_users=(DemoUser("projets", "Paul", "Projets"),),
    ),
    Role.PORTEUR: RoleSpec(
        _("Porteur de projet"),
        _("Crée, dépose, complète et suit ses propres dossiers."),
        staff=False,
        capabilities=frozenset({C.DOSSIER_CREATE}),
        demo_users=(
            DemoUser("alice", "Alice", "Martin"),  # leads a dossier
            DemoUser("bob", "Bob", "Durand"),  # a member of alice's team
            DemoUser("charlie", "Charlie", "Petit"),  # another leader, no access to alice's
        ),
    ),
}

# The admin of the cast: a superuser, who holds every role.
DEMO_ADMIN = DemoUser("admin", "Ada", "Admin")


def demo_cast() -> list[tuple[DemoUser, Role | None]]:
    """Every demo/test user with their role (None: the superuser), roles in declared order."""
    cast = [(user, role) for role, spec in ROLES.items() for user in spec.demo_users]
    return [*cast, (DEMO_ADMIN, None)]


# capability -> roles that hold it (superusers hold all), derived from ``ROLES``
CAPABILITIES: dict[Capability, frozenset[Role]] = {
    capability: frozenset(role for role, spec in ROLES.items() if capability in spec.capabilities)
    for capability in Capability
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


def as_capability(value: Capability | str) -> Capability:
    """``value`` as a declared :class:`Capability` (a job stores it as text)."""
    try:
        return Capability(value)
    except ValueError:
        raise KeyError(f"Unknown capability {value!r}: declare it in portal/roles.py") from None


def can(user, capability: Capability) -> bool:
    """The one permission question of the portal."""
    wanted = as_capability(capability)
    if not is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    return bool(user_roles(user) & CAPABILITIES[wanted])


def holders_of(capability: Capability):
    """The active users whose role holds ``capability`` (superusers not included: they
    hold every capability but are not the team a notification is for)."""
    from django.contrib.auth import get_user_model

    roles = [role.value for role in CAPABILITIES[as_capability(capability)]]
    return get_user_model().objects.filter(groups__name__in=roles, is_active=True).distinct()


def is_staff_member(user) -> bool:
    """HDH staff (a staff role) or admins: they get the short idle timeout."""
    if not is_signed_in(user):
        return False
    return user.is_superuser or user.is_staff or any(ROLES[r].staff for r in user_roles(user))


def sync_role_groups(group_model) -> None:
    """Create the groups of ``ROLES`` (used by the data migration; idempotent)."""
    for role in Role:
        group_model.objects.get_or_create(name=role.value)
