"""Error codes of ``omop.etl.athena`` and of the vocabulary services, in the page's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from omop.etl.athena import VocabularyError

MESSAGES = {
    "bundle_not_found": _("Aucun paquet de vocabulaires à l'emplacement {path}."),
    "bundle_not_a_folder_or_zip": _(
        "{path} n'est ni un dossier ni une archive zip : donnez le téléchargement Athena."
    ),
    "archive_refused": _(
        "L'archive {file} est refusée ({reason}) : fichiers trop volumineux, anormalement "
        "compressés, liens ou chemins hors de l'archive."
    ),
    "missing_file": _(
        "Le fichier {file} manque au paquet : le téléchargement Athena doit le contenir. "
        "Le vocabulaire en service reste inchangé."
    ),
    "missing_columns": _(
        "Le fichier {file} n'a pas les colonnes {columns} (première ligne). "
        "Le vocabulaire en service reste inchangé."
    ),
    "wrong_field_count": _(
        "{file}, ligne {line} : nombre de champs incorrect (séparateur tabulation attendu). "
        "Rien n'a été chargé."
    ),
    "bad_date": _(
        "{file}, ligne {line} : date invalide (format AAAAMMJJ attendu). Rien n'a été chargé."
    ),
    "bad_number": _("{file}, ligne {line} : identifiant non numérique. Rien n'a été chargé."),
    "not_utf8": _("{file}, ligne {line} : le fichier n'est pas en UTF-8. Rien n'a été chargé."),
    "required_value_missing": _(
        "{file}, ligne {line} : un champ obligatoire est vide. Rien n'a été chargé."
    ),
    "unreadable_file": _("Le fichier {file} est illisible. Rien n'a été chargé."),
    "usagi_needs_source_vocabulary": _(
        "Un export Usagi ne dit pas son vocabulaire source : précisez-le (par exemple NABM)."
    ),
    "stcm_missing_columns": _("La table de correspondance n'a pas les colonnes {columns}."),
    "stcm_wrong_field_count": _("Ligne {line} : nombre de champs incorrect."),
    "stcm_missing_value": _("Ligne {line} : code source ou vocabulaire source vide."),
    "stcm_bad_concept_id": _("Ligne {line} : target_concept_id n'est pas un nombre."),
    "stcm_bad_date": _("Ligne {line} : date « {value} » invalide (AAAA-MM-JJ ou AAAAMMJJ)."),
    "stcm_unknown_concept": _(
        "Ligne {line} : le concept {concept_id} n'existe pas dans le vocabulaire chargé. "
        "Rien n'a été chargé."
    ),
    "upload_too_large": _("L'archive dépasse la taille autorisée ({limit} octets)."),
    "concept_unknown": _("Le concept {concept_id} n'existe pas dans le vocabulaire chargé."),
}


def error_message(exc: VocabularyError) -> str:
    template = MESSAGES.get(exc.code)
    if template is None:
        return str(exc)
    params = {"line": "?", **exc.params}
    return str(template).format(**params)
