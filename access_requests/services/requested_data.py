"""The data a dossier asks for (catalogue databases, tables, variables, codes)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit import audit_record

from ..models import (
    Dossier,
    RequestedData,
)
from ..rules import can_edit
from .dossiers import check_study_period
from .errors import ActionForbidden, DossierError, require_text


def requested_data_add(
    *,
    dossier: Dossier,
    by,
    justification: str,
    label: str = "",
    variables=(),
    study_start: date | None = None,
    study_end: date | None = None,
    codes: str = "",
    code_list_version=None,
    **links,
) -> RequestedData:
    """Ask for a catalogue database or table (or a described dataset), with a justification,
    down to the table's variables, for a study period, with the codes that select the
    population (a free list until code lists can be attached)."""
    if not can_edit(by, dossier):
        raise ActionForbidden(_("Ce dossier ne peut pas être modifié à cette étape."))
    justification = require_text(justification, _("Justifiez la demande de ces données."))
    check_study_period(study_start, study_end)
    for bound in (study_start, study_end):
        outside = (
            bound
            and dossier.study_start
            and dossier.study_end
            and not dossier.study_start <= bound <= dossier.study_end
        )
        if outside:
            raise DossierError(
                _("La période demandée sort de la période d'étude du dossier (%(s)s – %(e)s).")
                % {
                    "s": dossier.study_start.strftime("%d/%m/%Y"),
                    "e": dossier.study_end.strftime("%d/%m/%Y"),
                }
            )
    links = {k: v for k, v in links.items() if v is not None and k in ("database", "table")}
    table, database = links.get("table"), links.get("database")
    if table is not None:
        if database is not None and table.database_id != database.pk:
            raise DossierError(_("Cette table n'appartient pas à la base choisie."))
        links["database"] = table.database
    if not label and not links:
        raise DossierError(
            _("Choisissez une base ou une table du catalogue, ou décrivez les données.")
        )
    variables = list(variables or [])
    if variables and (table is None or any(v.table_id != table.pk for v in variables)):
        raise DossierError(_("Les variables demandées appartiennent à la table choisie."))
    codes = "\n".join(line.strip() for line in (codes or "").splitlines() if line.strip())
    if code_list_version is not None:
        from catalogue.codelists.services import code_list_attach

        code_list_attach(version=code_list_version, dossier=dossier, by=by)
    with transaction.atomic():
        item = RequestedData.objects.create(
            dossier=dossier,
            label=label,
            justification=justification,
            study_start=study_start,
            study_end=study_end,
            codes=codes,
            code_list_version=code_list_version,
            **links,
        )
        item.variables.set(variables)
        audit_record(
            actor=by,
            action="dossier.data_request",
            target=dossier,
            changes={
                "data": str(item),
                "variables": [v.name for v in variables],
                "code_list_version": str(code_list_version) if code_list_version else None,
            },
        )
    return item


def requested_data_remove(*, item: RequestedData, by) -> None:
    if not can_edit(by, item.dossier):
        raise ActionForbidden(_("Ce dossier ne peut pas être modifié à cette étape."))
    with transaction.atomic():
        audit_record(
            actor=by,
            action="dossier.data_remove",
            target=item.dossier,
            changes={"data": str(item)},
        )
        item.delete()
