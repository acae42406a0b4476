from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import MultipleFileField

from .enrichment import AREA_LABELS, COMPONENTS
from .models import ActorType, QuerySource, Topic
from .parsers import FORMATS


class FilterForm(forms.Form):
    """Dashboard and list filters (all optional)."""

    year_min = forms.IntegerField(
        label=_("De l'année"), required=False, min_value=1900, max_value=2100
    )
    year_max = forms.IntegerField(
        label=_("à l'année"), required=False, min_value=1900, max_value=2100
    )
    actor_type = forms.ChoiceField(label=_("Type d'acteur"), required=False)
    component = forms.ChoiceField(label=_("Composante du SNDS"), required=False)
    area = forms.ChoiceField(label=_("Domaine thérapeutique"), required=False)
    country = forms.ChoiceField(label=_("Pays"), required=False)
    topic = forms.ChoiceField(label=_("Thème (topic)"), required=False)
    # set by clicks on charts
    year = forms.IntegerField(required=False, widget=forms.HiddenInput)
    journal = forms.CharField(required=False, widget=forms.HiddenInput)
    institution = forms.CharField(required=False, widget=forms.HiddenInput)
    city = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, countries: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Tous"))]
        self.fields["actor_type"].choices = everything + list(ActorType.choices)
        self.fields["component"].choices = everything + [(c.code, c.label) for c in COMPONENTS]
        self.fields["area"].choices = everything + sorted(AREA_LABELS.items(), key=lambda kv: kv[1])
        self.fields["country"].choices = everything + [(c, c) for c in sorted(countries)]
        self.fields["topic"].choices = everything + [
            (topic.label, topic.label_in()) for topic in Topic.objects.all()
        ]
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "fr-select" if isinstance(field, forms.ChoiceField) else "fr-input"
            )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Fichiers"),
        widget=MultipleFileInput(attrs={"class": "fr-upload"}),
        help_text=_(
            "PubMed XML (.xml, .xml.gz), MEDLINE, RIS, BibTeX, CSV Scopus, Web of Science."
        ),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("auto", _("Détection automatique"))] + [(f, f) for f in FORMATS],
        initial="auto",
        widget=forms.Select(attrs={"class": "fr-select"}),
    )


class RelevanceForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Utilise le SNDS ?"),
        choices=[
            ("auto", _("Suivre la détection automatique")),
            ("yes", _("Oui, la retenir")),
            ("no", _("Non, l'écarter")),
        ],
        widget=forms.Select(attrs={"class": "fr-select"}),
    )
    note = forms.CharField(
        label=_("Motif"),
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"class": "fr-input"}),
    )

    def relevant(self) -> bool | None:
        return {"auto": None, "yes": True, "no": False}[self.cleaned_data["decision"]]


class SavedQueryForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)
    source = forms.ChoiceField(label=_("Source"), choices=QuerySource.choices)
    query = forms.CharField(
        label=_("Requête"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_(
            "PubMed : syntaxe de recherche PubMed ; OpenAlex : filtre (filter=…) ; "
            "HAL : requête q (syntaxe Solr)."
        ),
    )
    max_records = forms.IntegerField(
        label=_("Limite sans confirmation"), min_value=1, max_value=1_000_000, initial=5000
    )
    refresh_hours = forms.IntegerField(
        label=_("Rafraîchir toutes les (heures)"), min_value=1, max_value=24 * 365, initial=24 * 7
    )
    active = forms.BooleanField(label=_("Rafraîchie automatiquement"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "active":
                field.widget.attrs.setdefault(
                    "class", "fr-select" if isinstance(field, forms.ChoiceField) else "fr-input"
                )

    def clean_name(self):
        from .models import SavedQuery

        name = self.cleaned_data["name"].strip()
        if SavedQuery.objects.filter(name=name).exists():
            raise forms.ValidationError(_("Une requête porte déjà ce nom."))
        return name


class BulkRelevanceForm(forms.Form):
    """One decision for the publications ticked in the curation queue."""

    publications = forms.ModelMultipleChoiceField(queryset=None)
    decision = RelevanceForm.base_fields["decision"]
    note = RelevanceForm.base_fields["note"]

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publications"].queryset = queryset

    def relevant(self) -> bool | None:
        return {"auto": None, "yes": True, "no": False}[self.cleaned_data["decision"]]


class AffiliationCorrectionForm(forms.Form):
    actor_types = forms.MultipleChoiceField(
        label=_("Types d'acteur"),
        choices=ActorType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Une affiliation mixte a tous les types qu'elle nomme."),
    )
    institution = forms.CharField(label=_("Établissement"), max_length=255, required=False)
    city = forms.CharField(label=_("Ville"), max_length=100, required=False)
    country = forms.CharField(label=_("Pays"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("institution", "city", "country"):
            self.fields[name].widget.attrs["class"] = "fr-input"
