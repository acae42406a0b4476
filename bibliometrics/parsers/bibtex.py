"""BibTeX (bibtexparser 1.x), one entry at a time; ``@string`` macros are kept."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser.bparser import BibTexParser
from bibtexparser.customization import convert_to_unicode

from .base import (
    Event,
    Record,
    empty_record,
    finish,
    make_author,
    normalize_pmid,
    open_text,
    parse_year,
    rejected,
    split_name,
)

_ENTRY_START = re.compile(r"^\s*@\s*(\w+)\s*[{(]", re.IGNORECASE)


def _bib_record(entry: dict[str, Any]) -> dict[str, Any]:
    rec = empty_record("bibtex")

    def get(*keys: str) -> str:
        for key in keys:
            if entry.get(key):
                return re.sub(r"[{}]", "", str(entry[key])).strip()
        return ""

    rec["title"] = get("title")
    rec["abstract"] = get("abstract")
    rec["journal"] = get("journal", "journaltitle", "booktitle")
    rec["issn"] = get("issn").split(" ")[0].split(",")[0]
    rec["year"] = parse_year(get("year", "date"))
    rec["language"] = get("language", "langid")
    rec["pub_type"] = {"article": "Journal Article", "inproceedings": "Conference Paper"}.get(
        entry.get("ENTRYTYPE", ""), entry.get("ENTRYTYPE", "")
    )
    rec["doi"] = get("doi")
    rec["pmid"] = normalize_pmid(get("pmid")) if get("pmid") else None
    hal = get("hal_id")
    rec["hal_id"] = hal or None
    keywords = get("keywords", "author_keywords", "keywords-plus")
    rec["keywords"] = [k.strip() for k in re.split(r"[;,]", keywords) if k.strip()]
    cited = re.search(r"\d+", get("times-cited", "cited-by", "citations"))
    if not cited:
        cited = re.search(r"cited by:?\s*(\d+)", get("note"), re.IGNORECASE)
        rec["citation_count"] = int(cited.group(1)) if cited else None
    else:
        rec["citation_count"] = int(cited.group(0))
    affiliations = [a.strip() for a in get("affiliation", "affiliations").split(";") if a.strip()]
    names = [n for n in re.split(r"\s+and\s+", get("author")) if n.strip()]
    for full in names:
        last, first = split_name(full)
        rec["authors"].append(make_author(last, first, affiliations=affiliations))
    return finish(rec)


def _parse_entry(text: str, strings: str) -> dict[str, Any] | None:
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False)
    parser.customization = convert_to_unicode
    db = bibtexparser.loads(strings + text, parser=parser)
    return db.entries[0] if db.entries else None


def parse(path: str | Path) -> Iterator[Event]:
    position = 0
    strings = ""
    chunk: list[str] = []
    kind = ""

    def flush() -> Iterator[Event]:
        nonlocal position, strings
        text = "".join(chunk)
        if not text.strip():
            return
        if kind in ("string", "preamble"):
            strings += text
            return
        if kind == "comment" or not kind:
            return
        position += 1
        try:
            entry = _parse_entry(text, strings)
            if entry is None:
                raise ValueError("unreadable BibTeX entry")
            yield Record(_bib_record(entry), position)
        except Exception as exc:
            key = re.search(r"[{(]\s*([^,\s]+)\s*,", text)
            yield rejected(position, exc, key.group(1) if key else "")

    with open_text(path) as fh:
        for line in fh:
            match = _ENTRY_START.match(line)
            if match:
                yield from flush()
                chunk, kind = [], match.group(1).lower()
            chunk.append(line)
        yield from flush()
