"""PubMed, OpenAlex and HAL connectors against recorded answers: paging, rate limits,
retries with backoff, and answers that are not what the API documents."""

import pytest

from bibliometrics.connectors import ConnectorError, hal, openalex, pubmed
from tests.bibliometrics.recorded import FakeTime, Recorded


def make_pubmed(recorded, time=None, api_key=""):
    time = time or FakeTime()
    fetch = pubmed.fetcher(
        api_key=api_key, transport=recorded.transport(), sleep=time.sleep, clock=time.clock
    )
    return pubmed.PubMed(fetch, api_key=api_key, email="biblio@example.org")


def test_pubmed_searches_with_history_then_fetches_in_batches():
    recorded = Recorded()
    pages = list(make_pubmed(recorded, api_key="k3y").pages("NSAID AND SNDS", batch=2))
    assert [len(p.records) for p in pages] == [2, 1]
    assert [p.ids for p in pages] == [["91000001", "91000002"], ["91000003"]]
    search = recorded.calls("esearch")[0].url.params
    assert (search["usehistory"], search["term"], search["api_key"]) == (
        "y",
        "NSAID AND SNDS",
        "k3y",
    )
    fetches = [r.url.params for r in recorded.calls("efetch")]
    assert [(f["retstart"], f["retmax"]) for f in fetches] == [("0", "2"), ("2", "2")]
    assert {f["WebEnv"] for f in fetches} == {"MCID_6543210fedcba"}
    assert pages[0].records[0]["doi"] == "10.1002/pds.91000001"


def test_pubmed_keeps_to_three_requests_a_second_and_ten_with_a_key():
    time = FakeTime()
    list(make_pubmed(Recorded(), time).pages("q", batch=2))
    assert time.slept == [0.333, 0.333]  # three requests, two pauses of a third of a second
    time = FakeTime()
    list(make_pubmed(Recorded(), time, api_key="k").pages("q", batch=2))
    assert time.slept == [0.1, 0.1]


def test_a_429_waits_what_retry_after_says_and_5xx_back_off_exponentially():
    recorded = Recorded()
    recorded.faults["efetch"] = [429, 503, 502]
    time = FakeTime()
    pages = list(make_pubmed(recorded, time).pages("q", batch=2))
    assert sum(len(p.records) for p in pages) == 3
    # 0.333 between requests; 7 s asked by the 429, then 2 s and 4 s of backoff
    assert [s for s in time.slept if s > 0.5] == [7.0, 2.0, 4.0]


def test_a_source_that_keeps_failing_gives_up_with_the_status():
    recorded = Recorded()
    recorded.faults["esearch"] = [503] * 5
    with pytest.raises(ConnectorError) as caught:
        list(make_pubmed(recorded).pages("q"))
    assert caught.value.code == "retries_exhausted"
    assert (caught.value.params["status"], caught.value.params["attempts"]) == (503, 5)


def test_a_client_error_is_not_retried():
    recorded = Recorded()
    recorded.faults["esearch"] = [400]
    with pytest.raises(ConnectorError) as caught:
        list(make_pubmed(recorded).pages("q"))
    assert caught.value.code == "http_status"
    assert len(recorded.calls("esearch")) == 1


def test_a_truncated_efetch_answer_fails_with_what_was_expected():
    recorded = Recorded()
    recorded.faults["efetch"] = [("cut", 1500)]
    pages = make_pubmed(recorded).pages("q", batch=2)
    with pytest.raises(ConnectorError) as caught:
        next(pages)
    assert caught.value.code == "truncated"
    assert caught.value.params["expected"] == 2


def test_pubmed_names_the_pmids_it_no_longer_has():
    assert make_pubmed(Recorded()).deleted(["91000008", "91000009"]) == ["91000009"]


def make_openalex(recorded, time=None):
    time = time or FakeTime()
    fetch = openalex.fetcher(transport=recorded.transport(), sleep=time.sleep, clock=time.clock)
    return openalex.OpenAlex(fetch, email="biblio@example.org")


def test_openalex_pages_by_cursor_in_the_polite_pool():
    recorded = Recorded()
    pages = list(make_openalex(recorded).pages("title.search:snds"))
    assert [p.ids for p in pages] == [["W4301", "W4302"], ["W4303"]]
    params = [r.url.params for r in recorded.calls("works")]
    assert params[0]["cursor"] == "*"
    assert params[1]["cursor"].startswith("IlsxNjk0")  # the next_cursor of the first answer
    assert {p["mailto"] for p in params} == {"biblio@example.org"}
    first = pages[0].records[0]
    assert first["pmid"] == "92000001"
    assert first["abstract"].startswith("We used the SNDS to describe")
    assert first["citation_count"] == 12
    assert first["authors"][0]["affiliations"] == ["Santé publique France, France"]


def test_openalex_cut_json_and_a_cursor_that_ends_early_are_refused():
    recorded = Recorded()
    recorded.faults["works"] = [("cut", 300)]
    with pytest.raises(ConnectorError) as caught:
        list(make_openalex(recorded).pages("q"))
    assert caught.value.code == "not_json"
    recorded = Recorded()
    recorded.replace["openalex_works_1.json"] = (
        (recorded.body("openalex_works_1.json").decode()).replace('"next_cursor": "Ils', '"x": "')
    ).encode()
    with pytest.raises(ConnectorError) as caught:
        list(make_openalex(recorded).pages("q"))
    assert (caught.value.code, caught.value.params["received"]) == ("truncated", 2)


def test_openalex_answer_without_results_is_not_what_the_api_documents():
    recorded = Recorded()
    recorded.replace["openalex_works_1.json"] = b'{"error": "Invalid query parameters"}'
    with pytest.raises(ConnectorError) as caught:
        list(make_openalex(recorded).pages("q"))
    assert (caught.value.code, caught.value.params["what"]) == ("unexpected_shape", "results")


def test_hal_search_reads_titles_abstracts_and_the_structures_of_each_author():
    recorded = Recorded()
    time = FakeTime()
    fetch = hal.fetcher(transport=recorded.transport(), sleep=time.sleep, clock=time.clock)
    pages = list(hal.Hal(fetch).pages("PMSI OR SNDS"))
    records = pages[0].records
    assert [r["hal_id"] for r in records] == ["hal-03012345", "hal-03012399"]
    assert records[0]["authors"][0]["affiliations"] == ["Hospices Civils de Lyon"]
    assert records[0]["doi"] == "10.1016/j.neurol.2020.01"
    params = recorded.calls("hal")[0].url.params
    assert (params["cursorMark"], params["sort"]) == ("*", "docid asc")
