"""Scopus CSV export (also accepts the same columns from other tools), streamed row by row."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .base import (
    Event,
    Record,
    Rejected,
    empty_record,
    finish,
    make_author,
    open_text,
    parse_year,
    rejected,
    split_name,
)

csv.field_size_limit(10_000_000)


def _col(row: dict[str, str], *names: str) -> str:
    for name in names:
        value = row.get(name)
        if value:
            return value.strip()
    return ""


def _scopus_record(row: dict[str, str]) -> dict[str, Any]:
    rec = empty_record("scopus-csv")
    rec["title"] = _col(row, "Title", "Article Title")
    rec["abstract"] = _col(row, "Abstract")
    if rec["abstract"].startswith("[No abstract available]"):
        rec["abstract"] = ""
    rec["journal"] = _col(row, "Source title", "Source Title")
    rec["issn"] = _col(row, "ISSN")
    rec["year"] = parse_year(_col(row, "Year", "Publication Year"))
    rec["language"] = _col(row, "Language of Original Document", "Language")
    rec["pub_type"] = _col(row, "Document Type")
    rec["doi"] = _col(row, "DOI")
    rec["pmid"] = _col(row, "PubMed ID") or None
    cited = _col(row, "Cited by")
    rec["citation_count"] = int(cited) if cited.isdigit() else None
    keywords = _col(row, "Author Keywords") + ";" + _col(row, "Index Keywords")
    rec["keywords"] = [k.strip() for k in keywords.split(";") if k.strip()]
    full_names = [
        re.sub(r"\s*\(\d+\)\s*$", "", n).strip()
        for n in _col(row, "Author full names").split(";")
        if n.strip()
    ]
    short = [n.strip() for n in re.split(r";|,(?=\s*[^,]*\.)", _col(row, "Authors")) if n.strip()]
    names = full_names or short
    # "Authors with affiliations": "Smith J., Dept X, Univ Y, Paris, France; Doe A., ..."
    with_affs = [p.strip() for p in _col(row, "Authors with affiliations").split(";")]
    correspondence = _col(row, "Correspondence Address").split(";")[0].strip().casefold()
    for i, full in enumerate(names):
        last, first = split_name(full)
        affs: list[str] = []
        if i < len(with_affs) and "," in with_affs[i]:
            affs = [with_affs[i].split(",", 1)[1].strip()]
        corresponding = bool(correspondence) and correspondence.startswith(last.casefold())
        rec["authors"].append(
            make_author(last, first, affiliations=affs, corresponding=corresponding)
        )
    if names and not any(a["affiliations"] for a in rec["authors"]):
        shared = [a.strip() for a in _col(row, "Affiliations").split(";") if a.strip()]
        for author in rec["authors"]:
            author["affiliations"] = shared
    return finish(rec)


def parse(path: str | Path) -> Iterator[Event]:
    with open_text(path) as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "Title" not in [f.strip() for f in reader.fieldnames]:
            yield Rejected(0, "not_scopus", detail="Title")
            return
        reader.fieldnames = [f.strip() for f in reader.fieldnames]
        for position, row in enumerate(reader, start=1):
            try:
                yield Record(_scopus_record(row), position)
            except Exception as exc:
                yield rejected(position, exc, row.get("EID") or "")
