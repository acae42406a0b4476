"""Forms of the dossier pages (input validation only; the services decide)."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from catalogue.models import Database, Table, Variable
from portal.forms import OptionalDateField

from .calendar import add_months
from .models import SIMPLIFIED_ROUTES, Document, Dossier, Message, Opinion, Route, TeamMember
from .services.dossiers import DOSSIER_FIELDS
from .services.team import NO_SUCH_PORTEUR, team_candidate

# The sections of the dossier form: (anchor, title, fields). "Données", "Équipe" (members)
# and "Pièces" also list what is attached to the dossier once it exists.
DOSSIER_SECTIONS = [
    (
        "projet",
        _("Projet"),
        ["title", "route", "data_controller", "public_summary", "objectives", "public_interest"],
    ),
    (
        "methode",
        _("Méthode"),
        [
            "methods",
            "population",
            "study_start",
            "study_end",
            "duration_months",
            "expected_results",
        ],
    ),
    ("donnees", _("Données"), []),
    ("equipe", _("Équipe"), ["interest_declarations", "funding"]),
    ("pieces", _("Pièces"), []),
]

DOSSIER_HINTS = {
    "title": _("Un titre compréhensible par tous, publié au répertoire dès le dépôt."),
    "route": _(
        "La procédure standard passe par le CESREES et la CNIL ; une méthodologie de "
        "référence (MR) ou l'EGB s'enregistre directement."
    ),
    "data_controller": _("L'organisme responsable du traitement, pas une personne."),
    "public_summary": _("Quelques lignes sans jargon : elles sont publiées au répertoire."),
    "objectives": _("L'objectif principal, puis les objectifs secondaires."),
    "public_interest": _("En quoi le projet sert l'intérêt public (soins, santé publique…)."),
    "methods": _("Type d'étude, critères, analyses prévues."),
    "population": _("Qui est inclus, sur quel territoire, à partir de quel critère."),
    "study_start": _("Première date des données demandées, au format jj/mm/aaaa."),
    "study_end": _("Dernière date des données demandées ; après le début."),
    "duration_months": _("Durée du projet, de la mise à disposition aux résultats."),
    "expected_results": _("Publications, rapports, outils attendus."),
    "interest_declarations": _(
        "Les liens d'intérêts de chaque membre de l'équipe (« aucun » si aucun)."
    ),
    "funding": _("Financeurs et montants, s'il y en a."),
}


class DossierForm(DsfrBaseForm, forms.ModelForm):
    """The porteur's sectioned form; every field has a hint, and the study period is checked
    (end after start, a duration in months that covers the work)."""

    class Meta:
        model = Dossier
        fields = DOSSIER_FIELDS
        help_texts = DOSSIER_HINTS
        widgets = {
            "study_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "study_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "public_summary": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "public_interest": forms.Textarea(attrs={"rows": 3}),
            "methods": forms.Textarea(attrs={"rows": 3}),
            "population": forms.Textarea(attrs={"rows": 2}),
            "expected_results": forms.Textarea(attrs={"rows": 2}),
            "funding": forms.Textarea(attrs={"rows": 2}),
            "interest_declarations": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "duration_months" in self.fields:
            self.fields["duration_months"].validators.append(MaxValueValidator(120))

    def clean(self):
        data = super().clean()
        start, end = data.get("study_start"), data.get("study_end")
        if start and end and end < start:
            self.add_error(
                "study_end",
                _("La fin de la période d'étude (%(end)s) précède son début (%(start)s).")
                % {"end": end.strftime("%d/%m/%Y"), "start": start.strftime("%d/%m/%Y")},
            )
        months = data.get("duration_months")
        if months == 0:
            self.add_error("duration_months", _("La durée du projet est d'au moins un mois."))
        elif months and end and "study_end" not in self.errors:
            # Data after the project's end could never be used by it.
            project_end = add_months(timezone.localdate(), months)
            if end > project_end:
                self.add_error(
                    "duration_months",
                    _(
                        "Un projet de %(n)d mois finit vers le %(d)s : il ne peut pas étudier "
                        "des données jusqu'au %(end)s. Allongez la durée ou raccourcissez "
                        "la période."
                    )
                    % {
                        "n": months,
                        "d": project_end.strftime("%d/%m/%Y"),
                        "end": end.strftime("%d/%m/%Y"),
                    },
                )
        return data

    def sections(self):
        """``[(anchor, title, [bound fields])]`` in the order the page shows them."""
        return [
            (anchor, title, [self[name] for name in names if name in self.fields])
            for anchor, title, names in DOSSIER_SECTIONS
        ]


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
            # No decision is preselected: the committee chooses one.
            self.fields["opinion"] = forms.ChoiceField(
                label=_("Avis du CESREES"),
                choices=[c for c in Opinion.choices if c[0] != Opinion.TACIT],
                widget=forms.RadioSelect,
            )
            self.fields["reasons"] = forms.CharField(
                label=_("Motifs"),
                help_text=_("Obligatoires pour un avis réservé ou défavorable."),
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            self.fields["recommendations"] = forms.CharField(
                label=_("Recommandations au porteur"),
                help_text=_("Obligatoires pour un avis réservé ou défavorable."),
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        elif transition == "authorise":
            self.fields["expires_on"] = OptionalDateField(
                label=_("Fin de validité de l'autorisation"),
                help_text=_("Laissée vide : la durée du projet à partir d'aujourd'hui."),
            )
        elif transition == "sign_agreement":
            self.fields["signed_on"] = OptionalDateField(
                label=_("Date de signature de la convention")
            )
            self.fields["results_due_on"] = OptionalDateField(
                label=_("Résultats attendus le"),
                help_text=_("Laissée vide : la fin de validité de l'autorisation."),
            )
        elif transition == "make_data_available":
            self.fields["workspace"] = forms.CharField(
                label=_("Espace projet"),
                help_text=_("Où l'équipe trouve les données (bulle, espace de travail…)."),
            )
        elif transition == "close":
            self.fields["results_url"] = forms.URLField(
                label=_("Lien vers les résultats"),
                help_text=_("Publication, rapport ou dépôt : publié au répertoire public."),
                assume_scheme="https",
            )
        elif transition == "redirect":
            self.fields["route"] = forms.ChoiceField(
                label=_("Réorienter vers"),
                choices=[c for c in Route.choices if c[0] in SIMPLIFIED_ROUTES],
            )
        # the step's own fields first, the free comment last
        self.order_fields([*(n for n in self.fields if n != "comment"), "comment"])

    def clean(self):
        data = super().clean()
        if data.get("opinion") in (Opinion.RESERVED, Opinion.UNFAVOURABLE):
            label = Opinion(data["opinion"]).label
            for name in ("reasons", "recommendations"):
                if not (data.get(name) or "").strip():
                    self.add_error(
                        name,
                        _("Obligatoire pour un avis « %(opinion)s ».") % {"opinion": label},
                    )
        return data

    def params(self) -> dict:
        return {
            k: v for k, v in self.cleaned_data.items() if k != "comment" and v not in (None, "")
        }

    def summary(self) -> list[tuple[str, str]]:
        """What the user chose, for the confirmation page."""
        rows = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if isinstance(field, forms.ChoiceField):
                value = dict(field.choices).get(value, value)
            elif hasattr(value, "strftime"):
                value = value.strftime("%d/%m/%Y")
            rows.append((str(field.label), str(value)))
        return rows


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


class VariableChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.description[:80]}" if obj.description else obj.name


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
    variables = VariableChoiceField(
        label=_("Variables"),
        help_text=_("Choisissez la table puis « Afficher les variables de la table »."),
        required=False,
        queryset=Variable.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    study_start = OptionalDateField(label=_("Début de la période demandée"))
    study_end = OptionalDateField(label=_("Fin de la période demandée"))
    code_list_version = forms.ModelChoiceField(
        label=_("Liste de codes (facultatif)"),
        help_text=_("Une version d'une de vos listes de codes, ou d'une liste de ce dossier."),
        required=False,
        queryset=None,
    )
    codes = forms.CharField(
        label=_("Codes qui définissent la population (facultatif)"),
        help_text=_("Un code par ligne, avec sa nomenclature : CIM-10 I63, CCAM EBLA003…"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    justification = forms.CharField(
        label=_("Justification"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, dossier=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from catalogue.codelists.selectors import versions_attachable

        self.fields["code_list_version"].queryset = versions_attachable(user, dossier)
        table_id = self.data.get("table") if self.is_bound else None
        if table_id and str(table_id).isdigit():
            self.fields["variables"].queryset = Variable.objects.filter(
                table_id=int(table_id)
            ).order_by("position", "name")

    def clean(self):
        data = super().clean()
        start, end = data.get("study_start"), data.get("study_end")
        if start and end and end < start:
            self.add_error("study_end", _("La fin de la période précède son début."))
        return data


class RapporteurChoiceField(forms.ModelChoiceField):
    """Full name, workload and declared conflicts of interest of each rapporteur."""

    def __init__(self, *args, dossier=None, **kwargs):
        self.dossier = dossier
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        name = obj.get_full_name() or obj.get_username()
        load = _("%(month)d dossier(s) ce mois-ci, %(total)d au total") % {
            "month": obj.assigned_this_month,
            "total": obj.assigned_total,
        }
        conflicts = list(obj.declared_conflicts.all())
        if not conflicts:
            return f"{name} — {load} — {_('aucun conflit d’intérêts déclaré')}"
        described = ", ".join(
            c.organisation + (f" ({_('concerne ce dossier')})" if c.concerns(self.dossier) else "")
            for c in conflicts
        )
        return f"{name} — {load} — {_('conflits d’intérêts déclarés :')} {described}"


class RapporteurForm(DsfrBaseForm):
    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import rapporteur_candidates

        self.fields["rapporteur"] = RapporteurChoiceField(
            label=_("Rapporteur"),
            queryset=rapporteur_candidates(dossier),
            dossier=dossier,
            widget=forms.RadioSelect,
            empty_label=None,
        )
        if dossier.assignments.count() >= 2:
            self.fields["rapporteur"].help_text = _("Deux rapporteurs sont déjà désignés.")
        elif not self.fields["rapporteur"].queryset.exists():
            self.fields["rapporteur"].help_text = _(
                "Aucun autre rapporteur du CESREES n'est disponible."
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
