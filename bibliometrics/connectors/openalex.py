"""OpenAlex works: filters, cursor paging, the polite pool (``mailto``).

Also the citations of a corpus: the citation count and the referenced works of each
publication, looked up by DOI or PMID, 50 identifiers per request.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..parsers.base import (
    empty_record,
    finish,
    make_author,
    normalize_doi,
    normalize_pmid,
    rejected,
)
from .http import ConnectorError, Fetcher, Page

BASE_URL = "https://api.openalex.org/"
PER_PAGE = 200
LOOKUP = 50  # identifiers per filter (OpenAlex allows up to 100 values joined by "|")


def fetcher(**kwargs: Any) -> Fetcher:
    return Fetcher(requests_per_second=8, **kwargs)  # the polite pool allows 10


def short_id(value: str | None) -> str:
    """``https://openalex.org/W123`` → ``W123``."""
    return (value or "").rstrip("/").rsplit("/", 1)[-1]


def abstract_from_index(index: dict[str, list[int]] | None) -> str:
    if not index:
        return ""
    words: dict[int, str] = {}
    for word, positions in index.items():
        for p in positions:
            words[p] = word
    return " ".join(words[p] for p in sorted(words))


def to_record(work: dict[str, Any]) -> dict[str, Any]:
    """An OpenAlex work as a normalised record (raises ValueError when unusable)."""
    rec = empty_record("openalex")
    ids = work.get("ids") or {}
    rec["pmid"] = normalize_pmid(short_id(ids.get("pmid"))) if ids.get("pmid") else None
    rec["doi"] = normalize_doi(work.get("doi") or ids.get("doi"))
    rec["title"] = work.get("display_name") or work.get("title") or ""
    rec["abstract"] = abstract_from_index(work.get("abstract_inverted_index"))
    source = ((work.get("primary_location") or {}).get("source")) or {}
    rec["journal"] = source.get("display_name") or ""
    rec["issn"] = source.get("issn_l") or ""
    rec["year"] = work.get("publication_year")
    rec["date"] = work.get("publication_date")
    rec["language"] = work.get("language") or ""
    rec["pub_type"] = work.get("type") or ""
    rec["keywords"] = [k.get("display_name", "") for k in work.get("keywords") or []]
    rec["mesh_terms"] = [m.get("descriptor_name", "") for m in work.get("mesh") or []]
    rec["citation_count"] = work.get("cited_by_count")
    for a in work.get("authorships") or []:
        author = a.get("author") or {}
        name = author.get("display_name") or a.get("raw_author_name") or ""
        first, _sep, last = name.rpartition(" ")
        affiliations = a.get("raw_affiliation_strings") or [
            i.get("display_name", "") for i in a.get("institutions") or []
        ]
        rec["authors"].append(
            make_author(
                last or first,
                first if last else "",
                orcid=author.get("orcid"),
                affiliations=affiliations,
                corresponding=bool(a.get("is_corresponding")),
            )
        )
    return finish(rec)


class OpenAlex:
    def __init__(self, fetch: Fetcher, *, email: str = "", base_url: str = BASE_URL):
        self.fetch = fetch
        self.url = base_url.rstrip("/") + "/works"
        self.common = {"mailto": email} if email else {}

    def _get(self, params: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        data = self.fetch.get_json(self.url, {**self.common, **params})
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise ConnectorError("unexpected_shape", what="results", url=self.url)
        meta = data.get("meta")
        if not isinstance(meta, dict) or not isinstance(meta.get("count"), int):
            raise ConnectorError("unexpected_shape", what="meta.count", url=self.url)
        return data["results"], meta

    def pages(self, query: str, *, per_page: int = PER_PAGE) -> Iterator[Page]:
        """Every work matching ``query`` (an OpenAlex ``filter``), by cursor."""
        cursor: str | None = "*"
        received = 0
        total = None
        while cursor:
            works, meta = self._get({"filter": query, "per-page": per_page, "cursor": cursor})
            total = meta["count"] if total is None else total
            page = Page([], total)
            for work in works:
                received += 1
                try:
                    page.records.append(to_record(work))
                    page.ids.append(short_id(work.get("id")))
                except ValueError as exc:
                    page.rejected.append(rejected(0, exc, short_id(work.get("id"))))
            cursor = meta.get("next_cursor") if works else None
            if not cursor and received < total:
                raise ConnectorError("truncated", expected=total, received=received, url=self.url)
            yield page

    def citations(
        self, *, dois: list[str] = (), pmids: list[str] = ()
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """``{("doi"|"pmid", value): {"openalex_id", "cited_by_count", "references"}}``."""
        out: dict[tuple[str, str], dict[str, Any]] = {}
        wanted = [("doi", d) for d in dois] + [("pmid", p) for p in pmids]
        for kind in ("doi", "pmid"):
            values = [v for k, v in wanted if k == kind]
            for start in range(0, len(values), LOOKUP):
                chunk = values[start : start + LOOKUP]
                works, _meta = self._get(
                    {
                        "filter": f"{kind}:{'|'.join(chunk)}",
                        "per-page": LOOKUP,
                        "select": "id,doi,ids,cited_by_count,referenced_works",
                    }
                )
                for work in works:
                    info = {
                        "openalex_id": short_id(work.get("id")),
                        "cited_by_count": work.get("cited_by_count"),
                        "references": [short_id(r) for r in work.get("referenced_works") or []],
                    }
                    doi = normalize_doi(work.get("doi"))
                    pmid = normalize_pmid(short_id((work.get("ids") or {}).get("pmid")))
                    if kind == "doi" and doi:
                        out[("doi", doi)] = info
                    if kind == "pmid" and pmid:
                        out[("pmid", pmid)] = info
        return out
