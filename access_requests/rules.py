"""Who may do what on one dossier (on top of :mod:`portal.roles`).

Seeing a dossier is decided by :func:`access_requests.selectors.dossiers_visible_to`; these
helpers answer the finer questions once the dossier is visible.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.actors import is_signed_in
from portal.roles import Capability, can

from .models import OPEN_STATES, Document, Dossier, Route, Status, TeamMember

EDITABLE_STATES = [Status.DRAFT, Status.COMPLEMENTS_REQUESTED, Status.IN_CORRECTION]


def team_role(user, dossier: Dossier) -> str | None:
    """``"owner"``, a :class:`TeamMember.Role` value, or None."""
    if not is_signed_in(user):
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
    return can(user, Capability.DOSSIER_INSTRUCT)


def is_hdh_staff(user) -> bool:
    """Guichet, projets and admins read internal notes."""
    return can(user, Capability.DOSSIER_INSTRUCT) or can(user, Capability.DOSSIER_FOLLOW)


def is_assigned_rapporteur(user, dossier: Dossier) -> bool:
    """A CESREES rapporteur reviews the dossiers assigned to them, and only those."""
    return can(user, Capability.DOSSIER_REVIEW) and (
        dossier.assignments.filter(rapporteur=user).exists()
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


def can_publish_results(user, dossier: Dossier) -> bool:
    """The project's leaders and the projets directorate publish its results."""
    return is_leader(user, dossier) or can(user, Capability.DOSSIER_FOLLOW)


# --- What submission requires (one list: the page shows it, the service enforces it) ------
@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str
    done: bool
    url: str


def _route_needs_impact_assessment(dossier: Dossier) -> bool:
    """The standard route goes to the CNIL, which needs the impact assessment (AIPD); the
    reference methodologies carry their own declaration of conformity instead."""
    return dossier.route == Route.STANDARD


def submission_checklist(dossier: Dossier) -> list[ChecklistItem]:
    """Every item submission requires, whether it is done, and where to complete it."""
    ref = dossier.reference
    edit = reverse("access_requests:edit", args=[ref])
    upload = reverse("access_requests:document-upload", args=[ref])
    kinds = set(dossier.documents.values_list("kind", flat=True))
    project_fields = ("title", "public_summary", "objectives", "public_interest", "data_controller")
    items = [
        ChecklistItem(
            "project",
            _(
                "Projet : titre, résumé public, objectifs, intérêt public, responsable de traitement"
            ),
            all((getattr(dossier, f) or "").strip() for f in project_fields),
            f"{edit}#section-projet",
        ),
        ChecklistItem(
            "period",
            _("Méthode : période d'étude (début et fin)"),
            bool(dossier.study_start and dossier.study_end)
            and dossier.study_start <= dossier.study_end,
            f"{edit}#section-methode",
        ),
        ChecklistItem(
            "data",
            _("Données : au moins une donnée demandée"),
            dossier.requested_data.exists(),
            reverse("access_requests:data-add", args=[ref]),
        ),
        ChecklistItem(
            "team",
            _("Équipe : déclarations d'intérêts"),
            bool(dossier.interest_declarations.strip()),
            f"{edit}#section-equipe",
        ),
        ChecklistItem(
            "protocol",
            _("Pièces : protocole"),
            Document.Kind.PROTOCOL in kinds,
            f"{upload}?kind={Document.Kind.PROTOCOL}",
        ),
    ]
    if _route_needs_impact_assessment(dossier):
        items.append(
            ChecklistItem(
                "impact_assessment",
                _("Pièces : analyse d'impact (AIPD)"),
                Document.Kind.IMPACT_ASSESSMENT in kinds,
                f"{upload}?kind={Document.Kind.IMPACT_ASSESSMENT}",
            )
        )
    return items


def missing_for_submission(dossier: Dossier) -> list[ChecklistItem]:
    return [item for item in submission_checklist(dossier) if not item.done]
