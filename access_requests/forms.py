"""Forms of the dossier pages (input validation only; the services decide)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from catalogue.models import Database, Table
from portal.roles import Role

from .models import SIMPLIFIED_ROUTES, Document, Dossier, Message, Opinion, Route, TeamMember
from .services import DOSSIER_FIELDS, NO_SUCH_PORTEUR, team_candidate


class DossierForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Dossier
        fields = DOSSIER_FIELDS
        widgets = {
            "study_start": forms.DateInput(attrs={"type": "date"}),
            "study_end": forms.DateInput(attrs={"type": "date"}),
        }


class TransitionForm(DsfrBaseForm):
    """The comment of a step, plus the fields some steps need."""

    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, transition: str, **kwargs):
        super().__init__(*args, **kwargs)
        if transition == "request_complements":
            self.fields["items"] = forms.CharField(
                label=_("Éléments à compléter (un par ligne)"),
                widget=forms.Textarea(attrs={"rows": 5}),
            )
        elif transition == "answer_complements":
            self.fields["answer"] = forms.CharField(
                label=_("Votre réponse"), widget=forms.Textarea(attrs={"rows": 5})
            )
        elif transition == "file_opinion":
            self.fields["opinion"] = forms.ChoiceField(
                label=_("Avis du CESREES"),
                choices=[c for c in Opinion.choices if c[0] != Opinion.TACIT],
            )
        elif transition == "redirect":
            self.fields["route"] = forms.ChoiceField(
                label=_("Réorienter vers"),
                choices=[c for c in Route.choices if c[0] in SIMPLIFIED_ROUTES],
            )

    def params(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "comment"}


class DocumentForm(DsfrBaseForm):
    kind = forms.ChoiceField(label=_("Type de document"), choices=Document.Kind.choices)
    file = forms.FileField(label=_("Fichier (PDF, ODT ou DOCX, 20 Mo au plus)"))


class MessageForm(DsfrBaseForm):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(
        choices=Message.Kind.choices, initial=Message.Kind.THREAD, widget=forms.HiddenInput
    )


class TeamMemberForm(DsfrBaseForm):
    username = forms.CharField(label=_("Identifiant du membre"))
    role = forms.ChoiceField(label=_("Rôle"), choices=TeamMember.Role.choices)

    def clean_username(self):
        user = team_candidate(self.cleaned_data["username"])
        if user is None:
            raise forms.ValidationError(NO_SUCH_PORTEUR)
        return user


class TableChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.database.acronym} — {obj.name}"


class RequestedDataForm(DsfrBaseForm):
    database = forms.ModelChoiceField(
        label=_("Base du catalogue"),
        required=False,
        queryset=Database.objects.order_by("acronym"),
    )
    table = TableChoiceField(
        label=_("Table du catalogue"),
        required=False,
        queryset=Table.objects.select_related("database").order_by("database__acronym", "name"),
    )
    label = forms.CharField(label=_("Données demandées (si absentes du catalogue)"), required=False)
    justification = forms.CharField(
        label=_("Justification"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RapporteurForm(DsfrBaseForm):
    rapporteur = forms.ModelChoiceField(
        label=_("Rapporteur"),
        queryset=get_user_model().objects.filter(groups__name=Role.CESREES.value, is_active=True),
    )


class ReportForm(DsfrBaseForm):
    report = forms.CharField(label=_("Rapport (interne)"), widget=forms.Textarea(attrs={"rows": 8}))
    recommended_opinion = forms.ChoiceField(
        label=_("Avis proposé"),
        required=False,
        choices=[("", "—"), *[c for c in Opinion.choices if c[0] != Opinion.TACIT]],
    )


class ResultsForm(DsfrBaseForm):
    summary = forms.CharField(
        label=_("Résultats publiés"), widget=forms.Textarea(attrs={"rows": 5})
    )
