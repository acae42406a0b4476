"""Writes on dossiers, one module per concept. Each state change is one service call that
checks who acts, changes the dossier, writes the history entry and the audit row in one
transaction, and e-mails the people concerned through Celery once the transaction commits.

The names below are re-exported so that ``from access_requests import services`` keeps
working; new code may import from the concept's module.
"""

from .deadlines import (
    FOLLOW_UP_REMINDERS,
    cnil_deadline_renew,
    deadlines_remind,
    dossiers_apply_tacit_opinions,
    follow_up_remind,
)
from .documents import (
    document_add,
    document_open,
)
from .dossiers import (
    DOSSIER_FIELDS,
    check_study_period,
    dossier_archive,
    dossier_create,
    dossier_update,
    results_publish,
)
from .errors import (
    ActionForbidden,
    DossierError,
    InvalidDossier,
)
from .limits import (
    authorisation_default_months,
    cesrees_months,
    cnil_max_renewals,
    cnil_months,
    complements_working_days,
    completeness_working_days,
    document_max_bytes,
    follow_up_reminder_days,
    rapporteur_monthly_limit,
)
from .messages import (
    message_post,
    messages_mark_read,
)
from .rapporteurs import (
    rapporteur_assign,
    rapporteur_report_file,
)
from .requested_data import (
    requested_data_add,
    requested_data_remove,
)
from .team import (
    NO_SUCH_PORTEUR,
    team_candidate,
    team_member_add,
    team_member_remove,
)
from .transitions import (
    ACTORS,
    PORTEUR_TRANSITIONS,
    RAPPORTEURS_REQUIRED,
    TRANSITIONS,
    available_transitions,
    blocked_transitions,
    dossier_complements_answer,
    dossier_complements_request,
    dossier_opinion_file,
    dossier_submit,
    dossier_transition,
    dossier_withdraw,
    may_act,
    transition_blocker,
)
from .workflow import WORKFLOW, Transition

__all__ = [
    "WORKFLOW",
    "Transition",
    "ACTORS",
    "ActionForbidden",
    "DOSSIER_FIELDS",
    "DossierError",
    "FOLLOW_UP_REMINDERS",
    "InvalidDossier",
    "NO_SUCH_PORTEUR",
    "PORTEUR_TRANSITIONS",
    "RAPPORTEURS_REQUIRED",
    "TRANSITIONS",
    "authorisation_default_months",
    "available_transitions",
    "blocked_transitions",
    "cesrees_months",
    "check_study_period",
    "cnil_deadline_renew",
    "cnil_max_renewals",
    "cnil_months",
    "complements_working_days",
    "completeness_working_days",
    "deadlines_remind",
    "document_add",
    "document_max_bytes",
    "document_open",
    "dossier_archive",
    "dossier_complements_answer",
    "dossier_complements_request",
    "dossier_create",
    "dossier_opinion_file",
    "dossier_submit",
    "dossier_transition",
    "dossier_update",
    "dossier_withdraw",
    "dossiers_apply_tacit_opinions",
    "follow_up_remind",
    "follow_up_reminder_days",
    "may_act",
    "message_post",
    "messages_mark_read",
    "rapporteur_assign",
    "rapporteur_monthly_limit",
    "rapporteur_report_file",
    "requested_data_add",
    "requested_data_remove",
    "results_publish",
    "team_candidate",
    "team_member_add",
    "team_member_remove",
    "transition_blocker",
]
