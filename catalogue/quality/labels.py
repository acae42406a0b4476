"""Words for the codes the profiling jobs store as their messages (see portal.messages): the
engine (catalogue.profiling) reports step codes and error codes with their parameters, the
job page words them in its language."""

from functools import partial

from django.utils.translation import gettext_lazy as _

from catalogue.profiling import ProfilingError
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

# catalogue.profiling's errors, by code, or by "code.reason" when a code has several causes
PROFILING_ERRORS = {
    "file_not_found": _(
        "Le fichier « %(file)s » est introuvable : vérifiez le chemin ou déposez-le à nouveau."
    ),
    "empty_file": _(
        "Le fichier « %(file)s » est vide : exportez la table avec sa ligne d'en-tête et ses "
        "données."
    ),
    "unreadable": _("Le fichier « %(file)s » est illisible%(where)s : %(detail)s"),
    "unreadable.access": _(
        "Le fichier « %(file)s » ne peut pas être lu (droits ou type de fichier) : donnez un "
        "fichier CSV ou Parquet lisible."
    ),
    "unreadable.not_parquet": _(
        "Le fichier « %(file)s » porte l'extension Parquet mais n'en est pas un : exportez-le à "
        "nouveau en Parquet, ou donnez un CSV (.csv)."
    ),
    "unreadable.parquet": _(
        "Le fichier Parquet « %(file)s » est illisible (%(detail)s) : il est peut-être tronqué ; "
        "exportez-le à nouveau."
    ),
    "encoding": _(
        "Encodage invalide dans « %(file)s »%(where)s : le fichier n'est pas en %(detected)s ; il "
        "est sans doute en %(suggested)s. Enregistrez-le en UTF-8 ou en Latin-1 (ISO-8859-1)."
    ),
    "encoding.unsupported": _(
        "L'encodage du fichier « %(file)s » ne peut pas être lu : il semble être en "
        "%(detected)s, que le profilage ne lit pas. Ré-enregistrez-le en CSV UTF-8 (ou Latin-1)."
    ),
    "encoding.binary": _(
        "Le fichier « %(file)s » n'est pas un texte CSV en UTF-8 ou Latin-1 (octets nuls : "
        "tableur ou fichier binaire ?) : enregistrez-le en CSV UTF-8 ou Latin-1."
    ),
    "malformed_csv": _(
        "Ligne mal formée dans « %(file)s »%(where)s : le nombre de champs ne correspond pas à "
        "l'en-tête (%(fields)s colonnes séparées par %(delimiter)s). Vérifiez le séparateur et "
        "les guillemets de cette ligne."
    ),
    "malformed_csv.empty_header": _(
        "La première ligne du fichier « %(file)s » est vide : elle doit contenir les noms des "
        "colonnes."
    ),
    "separator": _(
        "Aucune colonne déclarée n'est reconnue dans « %(file)s » (en-tête lu : %(header)s) : "
        "vérifiez le séparateur (« ; » ou « , »), l'encodage (UTF-8 ou Latin-1) et que la "
        "première ligne contient les noms des colonnes.%(hint)s"
    ),
    "separator.one_column": _(
        "Toutes les valeurs de « %(file)s » tombent dans une seule colonne (« %(header)s ») : le "
        "séparateur n'est pas reconnu.%(hint)s"
    ),
    "duplicate_columns": _(
        "Colonnes en double dans « %(file)s » : %(columns)s. Chaque colonne ne doit apparaître "
        "qu'une fois."
    ),
    "missing_columns": _(
        "Colonnes déclarées absentes du fichier « %(file)s » : %(missing)s. Ajoutez-les au "
        "fichier ou retirez-les de la table du catalogue."
    ),
    "missing_columns.none": _(
        "Aucune colonne déclarée n'est présente dans « %(file)s » (colonnes lues : %(header)s) : "
        "est-ce bien le fichier de cette table ?"
    ),
    "missing_columns.no_variables": _(
        "La table n'a aucune variable déclarée : importez son schéma avant de la profiler."
    ),
    "missing_columns.primary_key": _(
        "Colonnes de clé primaire absentes du fichier : %(missing)s. Corrigez la clé primaire "
        "de la table ou ajoutez ces colonnes au fichier."
    ),
    "missing_columns.foreign_key": _(
        "Colonnes de clé étrangère absentes du fichier : %(missing)s."
    ),
    "unexpected_columns": _(
        "Colonnes inattendues dans « %(file)s » : %(unexpected)s. Retirez-les du fichier ou "
        "déclarez-les dans la table du catalogue."
    ),
    "referenced_file": _("Table référencée %(table)s : %(cause)s"),
    "referenced_file.missing_columns": _(
        "Colonnes de clé absentes du fichier de la table référencée %(table)s : %(missing)s."
    ),
    "resources": _(
        "Mémoire insuffisante pour profiler ce fichier : augmentez la limite mémoire du "
        "profilage ou l'espace disque temporaire."
    ),
}
AT_LINE = _("(ligne %(line)s)")
# a separator the file seems to use, by (reason, whether one was detected)
SEPARATOR_HINTS = {
    ("one_column", True): _(
        "Il semble être %(delimiter)s : ré-enregistrez le fichier avec « ; » ou « , »."
    ),
    ("one_column", False): _("Enregistrez le fichier en CSV séparé par « ; » ou « , »."),
    ("no_column", True): _("Le séparateur semble être %(delimiter)s."),
}
DELIMITER_NAMES = {"\t": _("la tabulation"), " ": _("l'espace")}
DELIMITER = _("« %(char)s »")


class _Params(dict):
    def __missing__(self, key):  # a job stored by an older engine may lack one
        return "?"


def delimiter_name(char: str | None) -> str:
    if not char:
        return "?"
    return str(DELIMITER_NAMES.get(char, "")) or str(DELIMITER) % {"char": char}


def profiling_error_text(code: str, params: dict) -> str:
    """The words of a profiling error (its code and parameters, see
    :class:`catalogue.profiling.ProfilingError`) in the active language."""
    reason = params.get("reason")
    label = PROFILING_ERRORS.get(f"{code}.{reason}") or PROFILING_ERRORS.get(code)
    if label is None:
        return f"{code} {params}"
    values = _Params(
        {k: ", ".join(map(str, v)) if isinstance(v, list) else v for k, v in params.items()}
    )
    values["where"] = " " + str(AT_LINE) % {"line": params["line"]} if params.get("line") else ""
    for key in ("detected", "suggested"):
        if isinstance(params.get(key), str) and code == "encoding":
            values[key] = params[key].upper()
    separator = params.get("detected") if code == "separator" else params.get("delimiter")
    values["delimiter"] = delimiter_name(separator)
    hint = (
        SEPARATOR_HINTS.get((reason or "no_column", bool(separator)))
        if code == "separator"
        else None
    )
    values["hint"] = " " + str(hint) % values if hint else ""
    if code == "referenced_file" and params.get("cause"):
        cause = {k: v for k, v in params.items() if k not in ("cause", "table")}
        values["cause"] = profiling_error_text(params["cause"], cause)
    return str(label) % values


def error_text(exc: ProfilingError) -> str:
    """A profiling error in the active language (the command line's, a page's)."""
    return profiling_error_text(exc.code, exc.params)


def error_job_message(exc: ProfilingError) -> str:
    """The error of a failed profiling job, stored as a code the job page words
    (portal.messages)."""
    return coded(f"profiling.error:{exc.code}", **exc.params)


MESSAGE_LABELS = {
    **{f"profiling.{code}": label for code, label in PROFILING_STEPS.items()},
    "quality.publishing": _("Publication des résultats (secret statistique)"),
    "quality.done": _("Profilage terminé : note %(grade)s"),
    "quality.title": _("Profilage de %(db)s / %(table)s"),
    "quality.data_file_gone": _(
        "Le fichier « %(name)s » n'est plus sur le serveur : déposez-le à nouveau."
    ),
    # job log lines
    "quality.foreign_key_unchecked": _(
        "Clé étrangère vers %(key)s non vérifiée : table cible jamais profilée."
    ),
    "quality.absent_columns": _(
        "Colonnes déclarées absentes du fichier (extrait partiel) : %(columns)s"
    ),
    "quality.undeclared_columns": _("Colonnes non déclarées, profilées et signalées : %(columns)s"),
    **{
        f"profiling.error:{code}": partial(profiling_error_text, code)
        for code in {key.partition(".")[0] for key in PROFILING_ERRORS}
    },
}


def profiling_message(step: str, subject: str = "") -> str:
    """The job message of a profiling step, stored as a code (see portal.messages)."""
    return coded(f"profiling.{step}", subject=subject) if subject else f"profiling.{step}"
