"""Words for the codes the bibliometrics jobs store as their messages (see portal.messages):
the job pages and the API word them in the reader's language."""

from django.utils.translation import gettext_lazy as _

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
    # job titles
    "bibliometrics.import_title": _("Import de publications : %(names)s"),
    "bibliometrics.query_title": _("Requête %(source)s : %(name)s"),
    "bibliometrics.topics_title": _("Recalcul des thèmes des publications"),
    "bibliometrics.indicators_title": _("Recalcul des indicateurs bibliométriques"),
    "bibliometrics.model_title": _("Entraînement du modèle de pertinence"),
    "bibliometrics.citations_title": _("Citations et références (OpenAlex)"),
}
