"""The code-list form: one item per line, ``SYSTEM CODE``; ``*`` adds the descendants,
a leading ``!`` excludes."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from .referentials import System

LINE = re.compile(r"^(!)?\s*([A-Za-z0-9]+)\s+([A-Za-z0-9.\-]+)\s*(\*)?$")


def parse_items(text: str) -> tuple[list[dict], list[tuple[int, str]]]:
    """Items of the text, and the lines that are not ``[!]SYSTEM CODE[*]`` (number, line)."""
    items, bad = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = LINE.match(line)
        if not m or m.group(2).upper() not in System.ALL:
            bad.append((number, line))
            continue
        items.append({"system": m.group(2).upper(), "code": m.group(3), "line": number,
                      "excluded": bool(m.group(1)), "include_descendants": bool(m.group(4))})  # fmt: skip
    return items, bad


def items_text(items) -> str:
    return "\n".join(
        f"{'!' if i.excluded else ''}{i.system} {i.code}{' *' if i.include_descendants else ''}"
        for i in items
    )


class CodeListForm(DsfrBaseForm):
    name = forms.CharField(label=_("Nom de la liste"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    rationale = forms.CharField(
        label=_("Justification"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Pourquoi ces codes ciblent la population d'étude (sources, définitions)."),
    )  # fmt: skip
    dossier = forms.ModelChoiceField(label=_("Dossier"), queryset=None, required=False)
    items = forms.CharField(
        label=_("Codes"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Un code par ligne : système puis code (CIM10 E11, ATC M01AE01, CIP13 3400930027905, "
            "CCAM LFQK002, NGAP 3125, NABM 1577, LPP 1100028). « * » en fin de ligne ajoute les "
            "codes descendants, « ! » en début de ligne exclut."
        ),
    )
    comment = forms.CharField(label=_("Commentaire de version"), required=False, max_length=500)
    keep_known = forms.BooleanField(
        label=_("Ignorer les codes inconnus et garder les autres"), required=False
    )

    def __init__(self, *args, dossiers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossier"].queryset = dossiers

    def clean_items(self):
        items, bad = parse_items(self.cleaned_data["items"])
        if bad:
            raise forms.ValidationError(
                [
                    _("Ligne %(n)s illisible : « %(line)s »") % {"n": n, "line": line}
                    for n, line in bad
                ]
            )
        if not items:
            raise forms.ValidationError(_("Donnez au moins un code."))
        return items


class ReferentialImportForm(DsfrBaseForm):
    """A drug referential to import: IR_PHA_R (one file) or the BDPM (three files)."""

    source = forms.ChoiceField(
        label=_("Référentiel"),
        choices=[
            ("IR_PHA_R", _("IR_PHA_R (SNDS)")),
            ("BDPM", _("BDPM (ANSM)")),
            ("OMOP", _("Vocabulaire OMOP chargé (ATC, BDPM, CIM10, CCAM)")),
        ],
    )
    ir_pha_r = forms.FileField(
        label=_("IR_PHA_R"), required=False,
        help_text=_("CSV séparé par des « ; », avec sa ligne d'en-tête (PHA_CIP_C13, PHA_ATC_C07…)."),
    )  # fmt: skip
    cis = forms.FileField(label="CIS_bdpm.txt", required=False)
    cis_cip = forms.FileField(label="CIS_CIP_bdpm.txt", required=False)
    compo = forms.FileField(
        label="CIS_COMPO_bdpm.txt", required=False,
        help_text=_("Fichiers de la base de données publique des médicaments : séparés par des "
                    "tabulations, en Windows-1252, sans ligne d'en-tête."),
    )  # fmt: skip
