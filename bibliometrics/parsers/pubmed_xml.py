"""Streaming PubMed/MEDLINE XML (``PubmedArticleSet``, plain or gzip) with lxml iterparse.

Memory stays flat on the 20k-record baseline files: each article element is
cleared as soon as it is read, and its already-processed siblings are dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from .base import (
    Deleted,
    Event,
    Record,
    Rejected,
    empty_record,
    finish,
    iso_date,
    make_author,
    month_number,
    parse_year,
    rejected,
)


def pick_type(types: list[str]) -> str:
    """The most specific publication type: "Review" over "Journal Article", funding notes ignored."""
    specific = [t for t in types if t != "Journal Article" and not t.startswith("Research Support")]
    if specific:
        return specific[0]
    return "Journal Article" if "Journal Article" in types else (types[0] if types else "")


_TAGS = ("PubmedArticle", "PubmedBookArticle", "DeleteCitation")


def _text(el: Any) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def _parse_article(art: Any) -> dict[str, Any]:
    rec = empty_record("pubmed-xml")
    citation = art.find("MedlineCitation")
    if citation is None:
        citation = art.find("BookDocument")
    if citation is None:
        raise ValueError("no MedlineCitation")
    rec["pmid"] = _text(citation.find("PMID"))
    article = citation.find("Article")
    if article is None:  # book chapters
        article = citation
    # Non-English articles may carry only a VernacularTitle (ArticleTitle empty).
    rec["title"] = (
        _text(article.find("ArticleTitle"))
        or _text(article.find("VernacularTitle"))
        or _text(citation.find("Book/BookTitle"))
    )
    parts = []
    for ab in article.iterfind("Abstract/AbstractText"):
        label = ab.get("Label")
        body = _text(ab)
        parts.append(f"{label}: {body}" if label and body else body)
    rec["abstract"] = " ".join(p for p in parts if p)
    journal = article.find("Journal")
    if journal is not None:
        rec["journal"] = _text(journal.find("Title")) or _text(journal.find("ISOAbbreviation"))
        rec["issn"] = _text(journal.find("ISSN"))
        pub_date = journal.find("JournalIssue/PubDate")
        if pub_date is not None:
            year = parse_year(_text(pub_date.find("Year"))) or parse_year(
                _text(pub_date.find("MedlineDate"))
            )
            rec["year"] = year
            rec["date"] = iso_date(
                year, _text(pub_date.find("Month")) or None, _text(pub_date.find("Day")) or None
            )
    if not rec["year"]:
        art_date = article.find("ArticleDate")
        if art_date is not None:
            rec["year"] = parse_year(_text(art_date.find("Year")))
    if not rec["issn"]:
        rec["issn"] = _text(citation.find("MedlineJournalInfo/ISSNLinking"))
    if not rec["date"]:
        art_date = article.find("ArticleDate")
        if art_date is not None:
            y = parse_year(_text(art_date.find("Year")))
            if y == rec["year"]:
                rec["date"] = iso_date(
                    y, month_number(_text(art_date.find("Month"))), _text(art_date.find("Day"))
                )
    rec["language"] = _text(article.find("Language"))
    types = [_text(t) for t in article.iterfind("PublicationTypeList/PublicationType")]
    rec["pub_type"] = pick_type(types)
    rec["keywords"] = [_text(k) for k in citation.iterfind("KeywordList/Keyword")]
    rec["mesh_terms"] = [
        _text(m) for m in citation.iterfind("MeshHeadingList/MeshHeading/DescriptorName")
    ]
    for author in article.iterfind("AuthorList/Author"):
        if author.get("ValidYN", "Y") != "Y":
            continue
        last = _text(author.find("LastName")) or _text(author.find("CollectiveName"))
        if not last:
            continue
        orcid = None
        for ident in author.iterfind("Identifier"):
            if (ident.get("Source") or "").upper() == "ORCID":
                orcid = _text(ident)
        rec["authors"].append(
            make_author(
                last,
                _text(author.find("ForeName")) or _text(author.find("Initials")),
                orcid=orcid,
                affiliations=[_text(a) for a in author.iterfind("AffiliationInfo/Affiliation")],
            )
        )
    pubmed_data = art.find("PubmedData")
    if pubmed_data is not None:
        for aid in pubmed_data.iterfind("ArticleIdList/ArticleId"):
            if aid.get("IdType") == "doi" and not rec["doi"]:
                rec["doi"] = _text(aid)
    if not rec["doi"]:
        for eid in article.iterfind("ELocationID"):
            if eid.get("EIdType") == "doi":
                rec["doi"] = _text(eid)
    return finish(rec)


def parse(path: str | Path) -> Iterator[Event]:
    from .base import open_binary

    position = 0
    with open_binary(path) as fh:
        context = etree.iterparse(
            fh, events=("end",), tag=_TAGS, huge_tree=True, resolve_entities=False, no_network=True
        )
        try:
            for _event, el in context:
                if el.tag == "DeleteCitation":
                    yield Deleted([_text(p) for p in el.iterfind("PMID")])
                else:
                    position += 1
                    try:
                        yield Record(_parse_article(el), position)
                    except Exception as exc:  # one bad record never stops the rest
                        pmid = el.findtext("MedlineCitation/PMID") or ""
                        yield rejected(position, exc, pmid)
                el.clear(keep_tail=False)
                parent = el.getparent()
                if parent is not None:
                    while el.getprevious() is not None:
                        del parent[0]
        except etree.XMLSyntaxError as exc:
            yield Rejected(position + 1, "xml_syntax", detail=str(exc))
