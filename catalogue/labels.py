"""Words for the codes the catalogue stores: Table Schema field types, search facets.

The catalogue keeps the codes of its sources (``integer``, ``yearmonth``…); pages show these
words instead, in the page's language.
"""

from django.utils.translation import gettext_lazy as _

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


# What the catalogue's jobs store as their messages (codes, see portal.messages).
MESSAGE_LABELS = {
    "catalogue.reading_schemas": _("Lecture des schémas"),
    "catalogue.import_refused": _("Import refusé, rien n'a été modifié :\n%(errors)s"),
    "catalogue.partner_gone": _("Catalogue partenaire supprimé."),
    "catalogue.harvesting": _("Collecte de %(name)s"),
    "catalogue.harvest_title": _("Collecte du catalogue partenaire %(name)s"),
    "catalogue.harvest_failed": _("%(error)s (copie précédente conservée)"),
}
