"""Public read API."""

from pathlib import Path

import pytest

from bibliometrics import services

DATA = Path(__file__).parent / "data"


@pytest.fixture
def imported(db):
    return services.import_start(paths=sorted(DATA.glob("sample.*")), background=False)


@pytest.mark.django_db
def test_publications_are_filtered_and_searchable(client, imported):
    body = client.get("/api/publications/publications/").json()
    assert body["count"] == 6  # the ginkgo paper is not about the SNDS
    dcir = client.get("/api/publications/publications/?component=DCIR").json()
    assert {p["doi"] for p in dcir["results"]} == {
        "10.1007/example-11",
        "10.1093/eurheartj/example",
    }
    found = client.get("/api/publications/publications/?search=CépiDc").json()
    assert [p["doi"] for p in found["results"]] == ["10.1000/bib.1"]
    hospital = client.get("/api/publications/publications/?actor_type=hospital").json()
    assert hospital["count"] == 4  # CHU Bordeaux, HCL, CHU Lille, Gustave Roussy


@pytest.mark.django_db
def test_publication_detail_has_authors_and_affiliations(client, imported):
    pub = client.get("/api/publications/publications/?doi=10.1000/example.1").json()["results"][0]
    detail = client.get(f"/api/publications/publications/{pub['id']}/").json()
    assert detail["authorships"][0]["orcid"] == "0000-0002-1825-0097"
    assert detail["authorships"][0]["affiliations"][0]["actor_type"] == "agency"


@pytest.mark.django_db
def test_indicators_endpoint_hides_author_figures_from_the_public(client, cast, imported):
    body = client.get("/api/publications/indicators/").json()
    assert body["publications"] == 6
    assert "h_index_authors" not in body["indicators"]
    client.force_login(cast.data)
    assert "h_index_authors" in client.get("/api/publications/indicators/").json()["indicators"]
