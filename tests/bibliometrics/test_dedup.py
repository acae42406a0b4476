"""De-duplication that loses nothing: PMIDs stay apart, merges are explained and undone."""

import pytest

from bibliometrics import services
from bibliometrics.models import Publication, PublicationMerge
from portal.models import AuditEntry
from tests.bibliometrics.pages import part


def pubmed_xml(*articles):
    body = "".join(
        f"""<PubmedArticle><MedlineCitation><PMID Version="1">{pmid}</PMID><Article>
        <Journal><JournalIssue><PubDate><Year>1979</Year></PubDate></JournalIssue>
        <Title>Revue</Title></Journal><ArticleTitle>{title}</ArticleTitle>
        <Abstract><AbstractText>{abstract}</AbstractText></Abstract></Article></MedlineCitation>
        <PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId>
        <ArticleId IdType="doi">{doi}</ArticleId></ArticleIdList></PubmedData></PubmedArticle>"""
        for pmid, doi, title, abstract in articles
    )
    return f'<?xml version="1.0"?><PubmedArticleSet>{body}</PubmedArticleSet>'


def run_import(path):
    return services.import_start(paths=[path], background=False)


@pytest.mark.django_db
def test_two_pmids_sharing_a_doi_stay_two_publications(tmp_path):
    target = tmp_path / "shared-doi.xml"
    target.write_text(
        pubmed_xml(
            ("420122", "10.1016/0000-0000(79)90001-1", "Erratum in the SNDS study", "A."),
            ("420123", "10.1016/0000-0000(79)90001-1", "Cohort of the SNDS study", "B."),
        )
    )
    run = run_import(target)
    assert run.stats["new"] == 2
    assert set(
        Publication.objects.filter(doi="10.1016/0000-0000(79)90001-1").values_list(
            "pmid", flat=True
        )
    ) == {"420122", "420123"}
    assert not PublicationMerge.objects.exists()


@pytest.mark.django_db
def test_a_record_from_another_format_is_merged_with_the_key_named_and_can_be_undone(
    tmp_path, cast
):
    pubmed = tmp_path / "pubmed.xml"
    pubmed.write_text(
        pubmed_xml(("555001", "10.1186/abc", "Statins in the SNDS", "From the SNDS."))
    )
    run_import(pubmed)
    ris = tmp_path / "hal.ris"
    ris.write_text(
        "TY  - JOUR\nTI  - Statins in the SNDS (HAL version)\nPY  - 1979\n"
        "DO  - 10.1186/ABC\nSN  - 1234-5678\nER  - \n"
    )
    run = run_import(ris)
    assert (run.stats["new"], run.stats["merged"]) == (0, 1)
    pub = Publication.objects.get(pmid="555001")
    merge = pub.merges.get()
    assert (merge.key, merge.value, merge.source) == ("doi", "10.1186/abc", "ris")
    assert merge.filled["issn"] == ""
    assert pub.issn == "1234-5678"

    again = run_import(ris)
    assert (again.stats["new"], again.stats["merged"], again.stats["duplicate"]) == (0, 0, 1)

    split = services.publication_merge_undo(merge=merge, by=cast.data)
    pub.refresh_from_db()
    assert pub.issn == ""
    assert split.title == "Statins in the SNDS (HAL version)"
    assert Publication.objects.filter(doi="10.1186/abc").count() == 2
    assert AuditEntry.objects.filter(action="publication.merge_undo", actor=cast.data).exists()

    after = run_import(ris)
    assert (after.stats["new"], after.stats["merged"], after.stats["duplicate"]) == (0, 0, 1)
    assert Publication.objects.count() == 2


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(tmp_path):
    target = tmp_path / "same.xml"
    target.write_text(pubmed_xml(("555002", "10.1186/same", "Opioids in the SNDS", "SNDS.")))
    run_import(target)
    before = list(Publication.objects.values_list("pk", "updated_at"))
    again = run_import(target)
    assert (again.stats["new"], again.stats["updated"], again.stats["duplicate"]) == (0, 0, 1)
    assert list(Publication.objects.values_list("pk", "updated_at")) == before


@pytest.mark.django_db
def test_a_curator_reads_why_records_were_merged_and_separates_them_from_the_page(
    tmp_path, cast, client
):
    pubmed = tmp_path / "pubmed.xml"
    pubmed.write_text(pubmed_xml(("555003", "10.1186/xyz", "Opioids in the SNDS", "SNDS.")))
    run_import(pubmed)
    ris = tmp_path / "hal.ris"
    ris.write_text(
        "TY  - JOUR\nTI  - Opioids in the SNDS (HAL)\nPY  - 1979\nDO  - 10.1186/XYZ\nER  - \n"
    )
    run_import(ris)
    pub = Publication.objects.get(pmid="555003")
    merge = pub.merges.get()

    public = client.get(f"/publications/{pub.pk}/")
    assert public.status_code == 200
    assert 'data-testid="merges"' not in public.content.decode()  # a curator's matter
    client.force_login(cast.data)
    merges = part(client, f"/publications/{pub.pk}/", "merges", "</ul>")
    assert "Notice ris de « hal.ris » rapprochée par même DOI (10.1186/xyz)" in merges
    assert f"/publications/rapprochements/{merge.pk}/separer/" in merges

    response = client.post(f"/publications/rapprochements/{merge.pk}/separer/")
    split = Publication.objects.exclude(pk=pub.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/publications/{split.pk}/"
    assert split.title == "Opioids in the SNDS (HAL)"
    assert f"/publications/{split.pk}/" in part(
        client, f"/publications/{pub.pk}/", "merges", "</ul>"
    )
