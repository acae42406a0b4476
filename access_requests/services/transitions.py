"""The state machine: who acts on each step, what blocks it, and the one service that moves a
dossier (checks the actor, runs the effects, writes history and audit, notifies)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from portal.actors import actor_user
from portal.audit import audit_record
from portal.roles import Capability, can

from ..models import (
    Dossier,
    HistoryEntry,
)
from ..rules import (
    is_assigned_rapporteur,
    is_instructor,
    is_leader,
    missing_for_submission,
)
from .effects import EFFECTS
from .errors import ActionForbidden, DossierError
from .notifications import notify, transition_body

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
        changes = EFFECTS.get(name, no_effect)(
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
        notify(
            dossier,
            spec.notify,
            subject=_("[%(ref)s] %(status)s")
            % {"ref": dossier.reference, "status": dossier.get_status_display()},
            body=transition_body(dossier, spec, by, comment),
            exclude=by,
        )
    return dossier


def no_effect(dossier, **kwargs):
    return {}


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
