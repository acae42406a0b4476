"""Words for the step codes of the OMOP engines (``omop/etl`` speaks codes only)."""

from django.utils.translation import gettext_lazy as _

from portal.archives import ArchiveError, archive_error_message
from portal.datapaths import data_path_error_message
from portal.messages import coded, message_text, words

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


def generated_extract_label(persons, seed) -> str:
    """A synthetic extract in the active language (see EtlJob.display_label)."""
    return _("synthétique %(persons)s personnes, graine %(seed)s") % {
        "persons": persons,
        "seed": seed,
    }


def step_label(code: str) -> str:
    return str(STEP_LABELS.get(code, code))


def step_message(code: str) -> str:
    """The job message of a running step, stored as a code (see portal.messages)."""
    return f"omop.step:{code}"


ARCHIVE_REFUSED = _("Archive de l'extrait refusée : %(reason)s")


def _data_path_error(params: dict) -> str:
    return data_path_error_message(
        params["reason"], {k: v for k, v in params.items() if k != "reason"}
    )


def _archive_refused(params: dict) -> str:
    detail = {k: v for k, v in params.items() if k != "reason"}
    return str(ARCHIVE_REFUSED) % {
        "reason": archive_error_message(ArchiveError(params["reason"], **detail))
    }


def _log_step(params: dict) -> str:
    """A step starting, in the job log: ``[step] what it does``."""
    return f"[{params['step']}] {message_text(params.get('message') or 'portal.started')}"


MESSAGE_LABELS = {step_message(code): label for code, label in STEP_LABELS.items()}

# What a conversion job says besides its step names (codes, see portal.messages.coded).
MESSAGE_LABELS.update(
    {
        "omop.unpacking": _("décompression de %(name)s"),
        "omop.unpacked": _("archive décompressée"),
        "omop.generated": _("%(done)s / %(total)s personnes"),
        "omop.done": _("Conversion terminée."),
        "omop.title": _("Conversion OMOP — %(extract)s"),
        "omop.title_generated": _(
            "Conversion OMOP — extrait synthétique de %(persons)s personnes, graine %(seed)s"
        ),
        "omop.vocabulary_title": _("Vocabulaires OMOP ← %(name)s"),
        "omop.job_gone": _("La conversion de cette tâche n'existe plus."),
        "omop.upload_gone": _("L'archive déposée n'est plus disponible : déposez-la à nouveau."),
        "omop.unreadable": _("Un fichier de l'extrait est illisible ou corrompu : %(error)s"),
        # an extract refused by the worker (omop.services.EtlInputError.job_message)
        "omop.data_path": _data_path_error,
        "omop.archive_refused": _archive_refused,
        "omop.archive_file_type": _(
            "L'archive ne doit contenir que des fichiers .csv, .parquet ou .txt "
            "(trouvé : %(name)s)."
        ),
        # job log lines
        "omop.log_step": _log_step,
        "omop.log_rows": _("[%(step)s] %(message)s — %(rows)s lignes"),
        "omop.vocabulary_rows": _("%(name)s : %(rows)s lignes"),
        "omop.log_written": _("%(tables)s tables écrites, contrôles qualité : %(dq)s"),
    }
)

# The engine's notices (a code and its parameters) in words.
NOTICE_LABELS = {
    "input_absent": _(
        "%(table)s est absente de l'extrait : ce qu'elle apporte à %(outputs)s manque "
        "(tables vides si rien d'autre ne les alimente)."
    ),
    "input_without_stays": _(
        "%(table)s est fournie sans T_MCOaaC : ses lignes n'ont pas de séjour et sont rejetées."
    ),
    "input_ignored": _("%(table)s n'a pas la colonne %(columns)s : table ignorée."),
    "columns_absent": _("%(table)s : colonnes absentes, lues comme vides : %(columns)s."),
    "unlinkable": _(
        "%(table)s ne peut pas être reliée à ER_PRS_F pour %(target)s : colonnes de la clé "
        "de jointure absentes (%(columns)s)."
    ),
    "single_thread": _(
        "L'étape « %(step)s » dépassait le plafond de mémoire sur plusieurs fils : elle a été "
        "refaite sur un seul, plus lentement mais sous le plafond."
    ),
    "eras_without_vocabulary": _(
        "%(table)s est vide : aucun vocabulaire n'a été appliqué (les ères ne se calculent "
        "que sur des concepts standard)."
    ),
}

# Why the engine rejected rows (the report's keys, see omop/etl/mapping.py).
REASON_LABELS = {
    "no_pseudonym": _("pas de pseudonyme (BEN_NIR_PSA / NUM_ENQ vide)"),
    "superseded": _("remplacée par une ligne plus récente d'IR_BEN_R pour le même patient"),
    "no_birth_year": _("pas d'année de naissance valide (BEN_NAI_ANN)"),
    "death_implausible": _(
        "date de décès invraisemblable (valeur de remplissage, avant la naissance ou future)"
    ),
    "info_line": _("ligne pour information seulement (DPN_QLF ou PRS_DPN_QLP = 71)"),
    "patient_dropped": _("patient écarté de PERSON (pas d'année de naissance valide)"),
    "patient_unknown": _("patient absent d'IR_BEN_R"),
    "no_start": _("pas de date de début (EXE_SOI_DTD, PRE_PRE_DTD)"),
    "start_after_end": _("date de début après la date de fin"),
    "outside_window": _("date de début hors de la fenêtre d'extraction"),
    "no_line": _("pas de ligne ER_PRS_F correspondante (clés de flux), ou cette ligne est rejetée"),
    "cancelled": _("quantité totale par visite et CIP13 ≤ 0 (ventes annulées)"),
    "no_code": _("pas de code"),
    "pmsi_return": _("codes retour PMSI pas tous à 0"),
    "duplicate_stay": _("ligne T_MCOaaC en double pour le même séjour"),
    "no_stay": _("pas de séjour (ETA_NUM, RSA_NUM) dans T_MCOaaC"),
    "stay_rejected": _("son séjour a été rejeté"),
    "act_phase": _("phase d'acte (PHA_ACT) autre que 0 ou 1"),
    "after_stay": _("acte daté après la fin de son séjour"),
    "cancelled_total": _("quantité totale par visite et code ≤ 0 (annulé)"),
}


def reason_label(code: str) -> str:
    """A reject reason in words; a report written before reasons were codes keeps its text."""
    label = REASON_LABELS.get(code)
    return str(label) if label is not None else code


# What the user must fix, from the engine's :class:`omop.etl.InputError` codes.
INPUT_ERROR_LABELS = {
    "unknown_engine": _("Moteur inconnu « %(engine)s » : choisissez %(choices)s."),
    "unknown_format": _("Format inconnu « %(format)s » : choisissez %(choices)s."),
    "unknown_tables": _("Tables OMOP inconnues : %(tables)s. Choisissez parmi %(choices)s."),
    "window_not_dates": _(
        "Les bornes de la fenêtre doivent être des dates, comme 2013-01-01 ou 01/01/2013."
    ),
    "window_reversed": _("La fenêtre commence après sa fin : inversez les deux dates."),
    "no_beneficiary_table": _(
        "IR_BEN_R manque à l'extrait : PERSON ne peut pas être construite sans la table des "
        "bénéficiaires (ajoutez IR_BEN_R.csv ou IR_BEN_R.parquet au dossier d'entrée)."
    ),
    "no_pseudonym_column": _(
        "IR_BEN_R n'a pas la colonne %(columns)s (ni NUM_ENQ) : ajoutez la colonne du "
        "pseudonyme des patients."
    ),
    "no_known_columns": _(
        "%(file)s n'a aucune des colonnes de %(table)s (attendues par exemple : %(expected)s) : "
        "vérifiez le fichier, sa ligne d'en-tête et son séparateur (; ou ,)."
    ),
    "unreadable_file": _("%(file)s n'est pas un fichier %(kind)s lisible : %(detail)s"),
    "unreadable_value": _("Une valeur de l'extrait ne peut pas être lue : %(detail)s"),
    "unreadable_extract": _("L'extrait ne peut pas être lu : %(detail)s"),
    "vocabulary_file_missing": _(
        "Le dossier de vocabulaire n'a pas le fichier %(file)s (copie Parquet d'un bundle "
        "Athena chargé)."
    ),
    "generator_parameters": _(
        "Le nombre de personnes doit être positif ou nul et le taux de saleté entre 0 et 0,5."
    ),
    "input_folder_missing": _(
        "Le dossier d'entrée %(folder)s n'existe pas : donnez le dossier de l'extrait."
    ),
    "csv_and_parquet": _(
        "%(table)s est fournie à la fois en CSV et en Parquet dans %(folder)s : gardez-en une."
    ),
    "empty_file": _("%(file)s est vide : il lui faut au moins une ligne d'en-tête."),
    "output_not_ours": _(
        "%(folder)s existe et n'est pas une sortie OMOP antérieure (pas de %(report)s) : "
        "choisissez un dossier de sortie vide ou nouveau."
    ),
    "bad_schema_name": _("Le nom de schéma « %(schema)s » n'est pas un identifiant valide."),
    "cannot_connect": _("Connexion impossible à %(output)s : %(detail)s"),
    "out_of_memory": _(
        "La conversion a dépassé le plafond de mémoire de DuckDB (%(memory_limit)s) à l'étape "
        "« %(step)s », même sur un seul fil ; la sortie précédente est intacte. Relevez "
        "OMOP_DUCKDB_MEMORY_LIMIT ou convertissez l'extrait avec Spark."
    ),
}


def input_error_text(exc) -> str:
    """An :class:`omop.etl.InputError` in the active language (its code if it is unknown)."""
    template = INPUT_ERROR_LABELS.get(exc.code)
    return words(template, exc.params) if template is not None else str(exc)


def notice_label(notice: dict) -> str:
    """A notice of the engine report (``{"code": …, "table": …}``) as a sentence."""
    template = NOTICE_LABELS.get(notice.get("code", ""))
    if template is None:
        return str(notice.get("code", ""))
    return words(template, notice)


def input_error_message(exc) -> str:
    """The error of a job stopped by an :class:`omop.etl.InputError`, stored as a code with
    its parameters so that the job page words it in its own language."""
    if exc.code not in INPUT_ERROR_LABELS:
        return str(exc)
    return coded(f"omop.input:{exc.code}", **exc.params)


MESSAGE_LABELS.update({f"omop.input:{code}": label for code, label in INPUT_ERROR_LABELS.items()})
