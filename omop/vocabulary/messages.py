"""Error codes of ``omop.etl.athena`` and of the vocabulary services, in the page's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from omop.etl.athena import VocabularyError
from portal.messages import coded, words

MESSAGES = {
    "bundle_not_found": _("Aucun paquet de vocabulaires à l'emplacement %(path)s."),
    "bundle_not_a_folder_or_zip": _(
        "%(path)s n'est ni un dossier ni une archive zip : donnez le téléchargement Athena."
    ),
    "archive_refused": _(
        "L'archive %(file)s est refusée (%(reason)s) : fichiers trop volumineux, anormalement "
        "compressés, liens ou chemins hors de l'archive."
    ),
    "missing_file": _(
        "Le fichier %(file)s manque au paquet : le téléchargement Athena doit le contenir. "
        "Le vocabulaire en service reste inchangé."
    ),
    "missing_columns": _(
        "Le fichier %(file)s n'a pas les colonnes %(columns)s (première ligne). "
        "Le vocabulaire en service reste inchangé."
    ),
    "wrong_field_count": _(
        "%(file)s, ligne %(line)s : nombre de champs incorrect (séparateur tabulation attendu). "
        "Rien n'a été chargé."
    ),
    "bad_date": _(
        "%(file)s, ligne %(line)s : date invalide (format AAAAMMJJ attendu). Rien n'a été chargé."
    ),
    "bad_number": _("%(file)s, ligne %(line)s : identifiant non numérique. Rien n'a été chargé."),
    "not_utf8": _("%(file)s, ligne %(line)s : le fichier n'est pas en UTF-8. Rien n'a été chargé."),
    "required_value_missing": _(
        "%(file)s, ligne %(line)s : un champ obligatoire est vide. Rien n'a été chargé."
    ),
    "unreadable_file": _("Le fichier %(file)s est illisible. Rien n'a été chargé."),
    "usagi_needs_source_vocabulary": _(
        "Un export Usagi ne dit pas son vocabulaire source : précisez-le (par exemple NABM)."
    ),
    "stcm_missing_columns": _("La table de correspondance n'a pas les colonnes %(columns)s."),
    "stcm_wrong_field_count": _("Ligne %(line)s : nombre de champs incorrect."),
    "stcm_missing_value": _("Ligne %(line)s : code source ou vocabulaire source vide."),
    "stcm_bad_concept_id": _("Ligne %(line)s : target_concept_id n'est pas un nombre."),
    "stcm_bad_date": _("Ligne %(line)s : date « %(value)s » invalide (AAAA-MM-JJ ou AAAAMMJJ)."),
    "stcm_unknown_concept": _(
        "Ligne %(line)s : le concept %(concept_id)s n'existe pas dans le vocabulaire chargé. "
        "Rien n'a été chargé."
    ),
    "upload_too_large": _("L'archive dépasse la taille autorisée (%(limit)s octets)."),
    "concept_unknown": _("Le concept %(concept_id)s n'existe pas dans le vocabulaire chargé."),
}


def error_message(exc: VocabularyError) -> str:
    template = MESSAGES.get(exc.code)
    if template is None:
        return str(exc)
    return words(template, {"line": "?", **exc.params})


def error_job_message(exc: VocabularyError) -> str:
    """The error of a failed load, stored as a code the job page words (portal.messages)."""
    if exc.code not in MESSAGES:
        return str(exc)
    return coded(f"omop.vocabulary:{exc.code}", **{"line": "?", **exc.params})


MESSAGE_LABELS = {f"omop.vocabulary:{code}": label for code, label in MESSAGES.items()}
