"""What each step of the procedure writes on the dossier besides its state (dates, deadlines,
decisions), and the redirection's successor draft."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record

from .. import calendar as workdays
from ..models import (
    CONTENT_FIELDS,
    SIMPLIFIED_ROUTES,
    ComplementRequest,
    Dossier,
    Opinion,
    RequestedData,
    Status,
    TeamMember,
)
from ..rules import missing_for_submission
from .dossiers import next_reference
from .errors import DossierError, require_text
from .limits import (
    authorisation_default_months,
    cesrees_months,
    cnil_months,
    complements_working_days,
    completeness_working_days,
)


def submit(dossier: Dossier, *, today, **kwargs):
    missing = missing_for_submission(dossier)
    if missing:
        raise DossierError(
            _("Dossier incomplet, il manque : %(m)s.")
            % {"m": " ; ".join(str(item.label) for item in missing)}
        )
    if dossier.submitted_on is None:
        dossier.submitted_on = today
    dossier.due_on = workdays.add_working_days(today, completeness_working_days())
    return {"due_on": dossier.due_on}


def request_complements(dossier: Dossier, *, by, items: str = "", **kwargs):
    items = require_text(items, _("Indiquez les éléments à compléter, un par ligne."))
    today = kwargs.get("today") or timezone.localdate()
    ComplementRequest.objects.create(
        dossier=dossier,
        items=items,
        requested_by=by,
        due_on=workdays.add_working_days(today, complements_working_days()),
    )
    dossier.due_on = None  # the clock stops while the porteur completes the dossier
    return {"complements": items}


def answer_complements(dossier: Dossier, *, by, today, answer: str = "", comment="", **kwargs):
    answer = require_text(answer or comment, _("Répondez aux compléments demandés."))
    pending = dossier.complements.filter(answered_at__isnull=True).last()
    if pending:
        pending.answer = answer
        pending.answered_by = by
        pending.answered_at = timezone.now()
        pending.save(update_fields=["answer", "answered_by", "answered_at"])
    dossier.due_on = workdays.add_working_days(today, completeness_working_days())
    return {"due_on": dossier.due_on}


def admissible(dossier: Dossier, *, today, **kwargs):
    dossier.admissible_on = today
    dossier.due_on = None
    return {}


def send_to_cesrees(dossier: Dossier, *, today, **kwargs):
    dossier.cesrees_sent_on = today
    dossier.due_on = workdays.add_months(today, cesrees_months())
    return {"due_on": dossier.due_on}


OPINIONS_NEEDING_REASONS = frozenset({Opinion.RESERVED, Opinion.UNFAVOURABLE})


def file_opinion(
    dossier: Dossier,
    *,
    by,
    today,
    opinion: str = "",
    reasons: str = "",
    recommendations: str = "",
    **kwargs,
):
    allowed = {o.value for o in Opinion} - ({Opinion.TACIT.value} if by is not None else set())
    if opinion not in allowed:
        raise DossierError(_("Choisissez l'avis du CESREES."))
    reasons, recommendations = (reasons or "").strip(), (recommendations or "").strip()
    if opinion in OPINIONS_NEEDING_REASONS and not (reasons and recommendations):
        raise DossierError(
            _("Un avis « %(opinion)s » donne ses motifs et ses recommandations au porteur.")
            % {"opinion": Opinion(opinion).label}
        )
    dossier.cesrees_opinion = opinion
    dossier.cesrees_opinion_on = today
    dossier.cesrees_reasons = reasons
    dossier.cesrees_recommendations = recommendations
    dossier.due_on = None
    return {"opinion": opinion}


def go_to_cnil(dossier: Dossier, *, today, **kwargs):
    dossier.cnil_sent_on = today
    dossier.cnil_renewals = 0
    dossier.due_on = workdays.add_months(today, cnil_months())
    return {"due_on": dossier.due_on}


def clear_due(dossier: Dossier, **kwargs):
    dossier.due_on = None
    return {}


def cnil_decision(decision: str):
    def effect(dossier: Dossier, *, today, expires_on: date | None = None, **kwargs):
        dossier.cnil_decision = decision
        dossier.cnil_decision_on = today
        dossier.due_on = None
        if decision != Status.AUTHORISED:
            dossier.closed_on = today
            return {"cnil_decision": decision}
        # Without a date in the decision, the authorisation runs for the project's duration.
        if expires_on is None:
            expires_on = workdays.add_months(
                today, dossier.duration_months or authorisation_default_months()
            )
        if expires_on <= today:
            raise DossierError(_("La fin de validité de l'autorisation doit être à venir."))
        dossier.authorisation_expires_on = expires_on
        return {"cnil_decision": decision, "authorisation_expires_on": expires_on}

    return effect


def sign_agreement(
    dossier: Dossier, *, today, signed_on: date | None = None, results_due_on=None, **kwargs
):
    signed_on = signed_on or today
    if signed_on > today:
        raise DossierError(_("La date de la convention ne peut pas être à venir."))
    dossier.agreement_signed_on = signed_on
    dossier.results_due_on = results_due_on or dossier.authorisation_expires_on
    if dossier.results_due_on is None and dossier.duration_months:
        dossier.results_due_on = workdays.add_months(signed_on, dossier.duration_months)
    return {"agreement_signed_on": signed_on, "results_due_on": dossier.results_due_on}


def make_data_available(dossier: Dossier, *, today, workspace: str = "", **kwargs):
    dossier.workspace = require_text(workspace, _("Indiquez l'espace projet où sont les données."))
    dossier.data_delivered_on = today
    return {"workspace": dossier.workspace, "data_delivered_on": today}


def close(dossier: Dossier, *, today, **kwargs):
    dossier.closed_on = today
    dossier.due_on = None
    return {}


def close_project(dossier: Dossier, *, today, results_url: str = "", **kwargs):
    results_url = require_text(
        results_url, _("Indiquez le lien vers les résultats (publié au répertoire).")
    )
    if not results_url.startswith(("https://", "http://")):
        raise DossierError(_("Le lien vers les résultats doit commencer par https://."))
    dossier.results_url = results_url
    close(dossier, today=today)
    return {"results_url": results_url}


def redirect(dossier: Dossier, *, by, today, route: str = "", **kwargs):
    if route not in SIMPLIFIED_ROUTES:
        raise DossierError(_("Choisissez la procédure simplifiée vers laquelle réorienter."))
    dossier.redirected_to = route
    dossier.closed_on = today
    dossier.due_on = None
    successor = _redirected_copy(dossier, route=route, by=by, year=today.year)
    return {"redirected_to": route, "successor": successor.reference}


def _redirected_copy(dossier: Dossier, *, route: str, by, year: int) -> Dossier:
    """The project goes on under the simplified route: a new draft dossier for the same
    porteur with the content, team and requested data of the redirected one, linked to it.
    Documents are not copied: the simplified route asks for its own (declaration of
    conformity), which the porteur attaches before submitting."""
    successor = Dossier.objects.create(
        reference=next_reference(year),
        title=dossier.title,
        owner=dossier.owner,
        route=route,
        redirected_from=dossier,
        **{f: getattr(dossier, f) for f in CONTENT_FIELDS if f not in ("title", "route")},
    )
    TeamMember.objects.bulk_create(
        TeamMember(dossier=successor, user_id=m.user_id, role=m.role) for m in dossier.team.all()
    )
    for d in dossier.requested_data.prefetch_related("variables"):
        copy = RequestedData.objects.create(
            dossier=successor,
            database_id=d.database_id,
            table_id=d.table_id,
            label=d.label,
            justification=d.justification,
            study_start=d.study_start,
            study_end=d.study_end,
            codes=d.codes,
        )
        copy.variables.set(d.variables.all())
    audit_record(
        actor=by,
        action="dossier.create",
        target=successor,
        changes={"title": successor.title, "redirected_from": dossier.reference, "route": route},
    )
    return successor


def no_effect(dossier: Dossier, **kwargs) -> dict:
    return {}
