"""ReferentialError codes in the page's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .referentials import ReferentialError

MESSAGES = {
    "empty_file": _("Le fichier {file} est vide."),
    "missing_columns": _(
        "Le fichier {file} n'a pas les colonnes {columns} : attendu {expected}. Rien n'a été importé."
    ),
    "bad_cip13": _("{file}, ligne {line} : « {value} » n'est pas un code CIP13 (13 chiffres)."),
    "bdpm_wrong_format": _(
        "{file}, ligne {line} : {found} champs séparés par des tabulations, {expected} attendus "
        "(fichier BDPM de l'ANSM, sans ligne d'en-tête). Rien n'a été importé."
    ),
    "not_text": _(
        "Le fichier {file} n'est pas un fichier texte : attendu {expected}. Rien n'a été importé."
    ),
    "upload_too_large": _("Le fichier {file} dépasse la limite de {limit}."),
    "missing_file": _("Fichier manquant : {file}."),
    "no_vocabulary": _("Aucun vocabulaire OMOP n'est chargé : chargez-en un d'abord."),
    "unknown_codes": _("Codes inconnus des référentiels : {codes}."),
}


# What the referential imports report while they run (codes, see portal.messages).
MESSAGE_LABELS = {
    "codelists.read": _("%(source)s : %(n)s codes lus"),
    "codelists.stored": _("%(source)s : %(n)s codes sur %(total)s"),
    "codelists.title": _("Référentiel %(source)s"),
}


def error_message(exc: ReferentialError) -> str:
    params = dict(exc.params)
    if exc.code == "unknown_codes":
        params["codes"] = ", ".join(
            f"{c['system']} {c['code']} (ligne {c['line']})" for c in params["codes"]
        )
    template = MESSAGES.get(exc.code)
    return str(template).format(**params) if template else str(exc)
