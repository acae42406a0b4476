"""Citations from OpenAlex on a PubMed corpus: h-index, co-citation, coupling, themes."""

import pytest

from bibliometrics import connectors, indicators, services
from bibliometrics.models import IndicatorSnapshot, Publication
from tests.bibliometrics.factories import PublicationFactory
from tests.bibliometrics.recorded import FakeTime, Recorded


@pytest.fixture
def recorded(monkeypatch):
    recorded = Recorded()
    monkeypatch.setattr(connectors, "TRANSPORT", recorded.transport())
    monkeypatch.setattr(connectors, "SLEEP", FakeTime().sleep)
    return recorded


@pytest.mark.django_db
def test_citations_and_references_come_from_openalex_matched_by_doi(recorded, client):
    a = PublicationFactory(doi="10.5555/cite.1", pmid="94000001", mesh_terms=["Stroke", "Statins"])
    b = PublicationFactory(doi="10.5555/cite.2", mesh_terms=["Stroke", "Statins"])
    c = PublicationFactory(doi="10.5555/cite.3", mesh_terms=["Stroke"])
    unknown = PublicationFactory(doi="10.5555/not-in-openalex")
    result = services.citations_refresh()
    assert result == {"checked": 4, "found": 3}
    a.refresh_from_db()
    assert (a.openalex_id, a.citation_count, a.references) == ("W5001", 40, ["W1", "W2", "W3"])
    unknown.refresh_from_db()
    assert unknown.citation_count is None and unknown.citations_updated_at is not None
    request = recorded.calls("citations")[0].url.params
    assert request["filter"].startswith("doi:10.5555/cite.1|")

    data = IndicatorSnapshot.objects.latest().data
    cocited = {n["id"]: n["publications"] for n in data["cocitation"]["layout"]["nodes"]}
    assert cocited == {"W1": 2, "W2": 3, "W5001": 2}
    assert data["cocitation"]["labels"]["W5001"] == a.title[:90]  # a corpus work, by title
    coupled = {(e["source"], e["target"]): e["weight"] for e in data["coupling"]["layout"]["edges"]}
    assert coupled[tuple(sorted((a.pk, b.pk)))] == 2  # W1 and W2 in common
    assert services.citations_refresh() == {"checked": 0, "found": 0}  # nothing stale
    assert b.pk and c.pk

    page = client.get("/publications/indicateurs/").content.decode()
    assert "Réseau de co-citation" in page and "chart-thematic-map" in page


@pytest.mark.django_db
def test_a_reimport_without_a_count_keeps_the_openalex_count(tmp_path, recorded):
    PublicationFactory(doi="10.5555/cite.1", pmid="94000001", title="Old title")
    services.citations_refresh()
    target = tmp_path / "p.xml"
    target.write_text(
        '<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID Version="1">94000001</PMID>'
        "<Article><Journal><JournalIssue><PubDate><Year>2020</Year></PubDate></JournalIssue>"
        "<Title>J</Title></Journal><ArticleTitle>New title in the SNDS</ArticleTitle></Article>"
        "</MedlineCitation></PubmedArticle></PubmedArticleSet>"
    )
    services.import_start(paths=[target], background=False)
    pub = Publication.objects.get(pmid="94000001")
    assert (pub.title, pub.citation_count) == ("New title in the SNDS", 40)


def test_the_thematic_map_places_themes_in_callon_quadrants():
    docs = (
        [["cancer", "chemotherapy", "radiotherapy"]] * 5
        + [["stroke", "anticoagulants", "atrial fibrillation"]] * 5
        + [["cancer", "stroke"]] * 2
        + [["chemotherapy", "anticoagulants"]] * 2
        + [["covid", "vaccination", "myocarditis"]] * 4
        + [["autism", "psychotropic drugs"]] * 2
        + [["autism"], ["psychotropic drugs"]] * 3
    )
    result = indicators.thematic_map(docs)
    quadrant = {t["words"][0]: t["quadrant"] for t in result["themes"]}
    # linked to the others but less cohesive than the median; cohesive but alone; neither
    assert quadrant["cancer"] == quadrant["anticoagulants"] == "basic"
    assert quadrant["covid"] == "niche"
    assert quadrant["autism"] == "emerging_declining"
    cancer = next(t for t in result["themes"] if t["words"][0] == "cancer")
    assert cancer["centrality"] > result["median_centrality"]


def test_themes_evolve_across_periods_of_comparable_size():
    rows = [{"year": 2012 + i % 9, "terms": ["stroke", "statins"] if i % 2 else ["cancer", "pain"]}
            for i in range(90)]  # fmt: skip
    evolution = indicators.thematic_evolution(rows, periods=3)
    assert [p["period"] for p in evolution["periods"]] == ["2012–2014", "2015–2017", "2018–2020"]
    assert any(set(link["shared"]) == {"stroke", "statins"} for link in evolution["links"])


def test_cocitation_counts_papers_citing_both_and_coupling_counts_shared_references():
    graph = indicators.cocitation_network([["W1", "W2", "W3"], ["W1", "W2"], ["W4"]], min_count=2)
    assert graph["W1"]["W2"]["weight"] == 2 and "W4" not in graph
    coupling = indicators.coupling_network({1: ["W1", "W2"], 2: ["W1", "W2", "W3"], 3: ["W9"]})
    assert coupling[1][2]["weight"] == 2 and 3 not in coupling
