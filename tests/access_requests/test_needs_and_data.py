"""Requested data at variable level, with a period and codes, and the "expression des
besoins" generated as a PDF or an ODT document."""

import io
import zipfile
from datetime import date

import pytest

from access_requests import services
from access_requests.needs import needs_outline, render_odt, render_pdf
from tests.access_requests.factories import make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def er_prs_f():
    from catalogue.models import Database, Table, Variable

    dcir = Database.objects.create(acronym="DCIR", name="Datamart de consommation inter-régimes")
    table = Table.objects.create(database=dcir, name="ER_PRS_F")
    for position, name in enumerate(["BEN_NIR_PSA", "EXE_SOI_DTD", "PRS_NAT_REF"]):
        Variable.objects.create(table=table, name=name, position=position)
    return table


def test_a_requested_item_names_its_variables_period_and_codes(cast, er_prs_f):
    dossier = make_draft(cast.alice, complete=False)
    variables = list(er_prs_f.variables.filter(name__in=["BEN_NIR_PSA", "EXE_SOI_DTD"]))
    item = services.requested_data_add(
        dossier=dossier,
        by=cast.alice,
        table=er_prs_f,
        variables=variables,
        study_start=date(2019, 1, 1),
        study_end=date(2022, 12, 31),
        codes="CIM-10 I63\n\n  CCAM EBLA003 ",
        justification="Soins de ville après l'AVC.",
    )
    assert sorted(v.name for v in item.variables.all()) == ["BEN_NIR_PSA", "EXE_SOI_DTD"]
    assert item.code_list == ["CIM-10 I63", "CCAM EBLA003"]


def test_variables_belong_to_the_chosen_table_and_the_period_to_the_study(cast, er_prs_f):
    from catalogue.models import Table, Variable

    other = Table.objects.create(database=er_prs_f.database, name="ER_PHA_F")
    stranger = Variable.objects.create(table=other, name="PHA_PRS_C13")
    dossier = make_draft(cast.alice, complete=False)  # study period 2018–2023
    for refused, reason in [
        ({"variables": [stranger]}, "table choisie"),
        ({"study_start": date(2010, 1, 1)}, "sort de la période d'étude"),
        ({"study_start": date(2022, 1, 1), "study_end": date(2020, 1, 1)}, "avant son début"),
    ]:
        with pytest.raises(services.DossierError, match=reason):
            services.requested_data_add(
                dossier=dossier, by=cast.alice, table=er_prs_f, justification="x", **refused
            )


def test_the_data_page_shows_the_tables_variables_to_tick(cast, client, er_prs_f):
    dossier = make_draft(cast.alice, complete=False)
    client.force_login(cast.alice)
    url = f"/dossiers/{dossier.reference}/donnees/"
    shown = client.post(url, {"table": er_prs_f.pk, "show_variables": "1"}).content.decode()
    assert "PRS_NAT_REF" in shown and 'type="checkbox"' in shown
    assert not dossier.requested_data.exists()
    ben = er_prs_f.variables.get(name="BEN_NIR_PSA")
    response = client.post(
        url,
        {
            "table": er_prs_f.pk,
            "variables": [ben.pk],
            "codes": "CIM-10 I63",
            "justification": "Chaîner les soins.",
        },
    )
    assert response.status_code == 302
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "BEN_NIR_PSA" in page and "CIM-10 I63" in page


def test_the_expression_des_besoins_comes_as_pdf_and_odt(cast, client, er_prs_f):
    dossier = make_draft(cast.alice, complete=False)
    services.requested_data_add(
        dossier=dossier,
        by=cast.alice,
        table=er_prs_f,
        variables=list(er_prs_f.variables.filter(name="EXE_SOI_DTD")),
        codes="CIM-10 I63",
        justification="Dates des soins.",
    )
    outline = needs_outline(dossier)
    rows = dict(outline.sections[2].rows)
    assert rows["Données"] == "DCIR — ER_PRS_F" and rows["Variables"] == "EXE_SOI_DTD"
    assert rows["Codes"] == "CIM-10 I63"

    client.force_login(cast.alice)
    pdf = client.get(f"/dossiers/{dossier.reference}/expression-des-besoins.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert "attachment" in pdf["Content-Disposition"]
    odt = client.get(f"/dossiers/{dossier.reference}/expression-des-besoins.odt")
    with zipfile.ZipFile(io.BytesIO(odt.content)) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        content = archive.read("content.xml").decode()
    assert "EXE_SOI_DTD" in content and "Dates des soins." in content
    assert dossier.title in content


def test_both_renderers_take_the_same_outline_without_a_database(cast):
    from access_requests.needs import Outline, Section

    outline = Outline("Titre <avec> & signes", "sous-titre", [Section("S", ["p"], [("a", "b")])])
    assert render_pdf(outline).startswith(b"%PDF-")
    with zipfile.ZipFile(io.BytesIO(render_odt(outline))) as archive:
        assert "Titre &lt;avec&gt; &amp; signes" in archive.read("content.xml").decode()


def test_alice_removes_a_requested_item_after_confirming(cast, client):
    from portal.models import AuditEntry

    dossier = make_draft(cast.alice)
    item = dossier.requested_data.get()
    url = f"/dossiers/{dossier.reference}/donnees/{item.pk}/retirer/"
    client.force_login(cast.alice)
    assert "sortent de la demande" in client.get(url).content.decode()
    assert dossier.requested_data.exists()
    assert client.post(url).status_code == 302
    assert not dossier.requested_data.exists()
    assert AuditEntry.objects.filter(action="dossier.data_remove").exists()
    submitted = make_draft(cast.alice, title="Déposé")
    services.dossier_submit(dossier=submitted, by=cast.alice)
    locked = submitted.requested_data.get()
    assert (
        client.post(f"/dossiers/{submitted.reference}/donnees/{locked.pk}/retirer/").status_code
        == 403
    )
