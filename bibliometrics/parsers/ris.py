"""RIS (rispy), read record by record so one broken record is rejected alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import rispy

from .base import (
    Event,
    Record,
    Rejected,
    empty_record,
    finish,
    make_author,
    normalize_pmid,
    open_text,
    parse_year,
    rejected,
    split_name,
)

_TYPES = {
    "JOUR": "Journal Article",
    "JFULL": "Journal Article",
    "BOOK": "Book",
    "CHAP": "Book Chapter",
    "CONF": "Conference Paper",
    "CPAPER": "Conference Paper",
    "RPRT": "Report",
    "THES": "Thesis",
    "GEN": "Generic",
}


def _first(entry: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list):
            value = value[0] if value else ""
        if value:
            return str(value)
    return ""


def _ris_record(entry: dict[str, Any]) -> dict[str, Any]:
    rec = empty_record("ris")
    rec["title"] = _first(entry, "title", "primary_title", "translated_title")
    rec["abstract"] = _first(entry, "abstract", "notes_abstract")
    rec["journal"] = _first(
        entry, "secondary_title", "journal_name", "alternate_title3", "alternate_title1"
    )
    rec["issn"] = _first(entry, "issn").split(" ")[0]
    rec["year"] = parse_year(_first(entry, "year", "publication_year", "date"))
    rec["language"] = _first(entry, "language")
    ty = _first(entry, "type_of_reference")
    rec["pub_type"] = _TYPES.get(ty, ty)
    rec["doi"] = _first(entry, "doi")
    if not rec["doi"]:
        for url in entry.get("urls", []) or []:
            if "doi.org/" in url:
                rec["doi"] = url
    an = _first(entry, "accession_number")
    if an and (an.isdigit() or an.lower().startswith("pmid")):
        rec["pmid"] = normalize_pmid(an)
    rec["keywords"] = list(entry.get("keywords", []) or [])
    addresses = entry.get("author_address") or []
    if isinstance(addresses, str):
        addresses = [addresses]
    names = entry.get("authors") or entry.get("first_authors") or []
    for i, full in enumerate(names):
        last, first = split_name(full)
        # AD lines are positional when there is one per author, shared otherwise
        affs = [addresses[i]] if len(addresses) == len(names) else list(addresses)
        rec["authors"].append(make_author(last, first, affiliations=affs))
    return finish(rec)


def parse(path: str | Path) -> Iterator[Event]:
    # AD is repeated (one per author) in PubMed and Zotero exports: read it as a list.
    parser = rispy.RisParser(list_tags=[*rispy.LIST_TYPE_TAGS, "AD"])
    position = 0
    chunk: list[str] = []
    with open_text(path) as fh:
        for line in fh:
            line = line.lstrip("\ufeff").rstrip("\r\n")
            chunk.append(line)
            if line.startswith("ER  -") or line.strip() == "ER  -":
                position += 1
                try:
                    entries = parser.parse_lines(iter(chunk))
                    if not entries:
                        raise ValueError("empty record")
                    yield Record(_ris_record(entries[0]), position)
                except Exception as exc:
                    yield rejected(position, exc)
                chunk = []
        if any(c.strip() for c in chunk):
            position += 1
            yield Rejected(position, "not_closed", detail="ER  -")
