"""CESREES rapporteurs: assignment by the guichet and their internal reports."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.roles import Role, user_roles

from ..models import (
    Dossier,
    Opinion,
    RapporteurAssignment,
    Status,
)
from ..rules import is_instructor
from .errors import ActionForbidden, DossierError, require_text
from .limits import rapporteur_monthly_limit


def rapporteur_assign(*, dossier: Dossier, rapporteur, by) -> tuple[RapporteurAssignment, str]:
    """Assign a CESREES rapporteur (two per dossier). Returns the assignment and a warning
    (empty when none) when the rapporteur is past the monthly workload limit."""
    if not is_instructor(by):
        raise ActionForbidden(_("Seul le guichet désigne les rapporteurs."))
    if Role.CESREES not in user_roles(rapporteur):
        raise DossierError(_("Ce compte n'est pas rapporteur du CESREES."))
    if dossier.status not in (Status.COMPLETENESS_CHECK, Status.ADMISSIBLE, Status.SENT_TO_CESREES):
        raise DossierError(_("Les rapporteurs se désignent entre la vérification et l'examen."))
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if dossier.assignments.filter(rapporteur=rapporteur).exists():
            raise DossierError(_("Ce rapporteur est déjà désigné sur ce dossier."))
        if dossier.assignments.count() >= 2:
            raise DossierError(_("Deux rapporteurs sont déjà désignés."))
        month_start = timezone.localdate().replace(day=1)
        load = RapporteurAssignment.objects.filter(
            rapporteur=rapporteur, assigned_at__date__gte=month_start
        ).count()
        assignment = RapporteurAssignment.objects.create(
            dossier=dossier, rapporteur=rapporteur, assigned_by=by
        )
        audit_record(
            actor=by,
            action="dossier.rapporteur_assign",
            target=dossier,
            changes={"rapporteur": rapporteur.get_username(), "load": load + 1},
        )
    warning = ""
    if load + 1 > rapporteur_monthly_limit():
        warning = _(
            "%(name)s a déjà %(n)d dossiers ce mois-ci (limite conseillée : %(limit)d)."
        ) % {
            "name": rapporteur.get_full_name() or rapporteur.get_username(),
            "n": load + 1,
            "limit": rapporteur_monthly_limit(),
        }
    return assignment, warning


def rapporteur_report_file(
    *, dossier: Dossier, by, report: str, recommended_opinion: str = ""
) -> RapporteurAssignment:
    """The rapporteur's internal report (never shown to the porteur nor published)."""
    assignment = dossier.assignments.filter(rapporteur=by).first()
    if assignment is None:
        raise ActionForbidden(_("Vous n'êtes pas rapporteur de ce dossier."))
    if dossier.status not in (Status.SENT_TO_CESREES, Status.CESREES_REVIEW):
        raise DossierError(_("Le rapport se dépose pendant l'examen du CESREES."))
    report = require_text(report, _("Le rapport est vide."))
    if recommended_opinion and recommended_opinion not in Opinion.values:
        raise DossierError(_("Avis proposé inconnu."))
    with transaction.atomic():
        assignment.report = report
        assignment.recommended_opinion = recommended_opinion
        assignment.report_filed_at = timezone.now()
        assignment.save()
        audit_record(actor=by, action="dossier.report_file", target=dossier)
    return assignment
