"""The catalogue search answers like dico-snds: synonyms between DCIR and PMSI words, a
"Vouliez-vous dire …" for a typo, one line per nomenclature value, highlighted matches, a sort,
facet values in words and numbered pages."""

import pytest
from django.test import override_settings

from catalogue import search
from catalogue.models import SearchSynonym
from tests.catalogue.factories import (
    DatabaseFactory,
    NomenclatureFactory,
    NomenclatureValueFactory,
    TableFactory,
    VariableFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    dcir = DatabaseFactory(acronym="SNDS")
    er_prs = TableFactory(database=dcir, product="DCIR", name="ER_PRS_F", title="Prestations")
    VariableFactory(table=er_prs, name="EXE_SOI_DTD", description="Date de début des soins")
    VariableFactory(
        table=er_prs, name="ETE_HOS_DTD", description="Date de l'hospitalisation", type="date"
    )
    VariableFactory(
        table=er_prs, name="PRS_ACT_QTE", description="Quantité d'actes", type="integer"
    )
    mco = TableFactory(database=dcir, product="PMSI MCO", name="T_MCOaa_nnB", title="Séjours")
    VariableFactory(table=mco, name="ENT_DAT", description="Date d'entrée du séjour", type="date")
    for name in ("IR_SEX_V", "IR_SEX_V2", "IR_SEX_V3"):
        nomenclature = NomenclatureFactory(name=name, title="Sexe")
        NomenclatureValueFactory(nomenclature=nomenclature, code="2", label="Féminin")
    search.index_rebuild()


def test_a_pmsi_stay_answers_a_search_for_a_dcir_hospitalisation(catalogue, client):
    page = client.get("/catalogue/recherche/", {"q": "date hospitalisation"}).content.decode()
    assert "ETE_HOS_DTD" in page  # DCIR's word
    assert "ENT_DAT" in page  # PMSI's "séjour", a synonym in the editable list


def test_a_synonym_added_by_a_curator_is_used_at_once(catalogue):
    assert not search.catalogue_search("remboursement quantite").total
    SearchSynonym.objects.create(terms="remboursement, prestation")
    hits = search.catalogue_search("remboursement").hits
    assert "ER_PRS_F" in [h.name for h in hits]


def test_a_typo_gets_a_did_you_mean(catalogue, client):
    response = client.get("/catalogue/recherche/", {"q": "hospitalisaton"})
    page = response.content.decode()
    assert 'data-testid="search-suggestion"' in page
    assert "Vouliez-vous dire" in page and "hospitalisation" in page
    assert search.catalogue_search("hospitalisation").total > 0


def test_a_value_in_three_nomenclatures_is_listed_once_with_the_three(catalogue):
    hits = [h for h in search.catalogue_search("feminin").hits if h.kind == "value"]
    assert len(hits) == 1
    assert sorted(name for name, _url in hits[0].also_in) == ["IR_SEX_V", "IR_SEX_V2", "IR_SEX_V3"]


def test_matches_are_highlighted_accents_ignored(catalogue, client):
    page = client.get("/catalogue/recherche/", {"q": "sejour"}).content.decode()
    assert "<mark>Séjours</mark>" in page or "<mark>séjour</mark>" in page


def test_results_can_be_sorted_by_name(catalogue):
    by_name = [h.name for h in search.catalogue_search("date", sort="name").hits]
    assert by_name == sorted(by_name, key=lambda n: n.lower())


def test_facet_values_are_words_in_the_page_language(catalogue, client):
    page = client.get("/catalogue/recherche/", {"q": "date"}).content.decode()
    assert ">date (" in page or "date (" in page
    page = client.get("/catalogue/recherche/", {"q": "actes"}).content.decode()
    assert "entier (" in page and "integer (" not in page
    client.cookies["django_language"] = "en"
    page = client.get("/catalogue/recherche/", {"q": "actes"}).content.decode()
    assert "integer (" in page and "entier" not in page


def test_pages_are_numbered(catalogue, client):
    for i in range(45):
        VariableFactory(name=f"DATE_{i:02d}", description="Une date")
    search.index_rebuild()
    page = client.get("/catalogue/recherche/", {"q": "date", "page": "2"}).content.decode()
    nav = page[page.index('data-testid="search-pages"') :]
    assert 'aria-current="page">2</a>' in nav and ">3</a>" in nav and ">1</a>" in nav


@override_settings(DEBUG=False)
def test_a_query_of_symbols_finds_nothing_and_suggests_nothing(catalogue):
    results = search.catalogue_search("&|!:*")
    assert results.total == 0 and results.suggestion == ""
