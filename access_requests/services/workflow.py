"""The procedure, one declaration per step: from which states, to which state, its label, who
takes it, who is told, what it writes (its effect), and the conditions with their messages.

Every reader asks this module: the services (:mod:`.transitions`) to move a dossier, the
pages and the API to show the buttons, and django-fsm, whose transitions guarding the status
field underneath are made from these declarations (:func:`fsm_transitions`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import transition

from portal.roles import Capability, can

from ..models import OPEN_STATES, Dossier, Status
from ..rules import is_assigned_rapporteur, is_leader, missing_for_submission
from . import effects

S = Status


# --- Who acts -------------------------------------------------------------------------
@dataclass(frozen=True)
class Actor:
    """Who takes a step: the holders of ``capability`` (None: the project's leaders), and,
    on top of it, what ties them to this dossier (``on_dossier``)."""

    code: str
    capability: Capability | None
    on_dossier: Callable[[object, Dossier], bool] | None = None

    def may(self, user, dossier: Dossier) -> bool:
        if self.capability is not None and not can(user, self.capability):
            return False
        return self.on_dossier is None or self.on_dossier(user, dossier)


def _leader_or_admin(user, dossier: Dossier) -> bool:
    return is_leader(user, dossier) or getattr(user, "is_superuser", False)


def _assigned_or_admin(user, dossier: Dossier) -> bool:
    return is_assigned_rapporteur(user, dossier) or getattr(user, "is_superuser", False)


PORTEUR = Actor("porteur", None, _leader_or_admin)
GUICHET = Actor("guichet", Capability.DOSSIER_INSTRUCT)
RAPPORTEUR = Actor("rapporteur", None, _assigned_or_admin)  # DOSSIER_REVIEW + assignment
PROJETS = Actor("projets", Capability.DOSSIER_FOLLOW)
ACTORS: dict[str, Actor] = {a.code: a for a in (PORTEUR, GUICHET, RAPPORTEUR, PROJETS)}


# --- Conditions -----------------------------------------------------------------------
@dataclass(frozen=True)
class Condition:
    """What a step needs besides the state, as the message saying why it is not met ("" when
    it is). A *route* condition says the step does not exist for this dossier (hidden); a
    *wait* condition says it will be possible later (shown disabled with its message)."""

    reason: Callable[[Dossier], str]
    wait: bool = False
    # False: the effect refuses with its own, longer message (the submission lists what is
    # missing); the page still shows this one beside the disabled button.
    refuses: bool = True


RAPPORTEURS_REQUIRED = 2


def _checklist_done(dossier: Dossier) -> str:
    missing = missing_for_submission(dossier)
    if missing:
        return _("Complétez la liste avant de déposer (%(n)d élément(s) manquant(s)).") % {
            "n": len(missing)
        }
    return ""


def _rapporteurs_assigned(dossier: Dossier) -> str:
    n = dossier.assignments.count()
    if n < RAPPORTEURS_REQUIRED:
        return _("Désignez %(required)d rapporteurs (%(n)d/%(required)d)") % {
            "required": RAPPORTEURS_REQUIRED,
            "n": n,
        }
    return ""


def _reports_filed(dossier: Dossier) -> str:
    assigned = dossier.assignments.count()
    filed = dossier.assignments.filter(report_filed_at__isnull=False).count()
    if assigned == 0 or filed < assigned:
        return _("Attendez le rapport de chaque rapporteur (%(n)d/%(total)d déposés)") % {
            "n": filed,
            "total": assigned,
        }
    return ""


def _route(applies: Callable[[Dossier], bool], message) -> Condition:
    return Condition(lambda dossier: "" if applies(dossier) else str(message))


STANDARD_ROUTE = _route(
    lambda d: not d.is_simplified,
    gettext_lazy(
        "Un dossier en procédure simplifiée s'enregistre au répertoire, sans CESREES ni CNIL."
    ),
)
SIMPLIFIED_ROUTE = _route(
    lambda d: d.is_simplified,
    gettext_lazy("Seules les procédures simplifiées (MR, EGB) s'enregistrent ainsi."),
)


# --- The steps ------------------------------------------------------------------------
@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[Status, ...]
    target: Status
    label: str
    actor: Actor
    notify: tuple[str, ...]  # "team", "guichet", "projets", "rapporteurs"
    effect: Callable[..., dict] = effects.no_effect
    conditions: tuple[Condition, ...] = ()
    destructive: bool = False
    # What will happen, said before the user confirms (every destructive step has one).
    consequence: str = ""
    # Steps that cannot be undone go through a confirmation page.
    confirm: bool = False
    # The portal itself may take it, without a user (the tacit CESREES opinion), whatever
    # its wait conditions.
    system: bool = False

    def __post_init__(self):
        if self.destructive and not self.confirm:
            object.__setattr__(self, "confirm", True)

    def applies_to(self, dossier: Dossier) -> bool:
        """At one of its sources, and on a route that has this step."""
        return dossier.status in self.sources and not any(
            c.reason(dossier) for c in self.conditions if not c.wait
        )

    def route_refusal(self, dossier: Dossier) -> str:
        return next((m for c in self.conditions if not c.wait and (m := c.reason(dossier))), "")

    def waiting_for(self, dossier: Dossier, *, refusing: bool = False) -> str:
        """The first unmet wait condition's message ("" when none); ``refusing``: only those
        the service refuses with."""
        for condition in self.conditions:
            if condition.wait and (condition.refuses or not refusing):
                message = condition.reason(dossier)
                if message:
                    return message
        return ""


WORKFLOW: tuple[Transition, ...] = (
    Transition(
        "submit",
        (S.DRAFT, S.IN_CORRECTION),
        S.SUBMITTED,
        gettext_lazy("Déposer le dossier"),
        PORTEUR,
        ("guichet",),
        effects.submit,
        (Condition(_checklist_done, wait=True, refuses=False),),
    ),
    Transition(
        "start_check",
        (S.SUBMITTED,),
        S.COMPLETENESS_CHECK,
        gettext_lazy("Commencer la vérification"),
        GUICHET,
        ("team",),
    ),
    Transition(
        "request_complements",
        (S.COMPLETENESS_CHECK,),
        S.COMPLEMENTS_REQUESTED,
        gettext_lazy("Demander des compléments"),
        GUICHET,
        ("team",),
        effects.request_complements,
    ),
    Transition(
        "answer_complements",
        (S.COMPLEMENTS_REQUESTED,),
        S.COMPLETENESS_CHECK,
        gettext_lazy("Répondre aux compléments"),
        PORTEUR,
        ("guichet",),
        effects.answer_complements,
    ),
    Transition(
        "declare_admissible",
        (S.COMPLETENESS_CHECK,),
        S.ADMISSIBLE,
        gettext_lazy("Déclarer recevable"),
        GUICHET,
        ("team",),
        effects.admissible,
        (STANDARD_ROUTE,),
    ),
    Transition(
        "register",
        (S.COMPLETENESS_CHECK,),
        S.REGISTERED,
        gettext_lazy("Enregistrer (procédure simplifiée)"),
        GUICHET,
        ("team", "projets"),
        effects.admissible,
        (SIMPLIFIED_ROUTE,),
    ),
    Transition(
        "send_to_cesrees",
        (S.ADMISSIBLE,),
        S.SENT_TO_CESREES,
        gettext_lazy("Transmettre au CESREES"),
        GUICHET,
        ("team", "rapporteurs"),
        effects.send_to_cesrees,
        (Condition(_rapporteurs_assigned, wait=True),),
    ),
    Transition(
        "start_cesrees_review",
        (S.SENT_TO_CESREES,),
        S.CESREES_REVIEW,
        gettext_lazy("Mettre en examen au CESREES"),
        GUICHET,
        ("rapporteurs",),
    ),
    Transition(
        "file_opinion",
        (S.SENT_TO_CESREES, S.CESREES_REVIEW),
        S.CESREES_OPINION,
        gettext_lazy("Rendre l'avis du CESREES"),
        RAPPORTEUR,
        ("team", "guichet"),
        effects.file_opinion,
        (Condition(_reports_filed, wait=True),),
        consequence=gettext_lazy(
            "L'avis du comité est définitif : il est communiqué au porteur et publié au "
            "répertoire avec sa date."
        ),
        confirm=True,
        system=True,
    ),
    Transition(
        "go_to_cnil",
        (S.CESREES_OPINION,),
        S.CNIL_REVIEW,
        gettext_lazy("Poursuivre vers la CNIL"),
        PORTEUR,
        ("guichet",),
        effects.go_to_cnil,
        consequence=gettext_lazy(
            "Le dossier part tel quel, avec l'avis du CESREES, à la CNIL, qui a deux mois "
            "pour décider (une prolongation possible)."
        ),
    ),
    Transition(
        "correct",
        (S.CESREES_OPINION,),
        S.IN_CORRECTION,
        gettext_lazy("Corriger le dossier"),
        PORTEUR,
        ("guichet",),
        effects.clear_due,
        consequence=gettext_lazy(
            "Vous modifiez le dossier pour tenir compte de l'avis, puis vous le redéposez : "
            "il repasse par la vérification du guichet et par le CESREES."
        ),
    ),
    Transition(
        "authorise",
        (S.CNIL_REVIEW,),
        S.AUTHORISED,
        gettext_lazy("Enregistrer l'autorisation CNIL"),
        GUICHET,
        ("team", "projets"),
        effects.cnil_decision(Status.AUTHORISED),
    ),
    Transition(
        "refuse",
        (S.CNIL_REVIEW,),
        S.REFUSED,
        gettext_lazy("Enregistrer le refus CNIL"),
        GUICHET,
        ("team",),
        effects.cnil_decision(Status.REFUSED),
    ),
    Transition(
        "close_without_action",
        (S.CNIL_REVIEW,),
        S.CLOSED_WITHOUT_ACTION,
        gettext_lazy("Classer sans suite"),
        GUICHET,
        ("team",),
        effects.cnil_decision(Status.CLOSED_WITHOUT_ACTION),
        destructive=True,
        consequence=gettext_lazy(
            "La procédure s'arrête : le porteur devra déposer un nouveau dossier."
        ),
    ),
    Transition(
        "sign_agreement",
        (S.AUTHORISED, S.REGISTERED),
        S.AGREEMENT_SIGNED,
        gettext_lazy("Enregistrer la convention signée"),
        PROJETS,
        ("team",),
        effects.sign_agreement,
    ),
    Transition(
        "make_data_available",
        (S.AGREEMENT_SIGNED,),
        S.DATA_AVAILABLE,
        gettext_lazy("Mettre les données à disposition"),
        PROJETS,
        ("team",),
        effects.make_data_available,
    ),
    Transition(
        "start_project",
        (S.DATA_AVAILABLE,),
        S.IN_PROGRESS,
        gettext_lazy("Démarrer le projet"),
        PROJETS,
        ("team",),
    ),
    Transition(
        "close",
        (S.IN_PROGRESS,),
        S.CLOSED,
        gettext_lazy("Clore le projet"),
        PROJETS,
        ("team", "guichet"),
        effects.close_project,
        destructive=True,
        consequence=gettext_lazy(
            "Le projet est clos : plus aucune étape n'est possible, et le lien vers ses "
            "résultats est publié au répertoire public."
        ),
    ),
    Transition(
        "withdraw",
        (S.DRAFT, *OPEN_STATES),
        S.WITHDRAWN,
        gettext_lazy("Retirer le dossier"),
        PORTEUR,
        ("guichet",),
        effects.close,
        destructive=True,
        consequence=gettext_lazy(
            "La procédure s'arrête pour de bon : le dossier ne pourra plus être modifié ni "
            "redéposé ; il faudra en créer un nouveau."
        ),
    ),
    Transition(
        "redirect",
        tuple(OPEN_STATES),
        S.REDIRECTED,
        gettext_lazy("Réorienter le dossier"),
        GUICHET,
        ("team",),
        effects.redirect,
        destructive=True,
        consequence=gettext_lazy(
            "Ce dossier est clos et le projet se poursuit dans un nouveau brouillon, en "
            "procédure simplifiée, que le porteur complète et dépose."
        ),
    ),
)

TRANSITIONS: dict[str, Transition] = {t.name: t for t in WORKFLOW}


# --- The guard underneath: django-fsm, made from the same declarations ------------------
def _fsm_transition(step: Transition):
    """``step`` as a django-fsm transition of ``Dossier.status``: its sources, its target, and
    the conditions the services refuse with (routes always; waits unless the system may take
    the step before them). The body only moves the state: the effects write the rest."""
    guards = [c for c in step.conditions if not c.wait or (c.refuses and not step.system)]

    def move(dossier):
        pass

    move.__name__ = move.__qualname__ = step.name
    move.__doc__ = f"{step.name}: {', '.join(step.sources)} → {step.target} (workflow.py)"
    return transition(
        field="status",
        source=list(step.sources),
        target=step.target,
        conditions=[lambda dossier, c=c: not c.reason(dossier) for c in guards],
    )(move)


def fsm_transitions() -> None:
    """Give Dossier one django-fsm transition per declared step (called once, when the app is
    ready), so that the status field is guarded by exactly what this module declares."""
    for step in WORKFLOW:
        setattr(Dossier, step.name, _fsm_transition(step))
    Dossier._meta.get_field("status")._collect_transitions(sender=Dossier)


def turn_of(actor: Actor) -> list[Status]:
    """The states where the next move is ``actor``'s: the sources of their forward steps
    (withdrawing, redirecting or closing without action is always possible, not a turn)."""
    states = {s for t in WORKFLOW if t.actor is actor and not t.destructive for s in t.sources}
    return [s for s in Status if s in states]
