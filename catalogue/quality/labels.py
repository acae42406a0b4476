"""Words for the codes the profiling jobs store as their messages (see portal.messages): the
engine (catalogue.profiling) reports step codes, the job page words them in its language."""

from django.utils.translation import gettext_lazy as _

from portal.messages import coded

# catalogue.profiling's steps; %(subject)s is the column or table the step is about
PROFILING_STEPS = {
    "header": _("Lecture de l'en-tête du fichier"),
    "read": _("Lecture du fichier"),
    "read_latin1": _("Lecture du fichier (Latin-1)"),
    "variable": _("Statistiques de %(subject)s"),
    "foreign_key": _("Clé étrangère vers %(subject)s"),
    "done": _("Profilage terminé"),
}

MESSAGE_LABELS = {
    **{f"profiling.{code}": label for code, label in PROFILING_STEPS.items()},
    "quality.publishing": _("Publication des résultats (secret statistique)"),
    "quality.done": _("Profilage terminé : note %(grade)s"),
    "quality.title": _("Profilage de %(db)s / %(table)s"),
}


def profiling_message(step: str, subject: str = "") -> str:
    """The job message of a profiling step, stored as a code (see portal.messages)."""
    return coded(f"profiling.{step}", subject=subject) if subject else f"profiling.{step}"
