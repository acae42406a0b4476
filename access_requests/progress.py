"""Where a dossier is in its procedure, who acts next and by when (the step indicator).

The route decides the steps (the simplified routes skip the CESREES and the CNIL); the
status decides the current step and whose move it is; the deadline is the one the state
machine keeps (``due_on``), or the porteur's own for a request for complements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.roles import Capability, can

from . import calendar as workdays
from .models import TERMINAL_STATES, Dossier, Status
from .rules import is_assigned_rapporteur, is_contributor, is_instructor

S = Status
STEPS = {
    "deposit": gettext_lazy("Dépôt"),
    "completeness": gettext_lazy("Complétude"),
    "cesrees": gettext_lazy("CESREES"),
    "cnil": gettext_lazy("CNIL"),
    "agreement": gettext_lazy("Convention"),
    "delivery": gettext_lazy("Mise à disposition"),
    "closing": gettext_lazy("Clôture"),
}
STANDARD_STEPS = list(STEPS)
SIMPLIFIED_STEPS = ["deposit", "completeness", "agreement", "delivery", "closing"]

STEP_OF_STATUS = {
    S.DRAFT: "deposit",
    S.SUBMITTED: "completeness",
    S.COMPLETENESS_CHECK: "completeness",
    S.COMPLEMENTS_REQUESTED: "completeness",
    S.ADMISSIBLE: "cesrees",
    S.SENT_TO_CESREES: "cesrees",
    S.CESREES_REVIEW: "cesrees",
    S.CESREES_OPINION: "cesrees",
    S.IN_CORRECTION: "cesrees",
    S.CNIL_REVIEW: "cnil",
    S.REFUSED: "cnil",
    S.CLOSED_WITHOUT_ACTION: "cnil",
    S.AUTHORISED: "agreement",
    S.REGISTERED: "agreement",
    S.AGREEMENT_SIGNED: "delivery",
    S.DATA_AVAILABLE: "closing",
    S.IN_PROGRESS: "closing",
    S.CLOSED: "closing",
}

# Whose move it is in each open state, and what that move is.
ACTORS = {
    "porteur": gettext_lazy("Porteur"),
    "guichet": gettext_lazy("Guichet"),
    "cesrees": gettext_lazy("CESREES"),
    "cnil": gettext_lazy("CNIL"),
    "projets": gettext_lazy("Direction projets"),
}
NEXT_MOVE = {
    S.DRAFT: ("porteur", gettext_lazy("compléter et déposer le dossier")),
    S.SUBMITTED: ("guichet", gettext_lazy("vérification")),
    S.COMPLETENESS_CHECK: ("guichet", gettext_lazy("vérification")),
    S.COMPLEMENTS_REQUESTED: ("porteur", gettext_lazy("compléments demandés")),
    S.ADMISSIBLE: ("guichet", gettext_lazy("désignation des rapporteurs et saisine du CESREES")),
    S.SENT_TO_CESREES: ("cesrees", gettext_lazy("avis du comité")),
    S.CESREES_REVIEW: ("cesrees", gettext_lazy("avis du comité")),
    S.CESREES_OPINION: ("porteur", gettext_lazy("choisir la suite après l'avis du CESREES")),
    S.IN_CORRECTION: ("porteur", gettext_lazy("corriger et redéposer le dossier")),
    S.CNIL_REVIEW: ("cnil", gettext_lazy("décision sur l'autorisation")),
    S.AUTHORISED: ("projets", gettext_lazy("signature de la convention")),
    S.REGISTERED: ("projets", gettext_lazy("signature de la convention")),
    S.AGREEMENT_SIGNED: ("projets", gettext_lazy("mise à disposition des données")),
    S.DATA_AVAILABLE: ("projets", gettext_lazy("démarrage du projet")),
    S.IN_PROGRESS: ("porteur", gettext_lazy("résultats attendus")),
}


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    state: str  # "done", "current" or "todo"


@dataclass(frozen=True)
class Progress:
    steps: list[Step]
    current: int  # 1-based, as the DSFR stepper counts
    actor: str  # a key of ACTORS, "" when the procedure is over
    yours: bool  # the viewer is the one who acts
    action: str  # "Guichet : vérification avant le 11/12/2026", "À vous : …", or the outcome
    due_on: date | None
    working_days_left: int | None  # negative when late
    finished: bool

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def current_label(self) -> str:
        return self.steps[self.current - 1].label

    @property
    def next_label(self) -> str:
        return self.steps[self.current].label if self.current < self.total else ""

    @property
    def late(self) -> bool:
        return self.working_days_left is not None and self.working_days_left < 0

    @property
    def days_late(self) -> int:
        return -self.working_days_left if self.late else 0


def _is_actor(user, dossier: Dossier, actor: str) -> bool:
    if actor == "porteur":
        return is_contributor(user, dossier)
    if actor == "guichet":
        return is_instructor(user)
    if actor == "cesrees":
        return is_assigned_rapporteur(user, dossier)
    if actor == "projets":
        return can(user, Capability.DOSSIER_FOLLOW)
    return False


def _deadline(dossier: Dossier) -> date | None:
    if dossier.status == S.COMPLEMENTS_REQUESTED:
        pending = dossier.complements.filter(answered_at__isnull=True).last()
        return pending.due_on if pending else None
    if dossier.status == S.IN_PROGRESS:
        return dossier.results_due_on
    return dossier.due_on


def dossier_progress(dossier: Dossier, user, today: date | None = None) -> Progress:
    today = today or timezone.localdate()
    codes = STANDARD_STEPS if dossier.route == "standard" else SIMPLIFIED_STEPS
    status = dossier.status
    if status in (S.WITHDRAWN, S.REDIRECTED):
        # The indicator stays at the step the procedure stopped at.
        last = dossier.history.exclude(from_status=status).order_by("-at", "-id").first()
        status_for_step = last.from_status if last else S.DRAFT
    else:
        status_for_step = status
    step_code = STEP_OF_STATUS.get(status_for_step, "deposit")
    if step_code not in codes:  # a simplified dossier never meets the CESREES or the CNIL
        step_code = "completeness"
    current = codes.index(step_code) + 1
    finished = status in TERMINAL_STATES
    steps = [
        Step(
            code,
            str(STEPS[code]),
            "done"
            if i + 1 < current or (finished and status == S.CLOSED)
            else "current"
            if i + 1 == current
            else "todo",
        )
        for i, code in enumerate(codes)
    ]
    if finished:
        return Progress(
            steps,
            current,
            "",
            False,
            _("Procédure terminée : %(status)s") % {"status": dossier.get_status_display()},
            None,
            None,
            True,
        )
    actor, move = NEXT_MOVE[status]
    due = _deadline(dossier)
    yours = _is_actor(user, dossier, actor)
    who = _("À vous") if yours else str(ACTORS[actor])
    left = None
    if due:
        left = (
            workdays.working_days_between(today, due)
            if due >= today
            else -workdays.working_days_between(due, today)
        )
        text = _("%(who)s : %(move)s avant le %(date)s") % {
            "who": who,
            "move": move,
            "date": due.strftime("%d/%m/%Y"),
        }
    else:
        text = _("%(who)s : %(move)s") % {"who": who, "move": move}
    return Progress(steps, current, actor, yours, text, due, left, False)
