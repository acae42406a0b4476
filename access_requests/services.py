"""Writes on dossiers. Each state change is one service call that checks who acts, moves
the state machine, writes the history entry and the audit row in one transaction, and
e-mails the people concerned through Celery once the transaction commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from portal.actors import actor_user, is_signed_in
from portal.audit import audit_diff, audit_record
from portal.errors import Conflict
from portal.roles import Capability, Role, can, has_role, holders_of, user_roles

from . import calendar as workdays
from .documents import EXTENSIONS, sniff_document
from .models import (
    CONTENT_FIELDS,
    SIMPLIFIED_ROUTES,
    TERMINAL_STATES,
    ComplementRequest,
    Document,
    Dossier,
    HistoryEntry,
    Message,
    MessageRead,
    Opinion,
    RapporteurAssignment,
    RequestedData,
    Status,
    TeamMember,
)
from .rules import (
    can_edit,
    can_manage_team,
    can_post_thread,
    can_upload,
    is_assigned_rapporteur,
    is_contributor,
    is_hdh_staff,
    is_instructor,
    is_leader,
    missing_for_submission,
)


class DossierError(Conflict):
    """A refusal whose message tells the user what to do (shown as is; 409 in the API: the
    dossier's step does not allow it)."""


class InvalidDossier(DossierError):
    """What was typed breaks a rule of the procedure (HTTP 400)."""

    status = 400


class ActionForbidden(DossierError):
    """The user's role does not allow this action on this dossier (HTTP 403)."""

    status = 403


# --- Settings (read at call time so that tests and deployments can change them) ----------
def completeness_working_days() -> int:
    return settings.ACCESS_COMPLETENESS_WORKING_DAYS


def cesrees_months() -> int:
    return settings.ACCESS_CESREES_MONTHS


def cnil_months() -> int:
    return settings.ACCESS_CNIL_MONTHS


def cnil_max_renewals() -> int:
    return settings.ACCESS_CNIL_RENEWALS


def rapporteur_monthly_limit() -> int:
    return settings.ACCESS_RAPPORTEUR_MONTHLY_LIMIT


def complements_working_days() -> int:
    return settings.ACCESS_COMPLEMENTS_WORKING_DAYS


def authorisation_default_months() -> int:
    return settings.ACCESS_AUTHORISATION_DEFAULT_MONTHS


def follow_up_reminder_days() -> int:
    return settings.ACCESS_FOLLOW_UP_REMINDER_DAYS


def document_max_bytes() -> int:
    return settings.ACCESS_DOCUMENT_MAX_BYTES


# --- Who acts -------------------------------------------------------------------------
ACTORS = {
    "porteur": lambda user, d: is_leader(user, d) or getattr(user, "is_superuser", False),
    "guichet": lambda user, d: is_instructor(user),
    "rapporteur": lambda user, d: (
        is_assigned_rapporteur(user, d) or getattr(user, "is_superuser", False)
    ),
    "projets": lambda user, d: can(user, Capability.DOSSIER_FOLLOW),
}


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    label: str
    actor: str  # a key of ACTORS
    notify: tuple[str, ...]  # "team", "guichet", "projets", "rapporteurs"
    destructive: bool = False
    # What will happen, said before the user confirms (every destructive step has one).
    consequence: str = ""
    # Steps that cannot be undone go through a confirmation page.
    confirm: bool = False


def _spec(
    name, label, actor, *notify, destructive=False, consequence="", confirm=None
) -> TransitionSpec:
    return TransitionSpec(
        name,
        label,
        actor,
        tuple(notify),
        destructive,
        consequence,
        destructive if confirm is None else confirm,
    )


TRANSITIONS: dict[str, TransitionSpec] = {
    s.name: s
    for s in [
        _spec("submit", gettext_lazy("Déposer le dossier"), "porteur", "guichet"),
        _spec("start_check", gettext_lazy("Commencer la vérification"), "guichet", "team"),
        _spec("request_complements", gettext_lazy("Demander des compléments"), "guichet", "team"),
        _spec("answer_complements", gettext_lazy("Répondre aux compléments"), "porteur", "guichet"),
        _spec("declare_admissible", gettext_lazy("Déclarer recevable"), "guichet", "team"),
        _spec(
            "register",
            gettext_lazy("Enregistrer (procédure simplifiée)"),
            "guichet",
            "team",
            "projets",
        ),
        _spec(
            "send_to_cesrees",
            gettext_lazy("Transmettre au CESREES"),
            "guichet",
            "team",
            "rapporteurs",
        ),
        _spec(
            "start_cesrees_review",
            gettext_lazy("Mettre en examen au CESREES"),
            "guichet",
            "rapporteurs",
        ),
        _spec(
            "file_opinion",
            gettext_lazy("Rendre l'avis du CESREES"),
            "rapporteur",
            "team",
            "guichet",
            consequence=gettext_lazy(
                "L'avis du comité est définitif : il est communiqué au porteur et publié au "
                "répertoire avec sa date."
            ),
            confirm=True,
        ),
        _spec(
            "go_to_cnil",
            gettext_lazy("Poursuivre vers la CNIL"),
            "porteur",
            "guichet",
            consequence=gettext_lazy(
                "Le dossier part tel quel, avec l'avis du CESREES, à la CNIL, qui a deux mois "
                "pour décider (une prolongation possible)."
            ),
        ),
        _spec(
            "correct",
            gettext_lazy("Corriger le dossier"),
            "porteur",
            "guichet",
            consequence=gettext_lazy(
                "Vous modifiez le dossier pour tenir compte de l'avis, puis vous le redéposez : "
                "il repasse par la vérification du guichet et par le CESREES."
            ),
        ),
        _spec(
            "authorise",
            gettext_lazy("Enregistrer l'autorisation CNIL"),
            "guichet",
            "team",
            "projets",
        ),
        _spec("refuse", gettext_lazy("Enregistrer le refus CNIL"), "guichet", "team"),
        _spec(
            "close_without_action",
            gettext_lazy("Classer sans suite"),
            "guichet",
            "team",
            destructive=True,
            consequence=gettext_lazy(
                "La procédure s'arrête : le porteur devra déposer un nouveau dossier."
            ),
        ),
        _spec(
            "sign_agreement", gettext_lazy("Enregistrer la convention signée"), "projets", "team"
        ),
        _spec(
            "make_data_available",
            gettext_lazy("Mettre les données à disposition"),
            "projets",
            "team",
        ),
        _spec("start_project", gettext_lazy("Démarrer le projet"), "projets", "team"),
        _spec(
            "close",
            gettext_lazy("Clore le projet"),
            "projets",
            "team",
            "guichet",
            destructive=True,
            consequence=gettext_lazy(
                "Le projet est clos : plus aucune étape n'est possible, et le lien vers ses "
                "résultats est publié au répertoire public."
            ),
        ),
        _spec(
            "withdraw",
            gettext_lazy("Retirer le dossier"),
            "porteur",
            "guichet",
            destructive=True,
            consequence=gettext_lazy(
                "La procédure s'arrête pour de bon : le dossier ne pourra plus être modifié ni "
                "redéposé ; il faudra en créer un nouveau."
            ),
        ),
        _spec(
            "redirect",
            gettext_lazy("Réorienter le dossier"),
            "guichet",
            "team",
            destructive=True,
            consequence=gettext_lazy(
                "Ce dossier est clos et le projet se poursuit dans un nouveau brouillon, en "
                "procédure simplifiée, que le porteur complète et dépose."
            ),
        ),
    ]
}
# What the portal itself does, without a user: the tacit CESREES opinion.
SYSTEM_TRANSITIONS = frozenset({"file_opinion"})
PORTEUR_TRANSITIONS = [n for n, s in TRANSITIONS.items() if s.actor == "porteur"]

CONDITION_MESSAGES = {
    "declare_admissible": gettext_lazy(
        "Un dossier en procédure simplifiée s'enregistre au répertoire, sans CESREES ni CNIL."
    ),
    "register": gettext_lazy("Seules les procédures simplifiées (MR, EGB) s'enregistrent ainsi."),
}


RAPPORTEURS_REQUIRED = 2


def transition_blocker(dossier: Dossier, name: str) -> str:
    """Why step ``name`` cannot run yet although the dossier is at the right state ("" when
    it can). The pages show it beside the disabled button, and the services refuse with it."""
    if name == "submit":
        missing = missing_for_submission(dossier)
        if missing:
            return _("Complétez la liste avant de déposer (%(n)d élément(s) manquant(s)).") % {
                "n": len(missing)
            }
    elif name == "send_to_cesrees":
        n = dossier.assignments.count()
        if n < RAPPORTEURS_REQUIRED:
            return _("Désignez %(required)d rapporteurs (%(n)d/%(required)d)") % {
                "required": RAPPORTEURS_REQUIRED,
                "n": n,
            }
    elif name == "file_opinion":
        assigned = dossier.assignments.count()
        filed = dossier.assignments.filter(report_filed_at__isnull=False).count()
        if assigned == 0 or filed < assigned:
            return _("Attendez le rapport de chaque rapporteur (%(n)d/%(total)d déposés)") % {
                "n": filed,
                "total": assigned,
            }
    return ""


BLOCKABLE = frozenset({"submit", "send_to_cesrees", "file_opinion"})


def may_act(user, dossier: Dossier, name: str) -> bool:
    """True when ``user``'s role may perform transition ``name`` on ``dossier`` now."""
    spec = TRANSITIONS[name]
    return (
        ACTORS[spec.actor](user, dossier)
        and can_proceed(getattr(dossier, name))
        and not (name in BLOCKABLE and transition_blocker(dossier, name))
    )


def available_transitions(user, dossier: Dossier) -> list[TransitionSpec]:
    return [s for n, s in TRANSITIONS.items() if may_act(user, dossier, n)]


def blocked_transitions(user, dossier: Dossier) -> list[tuple[TransitionSpec, str]]:
    """The steps ``user`` will take from this state once a condition is met, with the reason
    they cannot run yet (shown disabled rather than hidden)."""
    blocked = []
    for name in BLOCKABLE:
        spec = TRANSITIONS[name]
        method = getattr(dossier, name)
        if not ACTORS[spec.actor](user, dossier):
            continue
        if not can_proceed(method, check_conditions=False):
            continue
        reason = transition_blocker(dossier, name)
        if reason:
            blocked.append((spec, reason))
    order = list(TRANSITIONS)
    return sorted(blocked, key=lambda pair: order.index(pair[0].name))


# --- The state machine ----------------------------------------------------------------
def dossier_transition(
    *, dossier: Dossier, name: str, by, comment: str = "", today: date | None = None, **params
) -> Dossier:
    """Move ``dossier`` through transition ``name`` as ``by`` (None: the system).

    Raises :class:`ActionForbidden` when ``by``'s role may not do it and
    :class:`DossierError` when the dossier is not in a state (or shape) that allows it.
    """
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise DossierError(_("Action inconnue : %(name)s") % {"name": name})
    today = today or timezone.localdate()
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        allowed = name in SYSTEM_TRANSITIONS if by is None else ACTORS[spec.actor](by, dossier)
        if not allowed:
            raise ActionForbidden(_("Votre rôle ne permet pas cette action sur ce dossier."))
        method = getattr(dossier, name)
        if not can_proceed(method, check_conditions=False):
            raise DossierError(
                _("Action « %(action)s » impossible : le dossier est « %(status)s ».")
                % {"action": spec.label, "status": dossier.get_status_display()}
            )
        # (submission says which items are missing: its effect checks the same checklist)
        blocker = transition_blocker(dossier, name) if name in BLOCKABLE - {"submit"} else ""
        if blocker and not (by is None and name in SYSTEM_TRANSITIONS):
            raise DossierError(blocker)
        if not can_proceed(method):
            raise DossierError(str(CONDITION_MESSAGES.get(name, _("Conditions non remplies."))))
        before = dossier.status
        changes = _EFFECTS.get(name, _no_effect)(
            dossier, by=by, today=today, comment=comment, **params
        )
        method()
        dossier.save()
        HistoryEntry.objects.create(
            dossier=dossier,
            actor=actor_user(by),
            transition=name,
            from_status=before,
            to_status=dossier.status,
            comment=comment,
        )
        audit_record(
            actor=by,
            action=f"dossier.{name}",
            target=dossier,
            changes={"status": [before, dossier.status], **(changes or {})},
        )
        _notify(
            dossier,
            spec.notify,
            subject=_("[%(ref)s] %(status)s")
            % {"ref": dossier.reference, "status": dossier.get_status_display()},
            body=_transition_body(dossier, spec, by, comment),
            exclude=by,
        )
    return dossier


def _no_effect(dossier, **kwargs):
    return {}


def _require(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DossierError(message)
    return value


def _effect_submit(dossier: Dossier, *, today, **kwargs):
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


def _effect_request_complements(dossier: Dossier, *, by, items: str = "", **kwargs):
    items = _require(items, _("Indiquez les éléments à compléter, un par ligne."))
    today = kwargs.get("today") or timezone.localdate()
    ComplementRequest.objects.create(
        dossier=dossier,
        items=items,
        requested_by=by,
        due_on=workdays.add_working_days(today, complements_working_days()),
    )
    dossier.due_on = None  # the clock stops while the porteur completes the dossier
    return {"complements": items}


def _effect_answer_complements(
    dossier: Dossier, *, by, today, answer: str = "", comment="", **kwargs
):
    answer = _require(answer or comment, _("Répondez aux compléments demandés."))
    pending = dossier.complements.filter(answered_at__isnull=True).last()
    if pending:
        pending.answer = answer
        pending.answered_by = by
        pending.answered_at = timezone.now()
        pending.save(update_fields=["answer", "answered_by", "answered_at"])
    dossier.due_on = workdays.add_working_days(today, completeness_working_days())
    return {"due_on": dossier.due_on}


def _effect_admissible(dossier: Dossier, *, today, **kwargs):
    dossier.admissible_on = today
    dossier.due_on = None
    return {}


def _effect_send_to_cesrees(dossier: Dossier, *, today, **kwargs):
    dossier.cesrees_sent_on = today
    dossier.due_on = workdays.add_months(today, cesrees_months())
    return {"due_on": dossier.due_on}


OPINIONS_NEEDING_REASONS = frozenset({Opinion.RESERVED, Opinion.UNFAVOURABLE})


def _effect_file_opinion(
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


def _effect_go_to_cnil(dossier: Dossier, *, today, **kwargs):
    dossier.cnil_sent_on = today
    dossier.cnil_renewals = 0
    dossier.due_on = workdays.add_months(today, cnil_months())
    return {"due_on": dossier.due_on}


def _effect_clear_due(dossier: Dossier, **kwargs):
    dossier.due_on = None
    return {}


def _cnil_effect(decision: str):
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


def _effect_sign_agreement(
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


def _effect_make_data_available(dossier: Dossier, *, today, workspace: str = "", **kwargs):
    dossier.workspace = _require(workspace, _("Indiquez l'espace projet où sont les données."))
    dossier.data_delivered_on = today
    return {"workspace": dossier.workspace, "data_delivered_on": today}


def _effect_close(dossier: Dossier, *, today, **kwargs):
    dossier.closed_on = today
    dossier.due_on = None
    return {}


def _effect_close_project(dossier: Dossier, *, today, results_url: str = "", **kwargs):
    results_url = _require(
        results_url, _("Indiquez le lien vers les résultats (publié au répertoire).")
    )
    if not results_url.startswith(("https://", "http://")):
        raise DossierError(_("Le lien vers les résultats doit commencer par https://."))
    dossier.results_url = results_url
    _effect_close(dossier, today=today)
    return {"results_url": results_url}


def _effect_redirect(dossier: Dossier, *, by, today, route: str = "", **kwargs):
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
        reference=_next_reference(year),
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


_EFFECTS = {
    "submit": _effect_submit,
    "request_complements": _effect_request_complements,
    "answer_complements": _effect_answer_complements,
    "declare_admissible": _effect_admissible,
    "register": _effect_admissible,
    "send_to_cesrees": _effect_send_to_cesrees,
    "file_opinion": _effect_file_opinion,
    "go_to_cnil": _effect_go_to_cnil,
    "correct": _effect_clear_due,
    "authorise": _cnil_effect(Status.AUTHORISED),
    "refuse": _cnil_effect(Status.REFUSED),
    "close_without_action": _cnil_effect(Status.CLOSED_WITHOUT_ACTION),
    "sign_agreement": _effect_sign_agreement,
    "make_data_available": _effect_make_data_available,
    "close": _effect_close_project,
    "withdraw": _effect_close,
    "redirect": _effect_redirect,
}


# Named services (the state machine's vocabulary, for callers that prefer names).
def dossier_submit(*, dossier: Dossier, by, comment: str = "") -> Dossier:
    return dossier_transition(dossier=dossier, name="submit", by=by, comment=comment)


def dossier_complements_request(*, dossier: Dossier, by, items: str, comment: str = "") -> Dossier:
    return dossier_transition(
        dossier=dossier, name="request_complements", by=by, items=items, comment=comment
    )


def dossier_complements_answer(*, dossier: Dossier, by, answer: str) -> Dossier:
    return dossier_transition(dossier=dossier, name="answer_complements", by=by, answer=answer)


def dossier_opinion_file(*, dossier: Dossier, by, opinion: str, comment: str = "") -> Dossier:
    return dossier_transition(
        dossier=dossier, name="file_opinion", by=by, opinion=opinion, comment=comment
    )


def dossier_withdraw(*, dossier: Dossier, by, comment: str = "") -> Dossier:
    return dossier_transition(dossier=dossier, name="withdraw", by=by, comment=comment)


# --- Notifications --------------------------------------------------------------------
def _transition_body(dossier: Dossier, spec: TransitionSpec, by, comment: str) -> str:
    who = (by.get_full_name() or by.get_username()) if by is not None else _("le portail")
    lines = [
        _("Dossier %(ref)s — %(title)s") % {"ref": dossier.reference, "title": dossier.title},
        _("Étape : %(label)s (par %(who)s)") % {"label": spec.label, "who": who},
        _("Nouveau statut : %(status)s") % {"status": dossier.get_status_display()},
    ]
    if dossier.due_on:
        lines.append(_("Échéance : %(d)s") % {"d": dossier.due_on.strftime("%d/%m/%Y")})
    if comment:
        lines += ["", comment]
    return "\n".join(lines)


def _recipients(dossier: Dossier, audiences, exclude=None) -> list[str]:
    users = set()
    if "team" in audiences:
        users.add(dossier.owner)
        users.update(m.user for m in dossier.team.select_related("user"))
    if "guichet" in audiences:
        users.update(holders_of(Capability.DOSSIER_INSTRUCT))
    if "projets" in audiences:
        users.update(holders_of(Capability.DOSSIER_FOLLOW))
    if "rapporteurs" in audiences:
        users.update(a.rapporteur for a in dossier.assignments.select_related("rapporteur"))
    return sorted(
        {
            u.email
            for u in users
            if u.email and u.is_active and (exclude is None or u.pk != exclude.pk)
        }
    )


def _notify(dossier: Dossier, audiences, *, subject: str, body: str, exclude=None) -> None:
    """E-mail the audiences once the current transaction commits (never before)."""
    recipients = _recipients(dossier, audiences, exclude=exclude)
    if not recipients:
        return
    url = dossier.get_absolute_url()

    def send():
        from .tasks import send_dossier_email

        send_dossier_email.delay(subject=subject, body=f"{body}\n\n{url}", recipients=recipients)

    transaction.on_commit(send)


# --- Dossier content ------------------------------------------------------------------
DOSSIER_FIELDS = CONTENT_FIELDS


def _next_reference(year: int) -> str:
    prefix = f"HDH-{year}-"
    last = Dossier.objects.filter(reference__startswith=prefix).aggregate(m=Max("reference"))["m"]
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def check_study_period(start: date | None, end: date | None) -> None:
    """A study period ends on or after its start (the form says it first, the service too)."""
    if start and end and end < start:
        raise InvalidDossier(
            _("La période d'étude finit le %(end)s, avant son début le %(start)s.")
            % {"end": end.strftime("%d/%m/%Y"), "start": start.strftime("%d/%m/%Y")}
        )


def dossier_create(*, by, title: str, **fields) -> Dossier:
    """A new draft dossier led by ``by``, with the next reference of the year."""
    if not can(by, Capability.DOSSIER_CREATE):
        raise ActionForbidden(_("Seuls les porteurs de projet créent des dossiers."))
    unknown = set(fields) - set(DOSSIER_FIELDS)
    if unknown:
        raise InvalidDossier(_("Champs inconnus : %(f)s") % {"f": ", ".join(sorted(unknown))})
    check_study_period(fields.get("study_start"), fields.get("study_end"))
    year = timezone.localdate().year
    for _attempt in range(5):
        try:
            with transaction.atomic():
                dossier = Dossier.objects.create(
                    reference=_next_reference(year), title=title, owner=by, **fields
                )
                audit_record(
                    actor=by, action="dossier.create", target=dossier, changes={"title": title}
                )
                return dossier
        except IntegrityError:
            continue  # two dossiers took the same number at once: take the next one
    raise DossierError(_("Impossible d'attribuer une référence, réessayez."))


def dossier_update(*, dossier: Dossier, by, data: dict) -> Dossier:
    """Change the content of a dossier the porteur may still edit."""
    if not can_edit(by, dossier):
        raise ActionForbidden(_("Ce dossier ne peut pas être modifié à cette étape."))
    fields = [f for f in data if f in DOSSIER_FIELDS]
    check_study_period(
        data.get("study_start", dossier.study_start), data.get("study_end", dossier.study_end)
    )
    with transaction.atomic():
        # "Before" from the database: a ModelForm has already written the new values into
        # ``dossier`` when it validated.
        stored = Dossier.objects.select_for_update().get(pk=dossier.pk)
        before = {f: getattr(stored, f) for f in fields}
        for f in fields:
            setattr(dossier, f, data[f])
        dossier.save()
        audit_record(
            actor=by,
            action="dossier.update",
            target=dossier,
            changes=audit_diff(dossier, before, fields),
        )
    return dossier


def document_open(*, document: Document, by):
    """The stored file of ``document``, opened for ``by`` (who must see its dossier); every
    read of a dossier document is audited."""
    with transaction.atomic():
        audit_record(
            actor=by,
            action="dossier.document_download",
            target=document.dossier,
            changes={
                "document": document.pk,
                "kind": document.kind,
                "version": document.version,
                "name": document.original_name,
            },
        )
    return document.file.open("rb")


def results_publish(*, dossier: Dossier, by, summary: str) -> Dossier:
    """Publish the project's results in the public directory (leaders or projets)."""
    if dossier.status not in (Status.IN_PROGRESS, Status.CLOSED):
        raise DossierError(_("Les résultats se publient une fois le projet démarré."))
    if not (is_leader(by, dossier) or can(by, Capability.DOSSIER_FOLLOW)):
        raise ActionForbidden(_("Votre rôle ne permet pas de publier les résultats."))
    summary = _require(summary, _("Décrivez les résultats publiés."))
    with transaction.atomic():
        dossier.results_summary = summary
        dossier.results_published_on = timezone.localdate()
        dossier.save(update_fields=["results_summary", "results_published_on", "updated_at"])
        audit_record(actor=by, action="dossier.results_publish", target=dossier)
    return dossier


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


def requested_data_add(
    *,
    dossier: Dossier,
    by,
    justification: str,
    label: str = "",
    variables=(),
    study_start: date | None = None,
    study_end: date | None = None,
    codes: str = "",
    code_list_version=None,
    **links,
) -> RequestedData:
    """Ask for a catalogue database or table (or a described dataset), with a justification,
    down to the table's variables, for a study period, with the codes that select the
    population (a free list until code lists can be attached)."""
    if not can_edit(by, dossier):
        raise ActionForbidden(_("Ce dossier ne peut pas être modifié à cette étape."))
    justification = _require(justification, _("Justifiez la demande de ces données."))
    check_study_period(study_start, study_end)
    for bound in (study_start, study_end):
        outside = (
            bound
            and dossier.study_start
            and dossier.study_end
            and not dossier.study_start <= bound <= dossier.study_end
        )
        if outside:
            raise DossierError(
                _("La période demandée sort de la période d'étude du dossier (%(s)s – %(e)s).")
                % {
                    "s": dossier.study_start.strftime("%d/%m/%Y"),
                    "e": dossier.study_end.strftime("%d/%m/%Y"),
                }
            )
    links = {k: v for k, v in links.items() if v is not None and k in ("database", "table")}
    table, database = links.get("table"), links.get("database")
    if table is not None:
        if database is not None and table.database_id != database.pk:
            raise DossierError(_("Cette table n'appartient pas à la base choisie."))
        links["database"] = table.database
    if not label and not links:
        raise DossierError(
            _("Choisissez une base ou une table du catalogue, ou décrivez les données.")
        )
    variables = list(variables or [])
    if variables and (table is None or any(v.table_id != table.pk for v in variables)):
        raise DossierError(_("Les variables demandées appartiennent à la table choisie."))
    codes = "\n".join(line.strip() for line in (codes or "").splitlines() if line.strip())
    if code_list_version is not None:
        from catalogue.codelists.services import code_list_attach

        code_list_attach(version=code_list_version, dossier=dossier, by=by)
    with transaction.atomic():
        item = RequestedData.objects.create(
            dossier=dossier,
            label=label,
            justification=justification,
            study_start=study_start,
            study_end=study_end,
            codes=codes,
            code_list_version=code_list_version,
            **links,
        )
        item.variables.set(variables)
        audit_record(
            actor=by,
            action="dossier.data_request",
            target=dossier,
            changes={
                "data": str(item),
                "variables": [v.name for v in variables],
                "code_list_version": str(code_list_version) if code_list_version else None,
            },
        )
    return item


def requested_data_remove(*, item: RequestedData, by) -> None:
    if not can_edit(by, item.dossier):
        raise ActionForbidden(_("Ce dossier ne peut pas être modifié à cette étape."))
    with transaction.atomic():
        audit_record(
            actor=by,
            action="dossier.data_remove",
            target=item.dossier,
            changes={"data": str(item)},
        )
        item.delete()


def messages_mark_read(*, dossier: Dossier, user) -> None:
    """``user`` has now read every message of ``dossier`` (a read receipt, not audited: it
    changes nothing of the dossier)."""
    if not is_signed_in(user):
        return
    MessageRead.objects.update_or_create(
        user=user, dossier=dossier, defaults={"read_at": timezone.now()}
    )


def document_add(*, dossier: Dossier, by, kind: str, upload: UploadedFile) -> Document:
    """Store a new version of a document after checking its type from its content."""
    if not can_upload(by, dossier):
        raise ActionForbidden(_("Vous ne pouvez pas déposer de document sur ce dossier."))
    if kind not in Document.Kind.values:
        raise DossierError(_("Choisissez le type du document."))
    limit = document_max_bytes()
    if upload.size > limit:
        raise DossierError(
            _("Le fichier dépasse %(mb)d Mo : réduisez-le ou découpez-le.")
            % {"mb": limit // (1024 * 1024)}
        )
    mime = sniff_document(upload.file)
    if mime is None:
        raise DossierError(
            _("Le contenu du fichier n'est pas un PDF, un ODT ou un DOCX (quel que soit son nom).")
        )
    stem = (upload.name or "document").rsplit("/", 1)[-1].rsplit(".", 1)[0][:200] or "document"
    name = f"{stem}.{EXTENSIONS[mime]}"
    with transaction.atomic():
        last = (
            Document.objects.select_for_update()
            .filter(dossier=dossier, kind=kind)
            .aggregate(m=Max("version"))["m"]
        )
        document = Document(
            dossier=dossier,
            kind=kind,
            version=(last or 0) + 1,
            original_name=name,
            content_type=mime,
            size=upload.size,
            uploaded_by=by,
        )
        document.file.save(
            f"{dossier.reference}-{kind}-v{document.version}.{EXTENSIONS[mime]}", upload, save=False
        )
        document.save()
        audit_record(
            actor=by,
            action="dossier.document_add",
            target=dossier,
            changes={"document": name, "kind": kind, "version": document.version},
        )
    return document


def message_post(*, dossier: Dossier, by, body: str, kind: str = Message.Kind.THREAD) -> Message:
    """A message in the porteur–guichet thread, or an internal staff note."""
    body = _require(body, _("Le message est vide."))
    if kind == Message.Kind.INTERNAL:
        if not is_hdh_staff(by):
            raise ActionForbidden(_("Les notes internes sont réservées aux équipes du HDH."))
    elif not can_post_thread(by, dossier):
        raise ActionForbidden(_("Vous ne pouvez pas écrire sur ce dossier."))
    with transaction.atomic():
        message = Message.objects.create(dossier=dossier, author=by, body=body, kind=kind)
        audit_record(actor=by, action=f"dossier.message_{kind}", target=dossier)
        if kind == Message.Kind.THREAD:
            audience = ("guichet",) if is_contributor(by, dossier) else ("team",)
            _notify(
                dossier,
                audience,
                subject=_("[%(ref)s] Nouveau message") % {"ref": dossier.reference},
                body=body,
                exclude=by,
            )
    return message


# --- CESREES --------------------------------------------------------------------------
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
    report = _require(report, _("Le rapport est vide."))
    if recommended_opinion and recommended_opinion not in Opinion.values:
        raise DossierError(_("Avis proposé inconnu."))
    with transaction.atomic():
        assignment.report = report
        assignment.recommended_opinion = recommended_opinion
        assignment.report_filed_at = timezone.now()
        assignment.save()
        audit_record(actor=by, action="dossier.report_file", target=dossier)
    return assignment


def cnil_deadline_renew(*, dossier: Dossier, by, comment: str = "") -> Dossier:
    """Renew the CNIL deadline once (two more months)."""
    if not is_instructor(by):
        raise ActionForbidden(_("Seul le guichet prolonge le délai de la CNIL."))
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if dossier.status != Status.CNIL_REVIEW:
            raise DossierError(_("Le délai se prolonge pendant l'instruction par la CNIL."))
        if dossier.cnil_renewals >= cnil_max_renewals():
            raise DossierError(_("Le délai de la CNIL n'est renouvelable qu'une fois."))
        before = dossier.due_on
        dossier.due_on = workdays.add_months(dossier.due_on or timezone.localdate(), cnil_months())
        dossier.cnil_renewals += 1
        dossier.save(update_fields=["due_on", "cnil_renewals", "updated_at"])
        HistoryEntry.objects.create(
            dossier=dossier,
            actor=by,
            transition="renew_cnil_deadline",
            from_status=dossier.status,
            to_status=dossier.status,
            comment=comment,
        )
        audit_record(
            actor=by,
            action="dossier.cnil_renew",
            target=dossier,
            changes={"due_on": [before, dossier.due_on]},
        )
    return dossier


# --- Daily deadlines ------------------------------------------------------------------
def dossiers_apply_tacit_opinions(*, today: date | None = None) -> list[str]:
    """The CESREES month has passed without an opinion: the opinion is tacitly favourable."""
    today = today or timezone.localdate()
    late = Dossier.objects.filter(
        status__in=[Status.SENT_TO_CESREES, Status.CESREES_REVIEW], due_on__lt=today
    )
    done = []
    for dossier in late:
        try:
            dossier_transition(
                dossier=dossier,
                name="file_opinion",
                by=None,
                today=today,
                opinion=Opinion.TACIT,
                comment=_("Avis favorable tacite : le délai d'un mois du CESREES est écoulé."),
            )
            done.append(dossier.reference)
        except DossierError:
            continue  # moved on meanwhile
    return done


def deadlines_remind(*, today: date | None = None, days: int | None = None) -> list[str]:
    """E-mail the guichet the dossiers whose deadline falls within ``days`` days (or passed)."""
    today = today or timezone.localdate()
    days = settings.ACCESS_REMINDER_DAYS if days is None else days
    due = list(
        Dossier.objects.filter(due_on__isnull=False, due_on__lte=today + timedelta(days=days))
        .exclude(status__in=TERMINAL_STATES)
        .order_by("due_on", "reference")
    )
    if not due:
        return []
    lines = [_("Dossiers à échéance dans les %(n)d jours :") % {"n": days}, ""]
    for d in due:
        late = _(" (EN RETARD)") if d.due_on < today else ""
        lines.append(
            f"- {d.reference} — {d.get_status_display()} — {d.due_on:%d/%m/%Y}{late} — {d.title}"
        )
    recipients = sorted(u.email for u in holders_of(Capability.DOSSIER_INSTRUCT) if u.email)
    if recipients:
        from .tasks import send_dossier_email

        subject = _("Portail HDH : %(n)d dossier(s) à échéance") % {"n": len(due)}
        transaction.on_commit(
            lambda: send_dossier_email.delay(
                subject=subject, body="\n".join(lines), recipients=recipients
            )
        )
    return [d.reference for d in due]


# --- Follow-up of authorised projects -------------------------------------------------
FOLLOW_UP_REMINDERS = (
    # (date field, "already reminded" field, subject)
    (
        "authorisation_expires_on",
        "expiry_reminded_on",
        gettext_lazy("[%(ref)s] L'autorisation arrive à échéance le %(d)s"),
    ),
    (
        "results_due_on",
        "results_reminded_on",
        gettext_lazy("[%(ref)s] Résultats attendus le %(d)s"),
    ),
)


def follow_up_remind(*, today: date | None = None, days: int | None = None) -> list[str]:
    """E-mail the team and the projects directorate once when a running project's
    authorisation expires, or its results are due, within ``days`` days."""
    today = today or timezone.localdate()
    days = follow_up_reminder_days() if days is None else days
    horizon = today + timedelta(days=days)
    running = [Status.AUTHORISED, Status.AGREEMENT_SIGNED, Status.DATA_AVAILABLE]
    running.append(Status.IN_PROGRESS)
    sent = []
    for date_field, flag, subject in FOLLOW_UP_REMINDERS:
        due = Dossier.objects.filter(
            status__in=running,
            **{f"{date_field}__isnull": False, f"{date_field}__lte": horizon, flag: None},
        )
        for dossier in due:
            with transaction.atomic():
                when = getattr(dossier, date_field)
                Dossier.objects.filter(pk=dossier.pk).update(**{flag: today})
                audit_record(
                    actor=None,
                    action="dossier.follow_up_remind",
                    target=dossier,
                    changes={date_field: when},
                )
                _notify(
                    dossier,
                    ("team", "projets"),
                    subject=str(subject) % {"ref": dossier.reference, "d": f"{when:%d/%m/%Y}"},
                    body=_("Dossier %(ref)s — %(title)s")
                    % {"ref": dossier.reference, "title": dossier.title},
                )
            sent.append(f"{dossier.reference}:{date_field}")
    return sent


def dossier_archive(*, dossier: Dossier, by, reason: str) -> Dossier:
    """Archive a dossier: the legal record stays whole (never deleted), out of daily work.

    Only the guichet and admins archive; the reason is required and audited.
    """
    if not (getattr(by, "is_superuser", False) or can(by, Capability.DOSSIER_INSTRUCT)):
        raise ActionForbidden(_("Seuls le guichet et les administrateurs archivent un dossier."))
    reason = _require(reason, _("Indiquez le motif de l'archivage."))
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if dossier.archived_at is not None:
            raise DossierError(_("Ce dossier est déjà archivé."))
        dossier.archived_at = timezone.now()
        dossier.archive_reason = reason
        dossier.archived_by = by
        dossier.save(update_fields=["archived_at", "archive_reason", "archived_by"])
        audit_record(
            actor=by,
            action="dossier.archive",
            target=dossier,
            changes={"archived_at": [None, dossier.archived_at], "reason": reason},
        )
    return dossier
