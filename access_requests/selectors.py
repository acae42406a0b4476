"""Reads of dossiers. Every page, API, search, export and download goes through
:func:`dossiers_visible_to`: that is how "a project leader only sees their own dossiers"
stays true everywhere at once."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from portal.actors import is_signed_in
from portal.roles import Capability, Role, can

from .models import (
    FOLLOWED_STATES,
    Dossier,
    Message,
    MessageRead,
    RapporteurAssignment,
    Status,
    TeamMember,
)
from .rules import is_hdh_staff
from .services import workflow

REQUESTED_PREFETCH = ("requested_data__database", "requested_data__table__database")


def dossiers_visible_to(user) -> QuerySet[Dossier]:
    """Porteurs: the dossiers they lead or are on the team of; CESREES rapporteurs: those
    assigned to them; projets: from the authorisation on; guichet and admins: all;
    anonymous: none (the public directory is :func:`dossiers_public`)."""
    if not is_signed_in(user):
        return Dossier.objects.none()
    if user.is_superuser or can(user, Capability.DOSSIER_INSTRUCT):
        return Dossier.objects.all()
    visible = Q(owner=user) | Q(pk__in=TeamMember.objects.filter(user=user).values("dossier_id"))
    if can(user, Capability.DOSSIER_REVIEW):
        visible |= Q(
            pk__in=RapporteurAssignment.objects.filter(rapporteur=user).values("dossier_id")
        )
    if can(user, Capability.DOSSIER_FOLLOW):
        visible |= Q(status__in=FOLLOWED_STATES)
    return Dossier.objects.filter(visible)


def dossiers_public() -> QuerySet[Dossier]:
    """The public directory: every dossier from its submission on."""
    return Dossier.objects.exclude(status=Status.DRAFT).filter(submitted_on__isnull=False)


def dossier_search(
    qs: QuerySet[Dossier],
    *,
    q: str = "",
    route: str = "",
    status: str = "",
    year: str | int | None = None,
) -> QuerySet[Dossier]:
    """Filter a dossier queryset by free text, route, status and submission year."""
    if q:
        qs = qs.filter(
            Q(reference__icontains=q)
            | Q(title__icontains=q)
            | Q(public_summary__icontains=q)
            | Q(data_controller__icontains=q)
        )
    if route:
        qs = qs.filter(route=route)
    if status:
        qs = qs.filter(status=status)
    if year:
        with contextlib.suppress(TypeError, ValueError):
            qs = qs.filter(submitted_on__year=int(year))
    return qs


def messages_visible_to(user, dossier: Dossier) -> QuerySet[Message]:
    """The porteur–guichet thread for everyone who sees the dossier; internal notes for staff."""
    qs = dossier.messages.select_related("author")
    if not is_hdh_staff(user):
        qs = qs.filter(kind=Message.Kind.THREAD)
    return qs


def assignments_visible_to(user, dossier: Dossier) -> QuerySet[RapporteurAssignment]:
    """Rapporteurs' reports: the guichet and admins see all, a rapporteur their own."""
    qs = dossier.assignments.select_related("rapporteur")
    if can(user, Capability.DOSSIER_INSTRUCT):
        return qs
    if can(user, Capability.DOSSIER_REVIEW):
        return qs.filter(rapporteur=user)
    return qs.none()


def dossiers_overdue(qs: QuerySet[Dossier] | None = None, today=None) -> QuerySet[Dossier]:
    today = today or timezone.localdate()
    qs = Dossier.objects.all() if qs is None else qs
    return qs.filter(due_on__lt=today).order_by("due_on")


def dossiers_due_soon(days: int, today=None) -> QuerySet[Dossier]:
    today = today or timezone.localdate()
    return Dossier.objects.filter(due_on__gte=today, due_on__lte=today + timedelta(days=days))


def rapporteur_workload(month_start=None) -> QuerySet:
    """CESREES rapporteurs with the number of dossiers assigned to them this month."""
    from django.contrib.auth import get_user_model

    month_start = month_start or timezone.localdate().replace(day=1)
    return (
        get_user_model()
        .objects.filter(groups__name=Role.CESREES.value, is_active=True)
        .annotate(
            assigned_this_month=Count(
                "cesrees_assignments",
                filter=Q(cesrees_assignments__assigned_at__date__gte=month_start),
            ),
            assigned_total=Count("cesrees_assignments"),
        )
        .order_by("username")
    )


# --- Unread messages (per user) -------------------------------------------------------
def _visible_messages(user) -> QuerySet[Message]:
    """Messages of the dossiers ``user`` sees, that ``user`` may read, written by others."""
    qs = Message.objects.filter(dossier__in=dossiers_visible_to(user)).exclude(author=user)
    if not is_hdh_staff(user):
        qs = qs.filter(kind=Message.Kind.THREAD)
    return qs


def unread_messages(user) -> QuerySet[Message]:
    """Messages written by others after ``user`` last opened their dossier."""
    if not is_signed_in(user):
        return Message.objects.none()
    last_read = MessageRead.objects.filter(user=user, dossier=OuterRef("dossier")).values(
        "read_at"
    )[:1]
    return (
        _visible_messages(user)
        .annotate(last_read=Subquery(last_read))
        .filter(Q(last_read__isnull=True) | Q(created_at__gt=F("last_read")))
    )


def unread_counts(user) -> dict[int, int]:
    """``{dossier id: unread messages}`` for the dossiers with any."""
    rows = unread_messages(user).values("dossier_id").annotate(n=Count("id")).order_by()
    return {row["dossier_id"]: row["n"] for row in rows}


# --- The guichet's work queue ----------------------------------------------------------
# The states where the next move is the guichet's, and what that move is.
GUICHET_TURN = workflow.turn_of(workflow.GUICHET)


def guichet_queue(user) -> QuerySet[Dossier]:
    """What is the guichet's to do: late first, then by deadline, then the oldest."""
    return (
        dossiers_visible_to(user)
        .filter(status__in=GUICHET_TURN)
        .select_related("owner")
        .annotate(n_rapporteurs=Count("assignments"))
        .order_by(F("due_on").asc(nulls_last=True), "submitted_on", "id")
    )


# --- Rapporteur picker -----------------------------------------------------------------
def rapporteur_candidates(dossier: Dossier) -> QuerySet:
    """CESREES rapporteurs not yet on ``dossier``, with their workload and declared
    conflicts of interest (prefetched as ``declared_conflicts``)."""
    return (
        rapporteur_workload()
        .exclude(cesrees_assignments__dossier=dossier)
        .prefetch_related("declared_conflicts")
        .order_by("last_name", "first_name", "username")
    )
