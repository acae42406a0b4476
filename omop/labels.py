"""Words for the step codes of the OMOP engines (``omop/etl`` speaks codes only)."""

from django.utils.translation import gettext_lazy as _

STEP_LABELS = {
    "generate": _("génération de l'extrait synthétique"),
    "unpack": _("décompression de l'archive"),
    "read": _("lecture de l'extrait"),
    "person": _("personnes (person)"),
    "visit_occurrence": _("visites (visit_occurrence)"),
    "drug_exposure": _("médicaments (drug_exposure)"),
    "procedure_occurrence": _("actes (procedure_occurrence)"),
    "observation_period": _("périodes d'observation (observation_period)"),
    "dimensions": _("lieux, établissements, professionnels"),
    "write": _("écriture des tables OMOP"),
    "dq": _("contrôles de qualité"),
    "results": _("résumé des résultats"),
    "total": _("total"),
}


def step_label(code: str) -> str:
    return str(STEP_LABELS.get(code, code))


def step_message(code: str) -> str:
    """The job message of a running step, stored as a code (see portal.messages)."""
    return f"omop.step:{code}"


MESSAGE_LABELS = {step_message(code): label for code, label in STEP_LABELS.items()}
