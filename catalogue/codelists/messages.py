"""ReferentialError codes in the page's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.messages import coded, words

from .referentials import ReferentialError

UNKNOWN_CODES = _("Codes inconnus des référentiels : %(codes)s.")
UNKNOWN_CODE = _("%(system)s %(code)s (ligne %(line)s)")


def _unknown_codes(params: dict) -> str:
    """The unknown codes, each with its line, worded in the reader's language: the job
    stores the list as it is (its worker runs in French), the page words it."""
    codes = params.get("codes", "")
    if isinstance(codes, list):  # else a job stored the words already, before this change
        codes = ", ".join(str(UNKNOWN_CODE) % code for code in codes)
    return str(UNKNOWN_CODES) % {"codes": codes}


MESSAGES = {
    "empty_file": _("Le fichier %(file)s est vide."),
    "missing_columns": _(
        "Le fichier %(file)s n'a pas les colonnes %(columns)s : attendu %(expected)s. Rien n'a été importé."
    ),
    "bad_cip13": _(
        "%(file)s, ligne %(line)s : « %(value)s » n'est pas un code CIP13 (13 chiffres)."
    ),
    "bdpm_wrong_format": _(
        "%(file)s, ligne %(line)s : %(found)s champs séparés par des tabulations, %(expected)s attendus "
        "(fichier BDPM de l'ANSM, sans ligne d'en-tête). Rien n'a été importé."
    ),
    "not_text": _(
        "Le fichier %(file)s n'est pas un fichier texte : attendu %(expected)s. Rien n'a été importé."
    ),
    "upload_too_large": _("Le fichier %(file)s dépasse la limite de %(limit)s."),
    "missing_file": _("Fichier manquant : %(file)s."),
    "no_vocabulary": _("Aucun vocabulaire OMOP n'est chargé : chargez-en un d'abord."),
    "unknown_codes": _unknown_codes,
}


# What the referential imports report while they run (codes, see portal.messages).
MESSAGE_LABELS = {
    "codelists.read": _("%(source)s : %(n)s codes lus"),
    "codelists.stored": _("%(source)s : %(n)s codes sur %(total)s"),
    "codelists.title": _("Référentiel %(source)s"),
}


def error_message(exc: ReferentialError) -> str:
    template = MESSAGES.get(exc.code)
    return words(template, exc.params) if template is not None else str(exc)


def error_job_message(exc: ReferentialError) -> str:
    """The error of a failed import job, stored as a code the job page words (portal.messages)."""
    if exc.code not in MESSAGES:
        return str(exc)
    return coded(f"codelists.error:{exc.code}", **exc.params)


MESSAGE_LABELS.update({f"codelists.error:{code}": label for code, label in MESSAGES.items()})
