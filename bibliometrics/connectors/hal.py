"""HAL, the French open archive: its search API (Solr), paged with ``cursorMark``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..parsers.base import empty_record, finish, make_author, rejected
from .http import ConnectorError, Fetcher, Page

BASE_URL = "https://api.archives-ouvertes.fr/search/"
ROWS = 100
FIELDS = (
    "docid,halId_s,title_s,abstract_s,doiId_s,pubmedId_s,journalTitle_s,journalIssn_s,"
    "publicationDateY_i,publicationDate_s,language_s,docType_s,keyword_s,"
    "authLastName_s,authFirstName_s,authIdHasStructure_fs"
)


def fetcher(**kwargs: Any) -> Fetcher:
    return Fetcher(requests_per_second=4, **kwargs)


def _first(value: Any) -> str:
    if isinstance(value, list):
        return value[0] if value else ""
    return value or ""


def to_record(doc: dict[str, Any]) -> dict[str, Any]:
    rec = empty_record("hal")
    rec["hal_id"] = doc.get("halId_s")
    rec["doi"] = doc.get("doiId_s")
    rec["pmid"] = doc.get("pubmedId_s")
    rec["title"] = _first(doc.get("title_s"))
    rec["abstract"] = _first(doc.get("abstract_s"))
    rec["journal"] = doc.get("journalTitle_s") or ""
    rec["issn"] = doc.get("journalIssn_s") or ""
    rec["year"] = doc.get("publicationDateY_i")
    date = doc.get("publicationDate_s") or ""
    rec["date"] = date if len(date) == 10 else None
    rec["language"] = _first(doc.get("language_s"))
    rec["pub_type"] = doc.get("docType_s") or ""
    rec["keywords"] = list(doc.get("keyword_s") or [])
    # "<authorId>_FacetSep_<full name>_JoinSep_<structureId>_FacetSep_<structure name>"
    structures: dict[str, list[str]] = {}
    for entry in doc.get("authIdHasStructure_fs") or []:
        author_part, _sep, structure = entry.partition("_JoinSep_")
        name = author_part.split("_FacetSep_")[-1]
        structures.setdefault(name, []).append(structure.split("_FacetSep_")[-1])
    last_names = doc.get("authLastName_s") or []
    first_names = doc.get("authFirstName_s") or []
    for i, last in enumerate(last_names):
        first = first_names[i] if i < len(first_names) else ""
        rec["authors"].append(
            make_author(last, first, affiliations=structures.get(f"{first} {last}".strip(), []))
        )
    return finish(rec)


class Hal:
    def __init__(self, fetch: Fetcher, *, base_url: str = BASE_URL):
        self.fetch = fetch
        self.url = base_url

    def pages(self, query: str, *, rows: int = ROWS) -> Iterator[Page]:
        cursor = "*"
        received = 0
        while True:
            data = self.fetch.get_json(
                self.url,
                {"q": query, "wt": "json", "fl": FIELDS, "rows": rows, "sort": "docid asc",
                 "cursorMark": cursor},
            )  # fmt: skip
            response = data.get("response") if isinstance(data, dict) else None
            if not isinstance(response, dict) or not isinstance(response.get("docs"), list):
                raise ConnectorError("unexpected_shape", what="response.docs", url=self.url)
            total = response.get("numFound")
            if not isinstance(total, int):
                raise ConnectorError("unexpected_shape", what="numFound", url=self.url)
            page = Page([], total)
            for doc in response["docs"]:
                received += 1
                try:
                    page.records.append(to_record(doc))
                    page.ids.append(doc.get("halId_s") or str(doc.get("docid")))
                except ValueError as exc:
                    page.rejected.append(rejected(0, exc, doc.get("halId_s") or ""))
            following = data.get("nextCursorMark")
            done = not response["docs"] or following in (None, cursor) or received >= total
            if done and received < total:
                raise ConnectorError("truncated", expected=total, received=received, url=self.url)
            yield page
            if done:
                return
            cursor = following
