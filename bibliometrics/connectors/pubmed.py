"""PubMed through the NCBI E-utilities: esearch with history, then efetch in batches.

Rate limit: 3 requests per second, 10 with an API key (NCBI's rules). Deletions: PMIDs a
query returned before and no longer returns are checked with esummary; those PubMed no
longer knows are reported as deleted.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from ..parsers import pubmed_xml
from ..parsers.base import Deleted, Record, Rejected
from .http import ConnectorError, Fetcher, Page

BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
BATCH = 200
TOOL = "hdh-portal"


def fetcher(*, api_key: str = "", **kwargs: Any) -> Fetcher:
    return Fetcher(requests_per_second=10 if api_key else 3, **kwargs)


class PubMed:
    def __init__(
        self, fetch: Fetcher, *, api_key: str = "", email: str = "", base_url: str = BASE_URL
    ):
        self.fetch = fetch
        self.base_url = base_url.rstrip("/") + "/"
        self.common = {"tool": TOOL, **({"api_key": api_key} if api_key else {})}
        if email:
            self.common["email"] = email

    def search(self, query: str) -> dict[str, Any]:
        """esearch with ``usehistory=y``: ``{"count", "webenv", "query_key"}``."""
        url = self.base_url + "esearch.fcgi"
        data = self.fetch.get_json(
            url,
            {**self.common, "db": "pubmed", "term": query, "usehistory": "y", "retmax": 0,
             "retmode": "json"},
        )  # fmt: skip
        result = data.get("esearchresult") if isinstance(data, dict) else None
        if not isinstance(result, dict) or "ERROR" in result:
            raise ConnectorError("unexpected_shape", what="esearchresult", url=url)
        try:
            return {
                "count": int(result["count"]),
                "webenv": result["webenv"],
                "query_key": result["querykey"],
            }
        except (KeyError, ValueError) as exc:
            raise ConnectorError("unexpected_shape", what="count/webenv/querykey", url=url) from exc

    def pages(self, query: str, *, batch: int | None = None) -> Iterator[Page]:
        """Every record of the query, ``batch`` at a time (efetch on the history server)."""
        batch = batch or BATCH
        found = self.search(query)
        url = self.base_url + "efetch.fcgi"
        total = found["count"]
        for start in range(0, total, batch):
            response = self.fetch.get(
                url,
                {**self.common, "db": "pubmed", "WebEnv": found["webenv"],
                 "query_key": found["query_key"], "retstart": start, "retmax": batch,
                 "retmode": "xml"},
            )  # fmt: skip
            expected = min(batch, total - start)
            page = Page([], total)
            cut = False
            for event in pubmed_xml.parse(io.BytesIO(response.content)):
                if isinstance(event, Record):
                    page.records.append(event.data)
                    page.ids.append(event.data["pmid"] or "")
                elif isinstance(event, Rejected):
                    if event.reason == "xml_syntax":
                        cut = True
                    else:
                        page.rejected.append(event)
                        page.ids.append(event.ref)
                elif isinstance(event, Deleted):
                    continue
            received = len(page.records) + len(page.rejected)
            if cut or received < expected:
                raise ConnectorError("truncated", expected=expected, received=received, url=url)
            yield page

    def deleted(self, pmids: list[str], *, batch: int = BATCH) -> list[str]:
        """Of ``pmids``, those PubMed no longer has (esummary answers an error for them)."""
        url = self.base_url + "esummary.fcgi"
        gone: list[str] = []
        for start in range(0, len(pmids), batch):
            chunk = pmids[start : start + batch]
            data = self.fetch.get_json(
                url, {**self.common, "db": "pubmed", "id": ",".join(chunk), "retmode": "json"}
            )
            result = data.get("result") if isinstance(data, dict) else None
            if not isinstance(result, dict):
                raise ConnectorError("unexpected_shape", what="result", url=url)
            for pmid in chunk:
                summary = result.get(pmid)
                if summary is None or (isinstance(summary, dict) and summary.get("error")):
                    gone.append(pmid)
        return gone
