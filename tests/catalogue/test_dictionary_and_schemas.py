"""The whole dictionary in one file, and the product schema diagrams drawn server-side as
SVG: navigable (every table a link) and downloadable."""

import csv
import io

import openpyxl
import pytest
from lxml import etree

from catalogue.demo import SUBSET
from catalogue.models import Table, Variable
from catalogue.services import tableschema_import

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def subset(db):
    return tableschema_import(
        paths=[SUBSET / "schemas"], database="SNDS", nomenclatures=SUBSET / "nomenclatures"
    )


def test_the_whole_dictionary_downloads_as_one_csv_and_one_xlsx(subset, client):
    response = client.get("/catalogue/dictionnaire.csv")
    assert response["Content-Disposition"] == 'attachment; filename="dictionnaire-hdh.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:7] == [
        "base",
        "produit",
        "table",
        "libelle_table",
        "variable",
        "description",
        "type",
    ]
    assert len(body) == Variable.objects.count()
    assert len({r[2] for r in body}) == Table.objects.count()
    sex = next(r for r in body if r[2] == "IR_BEN_R" and r[4] == "BEN_SEX_COD")
    assert sex[0] == "SNDS" and sex[1] == "BENEFICIAIRE" and sex[9] == "IR_SEX_V"
    xlsx = client.get("/catalogue/dictionnaire.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == len(body) + 1
    assert [c.value for c in sheet[1]][:3] == ["base", "produit", "table"]
    assert client.get("/catalogue/dictionnaire.pdf").status_code == 404


def parse_svg(content: bytes):
    return etree.fromstring(content)


def test_the_dcir_schema_draws_every_dcir_table_and_its_keys(subset, client):
    page = client.get("/catalogue/schemas/SNDS/DCIR/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script" not in html.split('data-testid="schema"')[1].split("</div>")[0]
    svg = client.get("/catalogue/schemas/SNDS/DCIR.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert "attachment" in svg["Content-Disposition"]
    root = parse_svg(svg.content)
    drawn = {a.get("data-table") for a in root.iter(f"{SVG}a")}
    dcir = set(Table.objects.filter(product="DCIR").values_list("name", flat=True))
    assert dcir <= drawn  # every DCIR table, each a link to its page
    link = next(a for a in root.iter(f"{SVG}a") if a.get("data-table") == "ER_PRS_F")
    assert link.get("href") == "/catalogue/b/SNDS/ER_PRS_F/"
    keys = [(line.get("data-from"), line.get("data-to")) for line in root.iter(f"{SVG}line")]
    assert ("ER_PHA_F", "ER_PRS_F") in keys
    assert "IR_BEN_R" in drawn  # another product reached by a key, drawn dashed
    tooltip = next(
        line.findtext(f"{SVG}title")
        for line in root.iter(f"{SVG}line")
        if line.get("data-from") == "ER_PHA_F"
    )
    assert "DCT_ORD_NUM" in tooltip


def test_the_pmsi_mco_schema_and_the_list_of_products(subset, client):
    root = parse_svg(client.get("/catalogue/schemas/SNDS/PMSI MCO.svg").content)
    drawn = {a.get("data-table") for a in root.iter(f"{SVG}a")}
    assert {"T_MCOaaB", "T_MCOaaC", "T_MCOaaD", "T_MCOaaE"} <= drawn
    listing = client.get("/catalogue/schemas/").content.decode()
    assert (
        "/catalogue/schemas/SNDS/PMSI%20MCO/" in listing
        or "/catalogue/schemas/SNDS/PMSI MCO/" in listing
    )
    assert client.get("/catalogue/schemas/SNDS/NOPE/").status_code == 404


def test_boxes_of_a_large_product_do_not_overlap():
    from catalogue.diagram import BOX_H, BOX_W, Link, Node, layout

    nodes = [Node(f"T{i:02d}") for i in range(60)]
    links = [Link("T00", f"T{i:02d}", "K") for i in range(1, 60)]
    pos = layout(nodes, links)
    assert pos["T00"] == (0.0, 0.0)  # the hub in the middle
    points = list(pos.values())
    for i, (x1, y1) in enumerate(points):
        for x2, y2 in points[i + 1 :]:
            assert abs(x1 - x2) >= BOX_W or abs(y1 - y2) >= BOX_H
