"""Who may do what on one dossier (on top of :mod:`portal.roles`).

Seeing a dossier is decided by :func:`access_requests.selectors.dossiers_visible_to`; these
helpers answer the finer questions once the dossier is visible.
"""

from __future__ import annotations

from portal.roles import Role, can, user_roles

from .models import OPEN_STATES, Dossier, Status, TeamMember

EDITABLE_STATES = [Status.DRAFT, Status.COMPLEMENTS_REQUESTED, Status.IN_CORRECTION]


def team_role(user, dossier: Dossier) -> str | None:
    """``"owner"``, a :class:`TeamMember.Role` value, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if dossier.owner_id == user.pk:
        return "owner"
    member = TeamMember.objects.filter(dossier=dossier, user=user).first()
    return member.role if member else None


def is_leader(user, dossier: Dossier) -> bool:
    """The owner and co-leaders act for the project (submit, answer, decide, withdraw)."""
    return team_role(user, dossier) in ("owner", TeamMember.Role.CO_LEADER)


def is_contributor(user, dossier: Dossier) -> bool:
    """Leaders and members write the dossier; read-only members only read it."""
    return team_role(user, dossier) in ("owner", TeamMember.Role.CO_LEADER, TeamMember.Role.MEMBER)


def is_instructor(user) -> bool:
    """The guichet (and admins) instruct every dossier."""
    return can(user, "dossier.instruct")


def is_hdh_staff(user) -> bool:
    """Guichet, projets and admins read internal notes."""
    return can(user, "dossier.instruct") or can(user, "dossier.follow")


def is_assigned_rapporteur(user, dossier: Dossier) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and Role.CESREES in user_roles(user)
        and dossier.assignments.filter(rapporteur=user).exists()
    )


def can_edit(user, dossier: Dossier) -> bool:
    return dossier.status in EDITABLE_STATES and (
        is_contributor(user, dossier) or user.is_superuser
    )


def can_upload(user, dossier: Dossier) -> bool:
    in_progress = dossier.status in (Status.DRAFT, *OPEN_STATES)
    return in_progress and (is_contributor(user, dossier) or is_instructor(user))


def can_post_thread(user, dossier: Dossier) -> bool:
    return is_contributor(user, dossier) or is_hdh_staff(user)


def can_manage_team(user, dossier: Dossier) -> bool:
    return dossier.status not in (Status.CLOSED, Status.WITHDRAWN) and (
        is_leader(user, dossier) or user.is_superuser
    )
