"""Dashboard, list, CSV, publication page, upload and curation as users see them."""

import html
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bibliometrics import demo, services
from bibliometrics.models import ImportRun, Publication
from portal.models import Job
from tests.pages import page_in

DATA = Path(__file__).parent / "data"


class _Out:
    def write(self, _text):
        pass


@pytest.fixture
def corpus(db):
    demo.seed(users={}, stdout=_Out())
    return Publication.objects.filter(is_example=True)


def chart_data(response):
    html = response.content.decode()
    start = html.index('<script id="biblio-data" type="application/json">') + len(
        '<script id="biblio-data" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


@pytest.mark.django_db
def test_dashboard_shows_the_demo_corpus_with_filters(client, corpus):
    response = client.get("/publications/")
    assert response.status_code == 200
    data = chart_data(response)
    assert data["publications"] == corpus.count() == 40
    assert sum(data["production"].values()) == 40
    assert "h_index_authors" not in data
    filtered = chart_data(client.get("/publications/?year_min=2020&component=PMSI_HAD"))
    assert 0 < filtered["publications"] < 40
    assert min(int(y) for y in filtered["production"]) >= 2020
    assert set(filtered["by_component"]) >= {"PMSI_HAD"}


@pytest.mark.django_db
def test_clicking_a_bar_lists_exactly_its_publications(client, corpus):
    data = chart_data(client.get("/publications/"))
    year, count = next(iter(data["by_actor_type"]["hospital"].items()))
    response = client.get(f"/publications/liste/?actor_type=hospital&year={year}")
    assert response.context["count"] == count
    for pub in response.context["page_obj"]:
        assert pub.year == int(year)


@pytest.mark.django_db
def test_list_search_and_example_badge(client, corpus):
    response = client.get("/publications/liste/?q=valproate")
    assert response.status_code == 200
    assert 0 < response.context["count"] < 40
    assert "exemple" in response.content.decode()


@pytest.mark.django_db
def test_chart_data_downloads_as_csv(client, corpus):
    response = client.get("/publications/graphiques/production.csv?year_min=2023")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().strip().splitlines()
    assert lines[0] == "year,publications"
    assert {line.split(",")[0] for line in lines[1:]} == {"2023", "2024"}


@pytest.mark.django_db
def test_publication_page_shows_authors_and_components(client, corpus):
    pub = corpus.filter(components__code="DCIR").first()
    response = client.get(f"/publications/{pub.pk}/")
    html = response.content.decode()
    assert pub.title in html
    assert "DCIR" in html
    assert "Publication fictive" in html
    assert "Curation" not in html  # public: no curation form


@pytest.mark.django_db
def test_a_curator_sets_a_publication_aside_and_the_public_loses_it(client, cast, corpus):
    pub = corpus.first()
    client.force_login(cast.data)
    response = client.post(f"/publications/{pub.pk}/pertinence/", {"decision": "no", "note": "x"})
    assert response.status_code == 302
    pub.refresh_from_db()
    assert (pub.relevant, pub.relevance_override, pub.relevance_note) == (False, False, "x")
    client.logout()
    assert client.get(f"/publications/{pub.pk}/").status_code == 404


@pytest.mark.django_db
def test_upload_page_starts_an_import_job_for_data(
    client, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast.data)
    upload = SimpleUploadedFile("sample.ris", (DATA / "sample.ris").read_bytes())
    response = client.post("/publications/imports/", {"files": [upload], "format": "auto"})
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/publications/imports/{run.pk}/"
    assert run.job.status == Job.Status.QUEUED
    assert run.job.task_name == "bibliometrics.import_publications"
    assert Path(run.files[0]).read_bytes() == (DATA / "sample.ris").read_bytes()
    page = client.get(response["Location"])
    assert page.status_code == 200


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused_in_the_language_of_the_page(client, cast, settings):
    settings.PUBLICATION_IMPORT_MAX_BYTES = 1000
    client.force_login(cast.data)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    upload = SimpleUploadedFile("big.ris", b"x" * 2000)
    response = client.post("/publications/imports/", {"files": [upload], "format": "auto"})
    page = html.unescape(response.content.decode())
    assert "2.0\xa0KB to import: the limit is 1000\xa0bytes. Split the export." in page
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_import_detail_lists_rejects_in_the_readers_language(client, cast):
    run = services.import_start(paths=[DATA / "sample.wos"], background=False, by=cast.data)
    client.force_login(cast.data)
    french = page_in(client, "fr", f"/publications/imports/{run.pk}/")
    english = page_in(client, "en", f"/publications/imports/{run.pk}/")
    assert "notice sans titre" in french and "no title" not in french
    assert "record without a title" in english and "notice sans titre" not in english


@pytest.mark.django_db
def test_indicators_page_shows_lotka_author_counts_but_no_per_author_data(client, cast, corpus):
    """Authors of publications are not patients: the small-cell rule does not hide the
    Lotka table (it used to show 0 and 3 alike as "< 10"); per-author figures stay
    reserved to curators."""
    from bibliometrics import selectors

    html = client.get("/publications/indicateurs/").content.decode()
    lotka = selectors.snapshot_current().data["lotka"]["table"]
    assert "Loi de Bradford" in html
    assert any(0 < row["observed"] < 10 for row in lotka)
    assert "&lt; 10" not in html
    assert "réservé à la curation" not in html
    client.force_login(cast.data)
    assert "réservé à la curation" in client.get("/publications/indicateurs/").content.decode()


@pytest.mark.django_db
def test_home_card_for_curators_only(cast):
    from bibliometrics.home import cards

    assert cards(cast.alice) == []
    assert cards(cast.data)[0].url == "/publications/imports/"


@pytest.mark.django_db
def test_demo_seed_is_idempotent(corpus):
    demo.seed(users={}, stdout=_Out())
    assert Publication.objects.filter(is_example=True).count() == 40


@pytest.mark.django_db
def test_a_component_links_to_its_catalogue_database(client, corpus):
    from django.apps import apps

    Database = apps.get_model("catalogue", "Database")
    Database.objects.create(acronym="DCIR", name="Datamart de consommation inter-régimes")
    pub = corpus.filter(components__code="DCIR").first()
    html = client.get(f"/publications/{pub.pk}/").content.decode()
    assert "Datamart de consommation inter-régimes" in html


@pytest.mark.django_db
def test_topics_are_shown_in_the_page_language(client):
    from bibliometrics.models import Topic
    from tests.bibliometrics.factories import PublicationFactory

    topic = Topic.objects.create(
        index=0,
        label="pregnancy, valproate, epilepsy",
        terms=["pregnancy", "valproate", "epilepsy"],
        labels={"fr": "grossesse, valproate, épilepsie", "en": "pregnancy, valproate, epilepsy"},
    )
    pub = PublicationFactory(topic=topic)
    french = client.get(f"/publications/{pub.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "grossesse, valproate, épilepsie" in french
    english = client.get(f"/publications/{pub.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "pregnancy, valproate, epilepsy" in english


@pytest.mark.django_db
def test_themes_of_the_thematic_map_and_topics_csv_are_in_the_page_language(client):
    from bibliometrics.models import IndicatorSnapshot, Topic

    theme = {"label": "pregnancy, drugs, epilepsy", "words": ["pregnancy", "drugs", "epilepsy"],
             "quadrant": "motor", "centrality": 1.0, "density": 2.0, "occurrences": 9, "size": 3}  # fmt: skip
    Topic.objects.create(
        index=0, label="pregnancy, valproate", terms=["pregnancy", "valproate"],
        labels={"fr": "grossesse, valproate", "en": "pregnancy, valproate"},
    )  # fmt: skip
    IndicatorSnapshot.objects.create(
        publications=9,
        data={
            "thematic_map": {"themes": [theme], "median_centrality": 1.0, "median_density": 2.0},
            "thematic_evolution": {"periods": [{"period": "2020–2021", "themes": [theme]}],
                                   "links": []},
            "topic_trends": {"pregnancy, valproate": {"2020": 9}},
        },
    )  # fmt: skip

    french = client.get("/publications/indicateurs/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert french.count("grossesse, médicaments, épilepsie") >= 2  # map table and evolution
    assert "pregnancy, drugs" not in french
    english = client.get("/publications/indicateurs/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "pregnancy, drugs, epilepsy" in english

    csv_fr = client.get("/publications/graphiques/topics.csv", HTTP_ACCEPT_LANGUAGE="fr")
    assert "grossesse, valproate" in csv_fr.content.decode()
