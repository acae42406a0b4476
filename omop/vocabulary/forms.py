"""Forms of the vocabulary pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from omop import services as omop_services

from .models import MappingDecision


class VocabularyLoadForm(DsfrBaseForm):
    source_path = forms.ChoiceField(
        label=_("Dossier du téléchargement Athena (racine des données du serveur)"),
        required=False,
        choices=[],
    )
    upload = forms.FileField(
        label=_("ou archive zip du téléchargement Athena"),
        required=False,
        help_text=_(
            "Fichiers CONCEPT, CONCEPT_RELATIONSHIP, CONCEPT_ANCESTOR, VOCABULARY, DOMAIN, "
            "CONCEPT_CLASS, RELATIONSHIP et CONCEPT_SYNONYM, séparés par des tabulations."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_path"].choices = [("", "—")] + [
            (p, p) for p in omop_services.data_root_extracts()
        ]

    def clean(self):
        data = super().clean()
        if bool(data.get("source_path")) == bool(data.get("upload")):
            raise forms.ValidationError(_("Choisissez un dossier du serveur ou une archive zip."))
        return data


class MappingDecisionForm(DsfrBaseForm):
    source_vocabulary_id = forms.CharField(max_length=20, widget=forms.HiddenInput)
    source_code = forms.CharField(max_length=50, widget=forms.HiddenInput)
    source_name = forms.CharField(max_length=255, required=False, widget=forms.HiddenInput)
    source_frequency = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Décision"), choices=MappingDecision.Status.choices)
    target_concept_id = forms.IntegerField(
        label=_("Concept standard (concept_id)"), required=False, min_value=0
    )
    match_score = forms.FloatField(required=False, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == MappingDecision.Status.APPROVED and not data.get(
            "target_concept_id"
        ):
            self.add_error("target_concept_id", _("Choisissez le concept standard à approuver."))
        return data
