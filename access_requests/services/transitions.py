"""The state machine: the one service that moves a dossier through a step declared in
:mod:`.workflow` (checks the actor and the conditions, runs the effect, writes history and
audit, notifies), and the questions the pages ask about the steps."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from portal.actors import actor_user
from portal.audit import audit_record

from ..models import Dossier, HistoryEntry
from .errors import ActionForbidden, DossierError
from .notifications import notify, transition_body
from .workflow import ACTORS, PORTEUR, RAPPORTEURS_REQUIRED, TRANSITIONS, WORKFLOW, Transition

__all__ = [
    "ACTORS",
    "PORTEUR_TRANSITIONS",
    "RAPPORTEURS_REQUIRED",
    "TRANSITIONS",
    "Transition",
    "available_transitions",
    "blocked_transitions",
    "dossier_transition",
    "may_act",
    "transition_blocker",
]

PORTEUR_TRANSITIONS = [t.name for t in WORKFLOW if t.actor is PORTEUR]


def transition_blocker(dossier: Dossier, name: str) -> str:
    """Why step ``name`` cannot run yet although the dossier is at the right state ("" when
    it can). The pages show it beside the disabled button, and the services refuse with it."""
    return TRANSITIONS[name].waiting_for(dossier)


def may_act(user, dossier: Dossier, name: str) -> bool:
    """True when ``user``'s role may perform transition ``name`` on ``dossier`` now."""
    step = TRANSITIONS[name]
    return (
        step.actor.may(user, dossier) and step.applies_to(dossier) and not step.waiting_for(dossier)
    )


def available_transitions(user, dossier: Dossier) -> list[Transition]:
    return [t for t in WORKFLOW if may_act(user, dossier, t.name)]


def blocked_transitions(user, dossier: Dossier) -> list[tuple[Transition, str]]:
    """The steps ``user`` will take from this state once a condition is met, with the reason
    they cannot run yet (shown disabled rather than hidden)."""
    blocked = []
    for step in WORKFLOW:
        if not step.actor.may(user, dossier) or not step.applies_to(dossier):
            continue
        reason = step.waiting_for(dossier)
        if reason:
            blocked.append((step, reason))
    return blocked


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
        allowed = spec.system if by is None else spec.actor.may(by, dossier)
        if not allowed:
            raise ActionForbidden(_("Votre rôle ne permet pas cette action sur ce dossier."))
        if dossier.status not in spec.sources:
            raise DossierError(
                _("Action « %(action)s » impossible : le dossier est « %(status)s ».")
                % {"action": spec.label, "status": dossier.get_status_display()}
            )
        blocker = spec.waiting_for(dossier, refusing=True)
        if blocker and not (by is None and spec.system):
            raise DossierError(blocker)
        refusal = spec.route_refusal(dossier)
        if refusal:
            raise DossierError(refusal)
        method = getattr(dossier, name)  # django-fsm guards the status field underneath
        if not can_proceed(method):
            raise DossierError(_("Conditions non remplies."))
        before = dossier.status
        changes = spec.effect(dossier, by=by, today=today, comment=comment, **params)
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
        notify(
            dossier,
            spec.notify,
            subject=_("[%(ref)s] %(status)s")
            % {"ref": dossier.reference, "status": dossier.get_status_display()},
            body=transition_body(dossier, spec, by, comment),
            exclude=by,
        )
    return dossier


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
