"""The project team: co-leaders, members and read-only members, chosen among porteurs."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit import audit_record
from portal.roles import Role, has_role

from ..models import (
    Dossier,
    TeamMember,
)
from ..rules import can_manage_team
from .errors import ActionForbidden, DossierError

# One answer for a name that does not exist, an inactive account and a staff account: adding
# a team member must not tell a porteur which user names exist or who is staff.
NO_SUCH_PORTEUR = gettext_lazy("Aucun compte porteur de projet actif ne porte cet identifiant.")


def team_candidate(username: str):
    """The active porteur called ``username``, or None (whatever the reason)."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    return user if user is not None and _is_plain_porteur(user) else None


def _is_plain_porteur(user) -> bool:
    """A porteur account, not an admin (a superuser holds every role)."""
    return (
        user.is_active and not (user.is_superuser or user.is_staff) and has_role(user, Role.PORTEUR)
    )


def team_member_add(*, dossier: Dossier, by, user, role: str) -> TeamMember:
    if not can_manage_team(by, dossier):
        raise ActionForbidden(_("Seuls le porteur et les co-porteurs gèrent l'équipe."))
    if user.pk == dossier.owner_id:
        raise DossierError(_("Le porteur fait déjà partie de l'équipe."))
    if not _is_plain_porteur(user):
        # The same answer as for a name that does not exist (see team_candidate).
        raise DossierError(str(NO_SUCH_PORTEUR))
    with transaction.atomic():
        member, _created = TeamMember.objects.update_or_create(
            dossier=dossier, user=user, defaults={"role": role}
        )
        audit_record(
            actor=by,
            action="dossier.team_add",
            target=dossier,
            changes={"user": user.get_username(), "role": role},
        )
    return member


def team_member_remove(*, member: TeamMember, by) -> None:
    if not can_manage_team(by, member.dossier):
        raise ActionForbidden(_("Seuls le porteur et les co-porteurs gèrent l'équipe."))
    with transaction.atomic():
        audit_record(
            actor=by,
            action="dossier.team_remove",
            target=member.dossier,
            changes={"user": member.user.get_username()},
        )
        member.delete()
