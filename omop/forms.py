"""The new-conversion form: extract from the data root, an uploaded zip or a generated one."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from portal.forms import OptionalDateField
from portal.widgets import DsfrUploadInput

from . import services
from .models import SEED_MAX, EtlJob


class EtlJobForm(DsfrBaseForm):
    source = forms.ChoiceField(
        label=_("Source de l'extrait"),
        choices=EtlJob.Source.choices,
        initial=EtlJob.Source.GENERATED,
    )
    source_path = forms.ChoiceField(
        label=_("Dossier de l'extrait (racine des données du serveur)"),
        required=False,
        choices=[],
    )
    upload = forms.FileField(
        widget=DsfrUploadInput(),
        label=_("Archive zip de l'extrait"),
        required=False,
        help_text=_("Fichiers .csv, .parquet ou .txt nommés d'après les tables SNDS."),
    )
    persons = forms.IntegerField(
        label=_("Nombre de personnes (extrait généré)"), required=False, min_value=1, initial=200
    )
    seed = forms.IntegerField(
        label=_("Graine (extrait généré)"),
        required=False,
        initial=0,
        min_value=0,
        max_value=SEED_MAX,
    )
    engine = forms.ChoiceField(
        label=_("Moteur"),
        choices=[("", _("Automatique"))] + EtlJob.Engine.choices,
        initial="",
        required=False,
        help_text=_(
            "Automatique : DuckDB sur le serveur ; Spark pour un gros extrait quand un "
            "cluster Spark est configuré."
        ),
    )
    output_format = forms.ChoiceField(
        label=_("Format de sortie"), choices=EtlJob.Format.choices, initial=EtlJob.Format.CSV
    )
    target = forms.SlugField(
        label=_("Nom de la sortie (facultatif)"),
        required=False,
        max_length=64,
        help_text=_("Reprendre un nom existant remplace cette sortie ; vide : un nom nouveau."),
    )
    window_start = OptionalDateField(label=_("Début de la fenêtre d'extraction"))
    window_end = OptionalDateField(label=_("Fin de la fenêtre d'extraction"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(p, p) for p in services.data_root_extracts()]
        self.fields["source_path"].choices = choices
        self.fields["persons"].max_value = services.generated_max_persons()
        self.fields["persons"].help_text = _("Au plus %(max)s.") % {
            "max": services.generated_max_persons()
        }

    def clean(self):
        data = super().clean()
        source = data.get("source")
        try:
            if source == EtlJob.Source.DATA_ROOT:
                services.extract_dir_resolve(data.get("source_path") or "")
            elif source == EtlJob.Source.UPLOAD:
                if not data.get("upload"):
                    raise services.EtlInputError(_("Déposez l'archive zip de l'extrait."))
                services.upload_validate(data["upload"])
            elif source == EtlJob.Source.GENERATED and not data.get("persons"):
                raise services.EtlInputError(_("Indiquez le nombre de personnes à générer."))
        except services.EtlInputError as exc:
            field = {
                EtlJob.Source.DATA_ROOT: "source_path",
                EtlJob.Source.UPLOAD: "upload",
                EtlJob.Source.GENERATED: "persons",
            }[source]
            self.add_error(field, str(exc))
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and start > end:
            self.add_error("window_end", _("La fenêtre se termine avant de commencer."))
        return data


class JobFilterForm(DsfrBaseForm):
    status = forms.ChoiceField(label=_("Statut"), required=False)
    engine = forms.ChoiceField(
        label=_("Moteur"), required=False, choices=[("", _("Tous"))] + EtlJob.Engine.choices
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("Toutes"))] + EtlJob.Source.choices
    )
    q = forms.CharField(label=_("Extrait ou sortie"), required=False)

    def __init__(self, *args, **kwargs):
        from portal.models import Job

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Tous"))] + Job.Status.choices
