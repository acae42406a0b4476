"""Words for the codes the catalogue stores: Table Schema field types, search facets.

The catalogue keeps the codes of its sources (``integer``, ``yearmonth``…); pages show these
words instead, in the page's language.
"""

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portal.archives import ArchiveError, archive_error_message
from portal.messages import message_text, words

TYPE_LABELS = {
    "string": _("texte"),
    "integer": _("entier"),
    "number": _("nombre décimal"),
    "boolean": _("booléen"),
    "date": _("date"),
    "datetime": _("date et heure"),
    "time": _("heure"),
    "year": _("année"),
    "yearmonth": _("année et mois"),
    "duration": _("durée"),
    "object": _("objet JSON"),
    "array": _("liste JSON"),
    "geopoint": _("point géographique"),
    "geojson": _("objet GeoJSON"),
    "any": _("tout type"),
}


def type_label(code: str) -> str:
    """The words for a field type; an unknown code is shown as it is."""
    return str(TYPE_LABELS.get(code, code or ""))


# catalogue.tableschema's errors (SchemaError codes), and the import services' own
SCHEMA_ERRORS = {
    "json_malformed": _("JSON mal formé (ligne %(line)s, colonne %(column)s) : %(detail)s"),
    "not_utf8": _("le fichier n'est pas encodé en UTF-8"),
    "not_found": _("fichier ou dossier introuvable"),
    "wrong_type": _("« %(key)s » doit être %(expected)s"),
    "not_an_object": _("un schéma de table doit être un objet JSON"),
    "no_fields": _("la liste « fields » est absente ou vide"),
    "unnamed_field": _("le champ n° %(position)s n'a pas de nom"),
    "unknown_type": _("type « %(type)s » inconnu (types Table Schema : %(types)s)"),
    "duplicate_field": _("champ déclaré deux fois"),
    "primary_key_unknown_field": _("la clé primaire cite un champ absent de la table"),
    "foreign_key_no_reference": _("clé étrangère sans « reference »"),
    "foreign_key_mismatch": _(
        "clé étrangère : autant de champs d'un côté que de l'autre "
        "(%(fields)s → %(resource)s.%(reference_fields)s)"
    ),
    "foreign_key_unknown_field": _("la clé étrangère cite un champ absent de la table"),
    "foreign_key_unknown_column": _(
        "la clé étrangère vers %(table)s cite la colonne %(column)s, absente de %(table)s"
    ),
    "foreign_key_absent_table": _("clé étrangère vers la table %(table)s, absente du catalogue"),
    "duplicate_table": _("la table %(table)s est déjà décrite par %(other)s"),
    "no_schema": _("aucun schéma JSON trouvé"),
    "csv_empty": _("fichier CSV vide (il manque la ligne d'en-tête)"),
    "csv_row_width": _("ligne %(line)s : %(found)s colonnes au lieu de %(expected)s"),
    "csv_bad_value": _("ligne %(line)s : « %(value)s » n'est pas de type %(type)s"),
    "csv_malformed": _("CSV mal formé : %(detail)s"),
    "csv_without_schema": _("CSV sans schéma JSON du même nom"),
    "no_nomenclature_folder": _("dossier de nomenclatures introuvable"),
    "duplicate_nomenclature": _("nomenclature %(name)s déjà décrite par %(other)s"),
    "upload_too_large": _("%(size)s envoyés ; la limite est de %(limit)s."),
}
# csv_columns: the columns missing on each side, either or both
CSV_MISSING_COLUMNS = _("colonnes du schéma absentes du CSV : %(columns)s")
CSV_EXTRA_COLUMNS = _("colonnes du CSV absentes du schéma : %(columns)s")
# wrong_type: what the property should have been
EXPECTED_TYPES = {
    "text": _("un texte"),
    "names": _("un nom de champ ou une liste de noms de champs"),
    "list": _("une liste"),
    "object": _("un objet"),
    "foreign_keys": _("une liste de { fields, reference: { resource, fields } }"),
}
ERROR_IN_FILE = _("%(path)s : %(message)s")
ERROR_IN_FIELD = _("%(path)s, champ « %(field)s » : %(message)s")
IMPORT_REFUSED = _("Import refusé, rien n'a été modifié :\n%(errors)s")


def _schema_message(code: str, params: dict) -> str:
    if code == "archive":  # an uploaded archive refused (portal.archives' codes)
        archive = {k: v for k, v in params.items() if k != "reason"}
        return archive_error_message(ArchiveError(params["reason"], **archive))
    if code == "csv_columns":
        parts = [
            str(label) % {"columns": ", ".join(params[key])}
            for key, label in (("missing", CSV_MISSING_COLUMNS), ("extra", CSV_EXTRA_COLUMNS))
            if params.get(key)
        ]
        return " ; ".join(parts)
    values = dict(params)
    if code == "wrong_type":
        values["expected"] = EXPECTED_TYPES.get(params["expected"], params["expected"])
    if code == "upload_too_large":
        values.update(size=filesizeformat(params["size"]), limit=filesizeformat(params["limit"]))
    return words(SCHEMA_ERRORS[code], values)


def schema_error_words(error: dict) -> str:
    """The words of one Table Schema import error, as :meth:`SchemaError.as_dict` stores it,
    in the active language; naming its file and, when there is one, its field."""
    try:
        message = _schema_message(error["code"], error.get("params") or {})
    except (KeyError, TypeError, ValueError):  # a code or a parameter this release lacks
        message = f"{error.get('code')} {error.get('params')}"
    label = ERROR_IN_FIELD if error.get("field") else ERROR_IN_FILE
    return str(label) % {"path": error["path"], "field": error.get("field"), "message": message}


def schema_error_text(error) -> str:
    """A :class:`catalogue.tableschema.SchemaError` in the active language."""
    return schema_error_words(error.as_dict())


def _import_refused(params: dict) -> str:
    errors = params.get("errors", "")
    if isinstance(errors, list):  # else a job stored the words already, before this change
        errors = "\n".join(schema_error_words(error) for error in errors)
    return str(IMPORT_REFUSED) % {"errors": errors}


HARVEST_FAILED = _("%(error)s (copie précédente conservée)")


def _harvest_error(params: dict) -> str:
    """A partner harvest's error (``last_error``), worded by the harvest's own words."""
    from .harvest import HarvestError
    from .services.partners import harvest_error_message  # services load after the labels

    detail = {k: v for k, v in params.items() if k != "reason"}
    return harvest_error_message(HarvestError(params.get("reason", ""), **detail))


# What the catalogue's jobs store as their messages (codes, see portal.messages).
MESSAGE_LABELS = {
    "catalogue.reading_schemas": _("Lecture des schémas"),
    "catalogue.import_refused": _import_refused,
    "catalogue.partner_gone": _("Catalogue partenaire supprimé."),
    "catalogue.harvesting": _("Collecte de %(name)s"),
    "catalogue.harvest_title": _("Collecte du catalogue partenaire %(name)s"),
    "catalogue.harvest_error": _harvest_error,
    "catalogue.harvest_failed": lambda params: (
        str(HARVEST_FAILED) % {"error": message_text(params.get("error", ""))}
    ),
}
