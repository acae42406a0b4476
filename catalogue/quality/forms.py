"""Forms of the quality pages (input validation only; the services decide)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from portal.forms import OptionalDateField
from portal.widgets import DsfrUploadInput

from .models import DataFile


class ProfileForm(DsfrBaseForm):
    """A data file for a table: an upload, a server path, or one already attached."""

    upload = forms.FileField(
        widget=DsfrUploadInput(),
        label=_("Fichier à déposer"),
        required=False,
        help_text=_("CSV (séparateur « ; » ou « , », UTF-8 ou Latin-1) ou Parquet."),
    )
    path = forms.CharField(
        label=_("Ou chemin d'un fichier du serveur"),
        required=False,
        max_length=1000,
        help_text=_("Relatif au dossier de données du serveur, ex. extraction/IR_BEN_R.csv"),
    )
    data_file = forms.ModelChoiceField(
        label=_("Ou un fichier déjà rattaché"),
        queryset=DataFile.objects.none(),
        required=False,
    )
    reference_date = OptionalDateField(
        label=_("Date de référence des données (facultatif)"),
        help_text=_(
            "Fin de la période couverte par le fichier : les âges y sont calculés. Vide : fin "
            "de la couverture de la base."
        ),
    )

    def __init__(self, *args, table, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["data_file"].queryset = DataFile.objects.filter(table=table)
        self.fields["data_file"].label_from_instance = lambda f: (
            f"{f.original_name} ({f.get_origin_display()}, {f.created_at:%d/%m/%Y %H:%M})"
        )

    def clean(self):
        data = super().clean()
        given = [k for k in ("upload", "path", "data_file") if data.get(k)]
        if len(given) != 1:
            raise forms.ValidationError(
                _(
                    "Choisissez une seule source : un fichier à déposer, un chemin sur le serveur "
                    "ou un fichier déjà rattaché."
                )
            )
        return data


class CuratorRuleForm(DsfrBaseForm):
    minimum = forms.CharField(label=_("Minimum"), required=False, max_length=32)
    maximum = forms.CharField(label=_("Maximum"), required=False, max_length=32)
    pattern = forms.CharField(
        label=_("Motif (expression régulière que toute la valeur doit respecter)"),
        required=False,
        max_length=500,
    )
    allowed = forms.CharField(
        label=_("Valeurs admises (une par ligne ; vide : pas de restriction)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    expected_completeness = forms.CharField(
        label=_("Complétude attendue (%, de 0 à 100)"),
        required=False,
        max_length=16,
        help_text=_(
            "Vide : selon le type (une date de décès est surtout vide, une colonne facultative "
            "peut l'être, les autres doivent être remplies)."
        ),
    )

    def clean_allowed(self) -> list[str]:
        text = self.cleaned_data.get("allowed") or ""
        return [v.strip() for v in text.replace(",", "\n").splitlines() if v.strip()]
