from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from portal.forms import MultipleFileField


class TableSchemaImportForm(DsfrBaseForm):
    database = forms.SlugField(
        label=_("Sigle de la base"),
        initial="SNDS",
        help_text=_("Créée si elle n'existe pas encore."),
        allow_unicode=True,
    )
    files = MultipleFileField(
        label=_("Schémas (JSON) ou archive ZIP"),
        help_text=_(
            "Fichiers Table Schema au format schema-snds, ou une archive ZIP avec schemas/ et "
            "nomenclatures/ (NOM.json + NOM.csv). Un import refusé ne modifie rien ; une clé "
            "étrangère vers une table absente est conservée et signalée."
        ),
    )
    # A select, not a checkbox: django-dsfr's checkbox template needs django-widget-tweaks.
    strict = forms.TypedChoiceField(
        label=_("Clé étrangère vers une table absente du catalogue"),
        choices=[("", _("la conserver et la signaler")), ("1", _("refuser l'import"))],
        coerce=bool,
        empty_value=False,
        required=False,
    )


class PartnerCatalogueForm(DsfrBaseForm):
    name = forms.CharField(label=_("Nom du catalogue partenaire"), max_length=200)
    homepage = forms.URLField(
        label=_("Site du partenaire (facultatif)"), required=False, assume_scheme="https"
    )
    url = forms.URLField(
        label=_("Adresse du point d'accès DCAT-AP"),
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text=_("Un document Turtle, RDF/XML ou JSON-LD servi en HTTP(S)."),
    )
    upload = forms.FileField(
        label=_("Ou un fichier DCAT-AP"),
        required=False,
        help_text=_("Turtle (.ttl), RDF/XML (.rdf, .xml) ou JSON-LD (.jsonld)."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("auto", _("détecter")),
            ("turtle", "Turtle"),
            ("xml", "RDF/XML"),
            ("json-ld", "JSON-LD"),
        ],
        initial="auto",
    )
    refresh_hours = forms.IntegerField(
        label=_("Rafraîchir toutes les (heures)"), initial=24, min_value=1, max_value=24 * 90
    )
