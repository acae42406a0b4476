"""The parsers read each format into the same normalised record, reject bad records alone."""

from pathlib import Path

import pytest

from bibliometrics.parsers import Deleted, Record, Rejected, detect_format, parse
from bibliometrics.parsers.base import normalize_person, normalize_title, parse_year

DATA = Path(__file__).parent / "data"


def events(name, fmt="auto"):
    return list(parse(DATA / name, fmt))


def records(name):
    return [e.data for e in events(name) if isinstance(e, Record)]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("sample.xml", "pubmed-xml"),
        ("sample.medline", "medline"),
        ("sample.ris", "ris"),
        ("sample.bib", "bibtex"),
        ("sample.csv", "scopus-csv"),
        ("sample.wos", "wos"),
    ],
)
def test_it_detects_each_format(name, fmt):
    assert detect_format(DATA / name) == fmt


@pytest.mark.parametrize(
    "name", ["sample.xml", "sample.medline", "sample.ris", "sample.bib", "sample.csv", "sample.wos"]
)
def test_a_bad_record_is_rejected_with_a_reason_and_the_rest_is_read(name):
    evs = events(name)
    rejected = [e for e in evs if isinstance(e, Rejected)]
    assert len(rejected) == 1
    assert rejected[0].reason
    assert any(isinstance(e, Record) for e in evs)


def test_pubmed_medline_date_still_gives_a_year():
    rec = records("sample.xml")[0]
    assert rec["year"] == 1977
    assert rec["date"] is None


def test_pubmed_reads_identifiers_authors_and_terms():
    rec = records("sample.xml")[0]
    assert rec["pmid"] == "90000001"
    assert rec["doi"] == "10.1000/example.1"  # not the reference's DOI, lower-cased
    assert rec["issn"] == "0398-7620"
    assert rec["language"] == "fre"
    assert rec["pub_type"] == "Journal Article"
    assert rec["abstract"].startswith("METHODS: We used the SNIIRAM")
    assert rec["keywords"] == ["SNDS", "statins"]
    assert rec["mesh_terms"] == ["Stroke"]
    first = rec["authors"][0]
    assert first["name"] == "dupont jp"
    assert first["orcid"] == "0000-0002-1825-0097"
    assert first["affiliations"] == ["EPI-PHARE, ANSM, Saint-Denis, France."]


def test_pubmed_delete_citation_lists_withdrawn_pmids():
    deleted = [e for e in events("sample.xml") if isinstance(e, Deleted)]
    assert deleted[0].pmids == ["12345", "67890"]


def test_medline_text_reads_continuation_lines_and_orcid():
    rec = records("sample.medline")[0]
    assert rec["title"].endswith("from the French claims database.")
    assert rec["year"] == 2019
    assert rec["doi"] == "10.1007/example-11"
    assert rec["mesh_terms"] == ["Hip Fractures", "Benzodiazepines"]
    assert rec["pub_type"] == "Review"
    assert [a["name"] for a in rec["authors"]] == ["durand m", "leroy p"]
    assert rec["authors"][0]["orcid"] == "0000-0001-2345-6789"
    assert rec["authors"][1]["affiliations"] == ["CHU de Bordeaux, Bordeaux, France."]


def test_ris_gives_one_address_per_author():
    rec = records("sample.ris")[0]
    assert rec["doi"] == "10.1016/example.ris.1"
    assert rec["year"] == 2018
    assert [a["affiliations"] for a in rec["authors"]] == [
        ["Institut Gustave Roussy, Villejuif, France"],
        ["IQVIA, Paris, France"],
    ]


def test_bibtex_expands_strings_and_reads_citations():
    rec = records("sample.bib")[0]
    assert rec["journal"] == "Journal of Epidemiology"
    assert rec["title"] == "Suicide deaths in CépiDc data"
    assert rec["citation_count"] == 12
    assert rec["authors"][0]["last_name"] == "Roux"


def test_scopus_csv_links_authors_to_affiliations_and_correspondence():
    rec = records("sample.csv")[0]
    assert rec["pmid"] == "90000021"
    assert rec["citation_count"] == 7
    assert rec["authors"][0]["affiliations"] == ["Sanofi, Paris, France"]
    assert rec["authors"][0]["corresponding"] is True
    assert rec["authors"][1]["corresponding"] is False


def test_wos_reads_c1_addresses_orcid_and_reprint_author():
    rec = records("sample.wos")[0]
    assert rec["title"] == "Atrial fibrillation and anticoagulants: a study of the SNDS"
    assert rec["citation_count"] == 31
    assert rec["date"] == "2019-03-05"
    girard, faure = rec["authors"]
    assert girard["orcid"] == "0000-0003-1111-2222"
    assert girard["corresponding"] is True
    assert faure["affiliations"] == ["Univ Oxford, Oxford, England."]


def test_gzip_is_read_transparently(tmp_path):
    import gzip

    target = tmp_path / "sample.xml.gz"
    target.write_bytes(gzip.compress((DATA / "sample.xml").read_bytes()))
    assert [e.data["pmid"] for e in parse(target) if isinstance(e, Record)] == [
        "90000001",
        "90000003",
    ]


def test_truncated_xml_is_reported_not_raised(tmp_path):
    target = tmp_path / "cut.xml"
    target.write_bytes((DATA / "sample.xml").read_bytes()[:-400])
    evs = list(parse(target, "pubmed-xml"))
    assert isinstance(evs[-1], Rejected)
    assert evs[-1].reason == "xml_syntax" and evs[-1].detail


def test_unknown_format_says_what_to_do(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("hello")
    with pytest.raises(ValueError, match="--format"):
        detect_format(target)


def test_normalisation_helpers():
    assert parse_year("1977 Jan-Feb") == 1977
    assert parse_year("Winter 2019-2020") == 2019
    assert normalize_title("Éléphants: a  STUDY!") == "elephants a study"
    assert normalize_person("Dupont", "Jean-Pierre") == "dupont jp"
    assert normalize_person("Müller-Lüdenscheidt", "Ann") == "muller-ludenscheidt a"


@pytest.mark.shared
def test_the_pubmed_baseline_file_parses_entirely(shared_dir):
    corpus = shared_dir / "corpora" / "pubmed21n1298.xml.gz"
    counts = {"Record": 0, "Rejected": 0, "Deleted": 0}
    for e in parse(corpus):
        counts[type(e).__name__] += 1
    assert counts["Record"] + counts["Rejected"] == 20788
    assert counts["Rejected"] < 5
    assert counts["Deleted"] == 1
