"""A curator's correction of an affiliation applies to every record that has it."""

import pytest

from bibliometrics import services
from bibliometrics.models import Affiliation, IndicatorSnapshot
from portal.models import AuditEntry


def pubmed(pmid, affiliation):
    return f"""<PubmedArticle><MedlineCitation><PMID Version="1">{pmid}</PMID><Article>
    <Journal><JournalIssue><PubDate><Year>2020</Year></PubDate></JournalIssue><Title>J</Title>
    </Journal><ArticleTitle>Statins in the SNDS, {pmid}</ArticleTitle><AuthorList><Author>
    <LastName>Petit</LastName><ForeName>Jean</ForeName><AffiliationInfo><Affiliation>{affiliation}
    </Affiliation></AffiliationInfo></Author></AuthorList></Article></MedlineCitation>
    </PubmedArticle>"""


def import_articles(tmp_path, name, *articles):
    target = tmp_path / name
    target.write_text(f"<PubmedArticleSet>{''.join(articles)}</PubmedArticleSet>")
    return services.import_start(paths=[target], background=False)


@pytest.mark.django_db
def test_a_correction_applies_to_every_record_with_that_affiliation_now_and_later(
    tmp_path, client, cast
):
    import_articles(
        tmp_path,
        "a.xml",
        pubmed("93000001", "Unité Mixte X, Nantes, France."),
        pubmed("93000002", "Unité mixte X, Nantes, France"),  # another spelling
    )
    first = Affiliation.objects.get(raw_text="Unité Mixte X, Nantes, France.")
    assert first.actor_types == ["other"]
    client.force_login(cast.data)
    response = client.post(
        f"/publications/affiliations/{first.pk}/",
        {"actor_types": ["academic", "hospital"], "institution": "UMR X", "city": "Nantes",
         "country": "France"},
    )  # fmt: skip
    assert response.status_code == 302
    assert (
        list(Affiliation.objects.values_list("actor_types", "institution", "curated"))
        == [(["academic", "hospital"], "UMR X", True)] * 2
    )
    assert AuditEntry.objects.filter(action="affiliation.correct", actor=cast.data).exists()

    import_articles(tmp_path, "b.xml", pubmed("93000003", "UNITÉ MIXTE X, Nantes, France"))
    later = Affiliation.objects.get(raw_text="UNITÉ MIXTE X, Nantes, France")
    assert (later.actor_types, later.curated) == (["academic", "hospital"], True)
    services.affiliations_reclassify()
    later.refresh_from_db()
    assert later.actor_types == ["academic", "hospital"]  # rules leave corrected ones alone
    services.indicators_refresh()
    data = IndicatorSnapshot.objects.latest().data
    assert data["by_actor_type"]["hospital"] == {"2020": 3}
    assert data["by_actor_type"]["academic"] == {"2020": 3}


@pytest.mark.django_db
def test_a_mixed_affiliation_counts_for_every_type_in_the_indicators(tmp_path):
    import_articles(
        tmp_path, "m.xml", pubmed("93000010", "Inserm UMR 1229, CHU de Nantes, Nantes, France")
    )
    aff = Affiliation.objects.get()
    assert (aff.actor_type, aff.actor_types, aff.city) == (
        "academic",
        ["academic", "hospital"],
        "Nantes",
    )
    data = IndicatorSnapshot.objects.latest().data
    assert set(data["by_actor_type"]) == {"academic", "hospital"}


@pytest.mark.django_db
def test_the_correction_page_is_for_curators(client, cast):
    from tests.bibliometrics.factories import AffiliationFactory

    aff = AffiliationFactory()
    client.force_login(cast.bob)
    assert client.get(f"/publications/affiliations/{aff.pk}/").status_code == 403
