"""Words for the codes the bibliometrics jobs store as their messages (see portal.messages):
the job pages and the API word them in the reader's language."""

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portal.messages import words

# The connectors' errors (bibliometrics.connectors.http.ConnectorError), by code.
CONNECTOR_ERRORS = {
    "http_status": _("la source a répondu HTTP %(status)s."),
    "retries_exhausted": _(
        "la source a répondu HTTP %(status)s après %(attempts)s tentatives espacées."
    ),
    "network": _("la source est injoignable (%(error)s)."),
    "not_json": _("la réponse n'est pas du JSON : elle est tronquée ou n'est pas celle de l'API."),
    "unexpected_shape": _("la réponse n'a pas la forme documentée par l'API (%(what)s manquant)."),
    "truncated": _("réponse tronquée : %(received)s notices reçues sur %(expected)s annoncées."),
}
QUERY_FAILED = _("Requête « %(name)s » : %(error)s")
RECORDS_KEPT = _("Les %(count)s notices importées avant l'erreur sont conservées.")
CITATIONS_FAILED = _("Citations OpenAlex : %(error)s")
TOO_LARGE = _("%(size)s à importer : la limite est de %(limit)s. Découpez l'export.")


def connector_error_words(params: dict) -> str:
    """A connector's error, stored as its code (``connector``) and the connector's own
    parameters (``detail``), in the reader's language."""
    label = CONNECTOR_ERRORS.get(params.get("connector", ""))
    detail = params.get("detail") or {}
    return words(label, detail) if label is not None else str(params.get("connector", ""))


def _query_failed(params: dict) -> str:
    text = str(QUERY_FAILED) % {"name": params["name"], "error": connector_error_words(params)}
    if "kept" in params:  # the job's error; the query's last error says no more than its cause
        text += " " + str(RECORDS_KEPT) % {"count": params["kept"]}
    return text


def _too_large(params: dict) -> str:
    # sizes in bytes, written with the reader's units ("Mo" / "MB")
    return str(TOO_LARGE) % {
        "size": filesizeformat(params["size"]),
        "limit": filesizeformat(params["limit"]),
    }


# Why a record was not kept (bibliometrics.parsers.base.Rejected's codes, and the import's own)
REJECT_REASONS = {
    "no_title": _("notice sans titre"),
    "no_identifier": _("ni PMID, ni DOI, ni année : la notice ne peut pas être identifiée"),
    "not_closed": _("notice non terminée par une ligne « %(detail)s » (fichier tronqué ?)"),
    "xml_syntax": _("erreur de syntaxe XML : %(detail)s"),
    "not_scopus": _("ce n'est pas un export CSV Scopus : pas de colonne « %(detail)s »"),
    "unreadable": _("notice illisible : %(detail)s"),
    "database": _("refusée par la base : %(detail)s"),
    "unknown_format": _(
        "format non reconnu : choisissez le format de l'export (PubMed XML, MEDLINE, RIS, "
        "BibTeX, Scopus CSV, Web of Science)"
    ),
}


def _reject(params: dict) -> str:
    label = REJECT_REASONS.get(params.get("reason", ""))
    return words(label, params) if label is not None else str(params.get("reason", ""))


MESSAGE_LABELS = {
    "bibliometrics.import_gone": _("Cet import n'existe plus."),
    "bibliometrics.import_done": _("Import terminé."),
    "bibliometrics.query_refreshed": _("Requête rafraîchie."),
    "bibliometrics.indicators": _("Calcul des indicateurs…"),
    "bibliometrics.records_read": _("%(n)s notices lues"),
    "bibliometrics.records_over_limit": _(
        "%(total)s notices, au-delà de la limite de %(limit)s : "
        "l'import attend la confirmation d'un curateur."
    ),
    "bibliometrics.query_records": _("%(position)s / %(total)s notices de %(name)s"),
    "bibliometrics.topics_publications": _("%(n)s publications"),
    "bibliometrics.topics_saving": _("Enregistrement des thèmes…"),
    "bibliometrics.model_trained": _("Modèle entraîné sur %(n)s décisions."),
    "bibliometrics.scored": _("%(n)s scorées"),
    # job logs
    "bibliometrics.file_format": _("%(file)s : format %(format)s"),
    "bibliometrics.import_stats": _(
        "nouvelles %(new)s, mises à jour %(updated)s, rapprochées %(merged)s, doublons "
        "%(duplicate)s, rejetées %(rejected)s, supprimées %(deleted)s"
    ),
    "bibliometrics.query_stats": _(
        "%(name)s : nouvelles %(new)s, mises à jour %(updated)s, rapprochées %(merged)s, "
        "doublons %(duplicate)s, rejetées %(rejected)s, supprimées %(deleted)s"
    ),
    "bibliometrics.reject": _reject,
    # the origin of a record that came from a saved query (a file's origin is its name)
    "bibliometrics.origin_query": _("requête %(name)s"),
    "bibliometrics.no_record_in_file": _(
        "aucune notice reconnue dans ce fichier (format %(format)s)"
    ),
    # errors (job errors, and refusals of a request: the views word them with message_text)
    "bibliometrics.unknown_format": _(
        "Format inconnu « %(format)s » : choisissez parmi %(formats)s ou auto."
    ),
    "bibliometrics.file_not_found": _("Fichier introuvable : %(file)s"),
    "bibliometrics.file_gone": _("Fichier introuvable : %(file)s. Déposez-le à nouveau."),
    "bibliometrics.too_large": _too_large,
    "bibliometrics.nothing_recognised": _(
        "Aucune notice n'a été reconnue dans %(files)s : vérifiez le format choisi "
        "et le contenu du fichier."
    ),
    "bibliometrics.merge_already_undone": _("Ce rapprochement a déjà été défait."),
    "bibliometrics.actor_type_required": _("Choisissez au moins un type d'acteur."),
    "bibliometrics.unknown_source": _("Source inconnue : %(source)s"),
    "bibliometrics.query_failed": _query_failed,
    "bibliometrics.citations_failed": lambda params: (
        str(CITATIONS_FAILED) % {"error": connector_error_words(params)}
    ),
    "bibliometrics.not_enough_decisions": _(
        "Pas assez de décisions pour entraîner un modèle : %(positives)s publications "
        "retenues et %(negatives)s écartées ; il en faut au moins 5 de chaque."
    ),
    # job titles
    "bibliometrics.import_title": _("Import de publications : %(names)s"),
    "bibliometrics.query_title": _("Requête %(source)s : %(name)s"),
    "bibliometrics.topics_title": _("Recalcul des thèmes des publications"),
    "bibliometrics.indicators_title": _("Recalcul des indicateurs bibliométriques"),
    "bibliometrics.model_title": _("Entraînement du modèle de pertinence"),
    "bibliometrics.citations_title": _("Citations et références (OpenAlex)"),
}
