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
    "events": _("diagnostics, actes hospitaliers et NGAP, biologie, dispositifs, unités médicales"),
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

# The engine's notices (a code and its parameters) in words.
NOTICE_LABELS = {
    "input_absent": _(
        "%(table)s est absente de l'extrait : ce qu'elle apporte à %(outputs)s manque "
        "(tables vides si rien d'autre ne les alimente)."
    ),
    "input_without_stays": _(
        "%(table)s est fournie sans T_MCOaaC : ses lignes n'ont pas de séjour et sont rejetées."
    ),
}


def notice_label(notice: dict) -> str:
    """A notice of the engine report (``{"code": …, "table": …}``) as a sentence."""
    template = NOTICE_LABELS.get(notice.get("code", ""))
    if template is None:
        return str(notice.get("code", ""))
    params = {k: ", ".join(v) if isinstance(v, list) else v for k, v in notice.items()}
    return str(template) % params
