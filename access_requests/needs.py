"""The "expression des besoins": what a project asks for, as a PDF (reportlab) or an ODT
(odfpy) document the Guichet can read and archive.

:func:`needs_outline` reads the dossier (translated labels, catalogue names); the two
renderers take that outline only, so the same content comes out in both formats.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Dossier


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    # (label, value) pairs shown as a two-column list
    rows: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Outline:
    title: str
    subtitle: str
    sections: list[Section]


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def needs_outline(dossier: Dossier) -> Outline:
    project = Section(
        _("Projet"),
        rows=[
            (_("Référence"), dossier.reference),
            (_("Procédure"), str(dossier.get_route_display())),
            (_("Responsable de traitement"), dossier.data_controller or "—"),
            (
                _("Porteur de projet"),
                dossier.owner.get_full_name() or dossier.owner.get_username(),
            ),
            (
                _("Période d'étude"),
                f"{_date(dossier.study_start)} – {_date(dossier.study_end)}",
            ),
            (
                _("Durée du projet"),
                _("%(n)s mois") % {"n": dossier.duration_months or "—"},
            ),
        ],
    )
    texts = [
        (_("Objectifs"), dossier.objectives),
        (_("Intérêt public"), dossier.public_interest),
        (_("Méthodes"), dossier.methods),
        (_("Population étudiée"), dossier.population),
    ]
    description = Section(
        _("Description"),
        paragraphs=[f"{label} : {text.strip()}" for label, text in texts if text.strip()],
    )
    sections = [project, description]
    items = dossier.requested_data.select_related("database", "table__database").prefetch_related(
        "variables"
    )
    for number, item in enumerate(items, start=1):
        variables = ", ".join(v.name for v in item.variables.all())
        rows = [
            (_("Données"), item.display_name),
            (_("Variables"), variables or _("toutes celles de la table")),
            (
                _("Période demandée"),
                f"{_date(item.study_start)} – {_date(item.study_end)}"
                if item.study_start or item.study_end
                else _("celle de l'étude"),
            ),
        ]
        if item.code_list:
            rows.append((_("Codes"), ", ".join(item.code_list)))
        rows.append((_("Justification"), item.justification))
        sections.append(
            Section(_("Donnée demandée n° %(n)d") % {"n": number}, rows=rows),
        )
    if len(sections) == 2:
        sections.append(Section(_("Données demandées"), paragraphs=[_("Aucune donnée demandée.")]))
    return Outline(
        title=_("Expression des besoins — %(title)s") % {"title": dossier.title},
        subtitle=_("Dossier %(ref)s, document généré le %(d)s")
        % {"ref": dossier.reference, "d": _date(timezone.localdate())},
        sections=sections,
    )


def render_pdf(outline: Outline) -> bytes:
    """A4 PDF with a title, then each section as a heading and a table or paragraphs."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=outline.title,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
    )

    def para(text: str, style: str = "BodyText") -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), styles[style])

    story = [para(outline.title, "Title"), para(outline.subtitle, "Italic"), Spacer(1, 12)]
    for section in outline.sections:
        story.append(para(section.title, "Heading2"))
        if section.rows:
            table = Table(
                [[para(label), para(value)] for label, value in section.rows],
                colWidths=[4.5 * cm, 12.5 * cm],
            )
            table.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                    ]
                )
            )
            story.append(table)
        story.extend(para(text) for text in section.paragraphs)
        story.append(Spacer(1, 8))
    doc.build(story)
    return buffer.getvalue()


def render_odt(outline: Outline) -> bytes:
    """OpenDocument text with the same headings, tables and paragraphs as the PDF."""
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TableColumnProperties, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, P

    document = OpenDocumentText()
    bold = Style(name="Label", family="paragraph")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    label_col = Style(name="LabelColumn", family="table-column")
    label_col.addElement(TableColumnProperties(columnwidth="4.5cm"))
    value_col = Style(name="ValueColumn", family="table-column")
    value_col.addElement(TableColumnProperties(columnwidth="12.5cm"))
    document.automaticstyles.addElement(label_col)
    document.automaticstyles.addElement(value_col)

    document.text.addElement(H(outlinelevel=1, text=outline.title))
    document.text.addElement(P(text=outline.subtitle))
    for number, section in enumerate(outline.sections):
        document.text.addElement(H(outlinelevel=2, text=section.title))
        if section.rows:
            table = Table(name=f"section{number}")
            table.addElement(TableColumn(stylename=label_col))
            table.addElement(TableColumn(stylename=value_col))
            for label, value in section.rows:
                row = TableRow()
                for text, style in ((label, bold), (value, None)):
                    cell = TableCell(valuetype="string")
                    for line in str(text).splitlines() or [""]:
                        cell.addElement(P(text=line, stylename=style) if style else P(text=line))
                    row.addElement(cell)
                table.addElement(row)
            document.text.addElement(table)
        for text in section.paragraphs:
            document.text.addElement(P(text=text))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()
