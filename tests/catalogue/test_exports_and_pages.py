import io
import zipfile

import pytest
from rdflib import Graph
from rdflib.namespace import DCAT, RDF

from catalogue import search
from catalogue.demo import SUBSET
from catalogue.models import Database, JoinKey, NomenclatureValue, Variable
from catalogue.services import tableschema_import


@pytest.fixture
def subset(db):
    return tableschema_import(
        paths=[SUBSET / "schemas"], database="SNDS", nomenclatures=SUBSET / "nomenclatures"
    )


def _state():
    return (
        sorted(Variable.objects.values_list("table__name", "name", "type", "description")),
        sorted(JoinKey.objects.values_list("from_table__name", "signature")),
        NomenclatureValue.objects.count(),
    )


def test_datapackage_round_trips(subset, client, tmp_path):
    before = _state()
    response = client.get("/catalogue/b/SNDS/datapackage.zip")
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(tmp_path)
    assert (tmp_path / "datapackage.json").exists()
    Database.objects.all().delete()
    from catalogue.models import Nomenclature

    Nomenclature.objects.all().delete()
    tableschema_import(
        paths=[tmp_path / "schemas"], database="SNDS", nomenclatures=tmp_path / "nomenclatures"
    )
    assert _state() == before


def test_rdf_export_has_one_dataset_per_database(subset, client):
    Database.objects.create(acronym="EGB", name="Échantillon généraliste des bénéficiaires")
    for fmt, rdf in (("ttl", "turtle"), ("jsonld", "json-ld")):
        graph = Graph().parse(data=client.get(f"/catalogue/dcat.{fmt}").content, format=rdf)
        assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 2


def test_variable_page_shows_nomenclature_and_no_statistics_yet(subset, client):
    response = client.get("/catalogue/b/SNDS/IR_BEN_R/BEN_SEX_COD/")
    assert "IR_SEX_V" in response.content.decode()
    assert "Pas encore profilée" in response.content.decode()


def test_table_page_shows_composite_keys_and_graph(subset, client):
    page = client.get("/catalogue/b/SNDS/ER_PHA_F/").content.decode()
    assert "FLX_DIS_DTD" in page and 'id="join-graph"' in page


def test_sqlite_fallback_ranks_names_first(subset, monkeypatch):
    monkeypatch.setattr(search, "_is_postgres", lambda: False)
    results = search.catalogue_search("deces")
    assert results.total > 0
    assert search.catalogue_search("IR_BEN_R").hits[0].name == "IR_BEN_R"


def test_only_data_may_write_through_the_api(subset, client, cast):
    client.force_login(cast.alice)
    assert (
        client.post("/api/catalogue/databases/", {"acronym": "X", "name": "X"}).status_code == 403
    )
    client.force_login(cast.data)
    assert (
        client.post("/api/catalogue/databases/", {"acronym": "X", "name": "X"}).status_code == 201
    )
    assert search.catalogue_search("X").total >= 1


def _facet_links(html: str, key: str) -> dict[str, str]:
    import html as h
    import re

    block = re.search(rf'data-testid="facet-{key}">(.*?)</ul>', html, re.S).group(1)
    return {
        label.rsplit(" (", 1)[0]: h.unescape(url)
        for url, label in re.findall(r'href="([^"]+)"[^>]*>([^<]+)</a>', block)
    }


def test_search_facets_combine_and_each_one_can_be_removed(subset, client):
    """A researcher narrows "date" to dates, then to one product: both filters hold, the
    counts follow, and dropping one keeps the other (page links keep them too)."""
    from urllib.parse import parse_qs, urlsplit

    page = client.get("/catalogue/recherche/", {"q": "date"}).content.decode()
    by_type = _facet_links(page, "type")["date"]
    page = client.get("/catalogue/recherche/" + by_type).content.decode()
    products = _facet_links(page, "product")
    product, url = next(iter(products.items()))
    assert parse_qs(urlsplit(url).query) == {"q": ["date"], "type": ["date"], "product": [product]}
    response = client.get("/catalogue/recherche/" + url)
    both = response.context["results"]
    assert both.total >= 1
    assert {(h.type, h.product) for h in both.hits} == {("date", product)}
    active = {k: u for k, _v, u in response.context["active"]}
    assert set(active) == {"type", "product"}
    without_type = parse_qs(urlsplit(active["type"]).query)
    assert without_type == {"q": ["date"], "product": [product]}
    # the chosen value is marked and its tag takes the filter off again
    html = response.content.decode()
    assert 'data-chosen="1">date (' in html
    many = client.get("/catalogue/recherche/", {"q": "date", "kind": "variable"})
    assert many.context["results"].total > 20, "the subset should give two pages"
    assert parse_qs(urlsplit(many.context["next_url"]).query) == {
        "q": ["date"],
        "kind": ["variable"],
        "page": ["2"],
    }


@pytest.mark.parametrize("backend", ["postgresql", "sqlite-fallback"])
def test_plural_and_inflected_words_find_the_singular(subset, monkeypatch, backend):
    """ "dates d'hospitalisations" finds "Date de début d'hospitalisation"; the singular
    query finds the same hits (on PostgreSQL and with the embedded fallback)."""
    if backend == "sqlite-fallback":
        monkeypatch.setattr(search, "_is_postgres", lambda: False)
    plural = search.catalogue_search("dates d'hospitalisations", limit=100)
    singular = search.catalogue_search("date d'hospitalisation", limit=100)
    assert "Date de début d'hospitalisation" in {h.title for h in plural.hits}
    assert [h.url for h in plural.hits] == [h.url for h in singular.hits]
    assert search.catalogue_search("décédés").total == search.catalogue_search("décédé").total
