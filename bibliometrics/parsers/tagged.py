"""Line-tagged text formats: MEDLINE/PubMed (``PMID- ``) and Web of Science (``PT J``).

Both are read line by line and split into records as they stream, so a file of any
size uses the memory of one record.
"""

from __future__ import annotations

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
    iso_date,
    make_author,
    open_text,
    parse_year,
    rejected,
    split_name,
)
from .pubmed_xml import pick_type

_MEDLINE_TAG = re.compile(r"^([A-Z][A-Z0-9 ]{1,3})-\s?(.*)$")


def _medline_fields(lines: list[str]) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        match = _MEDLINE_TAG.match(line)
        if match and len(line) > 4 and line[4] == "-":
            fields.append((match.group(1).strip(), match.group(2).strip()))
        elif fields and line.startswith(" "):
            tag, value = fields[-1]
            fields[-1] = (tag, f"{value} {line.strip()}")
    return fields


def _medline_record(fields: list[tuple[str, str]]) -> dict[str, Any]:
    rec = empty_record("medline")
    types: list[str] = []
    current: dict[str, Any] | None = None
    for tag, value in fields:
        if tag == "PMID":
            rec["pmid"] = value
        elif tag == "TI" or tag == "TT" and not rec["title"]:
            rec["title"] = value
        elif tag == "AB":
            rec["abstract"] = value
        elif tag == "JT" or tag == "TA" and not rec["journal"]:
            rec["journal"] = value
        elif tag == "IS" and not rec["issn"]:
            rec["issn"] = value.split(" ")[0]
        elif tag == "DP":
            rec["year"] = parse_year(value)
            parts = value.split()
            if len(parts) >= 3:
                rec["date"] = iso_date(rec["year"], parts[1], parts[2])
        elif tag == "LA":
            rec["language"] = rec["language"] or value
        elif tag == "PT":
            types.append(value)
        elif tag == "MH":
            rec["mesh_terms"].append(value.split("/")[0].lstrip("*"))
        elif tag == "OT":
            rec["keywords"].append(value)
        elif tag in ("AID", "LID") and value.endswith("[doi]") and not rec["doi"]:
            rec["doi"] = value.removesuffix("[doi]").strip()
        elif tag == "FAU":
            last, first = split_name(value)
            current = make_author(last, first)
            rec["authors"].append(current)
        elif tag == "AU" and (current is None or current.get("_au")):
            # AU without FAU (older records): a new author
            last, first = split_name(value)
            current = make_author(last, first)
            rec["authors"].append(current)
        elif tag == "AU" and current is not None:
            current["_au"] = True
        elif tag == "AD" and current is not None:
            current["affiliations"].append(value)
        elif tag == "AUID" and current is not None and "ORCID" in value.upper():
            from .base import normalize_orcid

            current["orcid"] = normalize_orcid(value)
    for author in rec["authors"]:
        author.pop("_au", None)
    rec["pub_type"] = pick_type(types)
    return finish(rec)


def parse_medline(path: str | Path) -> Iterator[Event]:
    position = 0
    chunk: list[str] = []

    def emit(chunk: list[str]) -> Event:
        fields = _medline_fields(chunk)
        pmid = next((v for t, v in fields if t == "PMID"), "")
        try:
            return Record(_medline_record(fields), position)
        except Exception as exc:
            return rejected(position, exc, pmid)

    with open_text(path) as fh:
        for line in fh:
            if line.startswith("PMID-") and any(c.strip() for c in chunk):
                position += 1
                yield emit(chunk)
                chunk = []
            chunk.append(line)
        if any(c.strip() for c in chunk):
            position += 1
            yield emit(chunk)


# --- Web of Science tagged text --------------------------------------------------------

_WOS_TAG = re.compile(r"^([A-Z][A-Z0-9])( (.*))?$")


def _wos_fields(lines: list[str]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    tag = None
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if line.startswith("   ") and tag:
            fields[tag].append(line.strip())
            continue
        match = _WOS_TAG.match(line)
        if match:
            tag = match.group(1)
            fields.setdefault(tag, []).append((match.group(3) or "").strip())
    return fields


_C1_RE = re.compile(r"^\[(?P<names>[^\]]+)\]\s*(?P<address>.+)$")


def _wos_record(f: dict[str, list[str]]) -> dict[str, Any]:
    rec = empty_record("wos")

    def one(tag: str, joiner: str = " ") -> str:
        return joiner.join(f.get(tag, [])).strip()

    rec["title"] = one("TI")
    rec["abstract"] = one("AB")
    rec["journal"] = one("SO")
    rec["issn"] = one("SN") or one("EI")
    rec["year"] = parse_year(one("PY")) or parse_year(one("EA"))
    pd_ = one("PD").split()
    if len(pd_) >= 2 and rec["year"]:
        rec["date"] = iso_date(rec["year"], pd_[0], pd_[1])
    rec["language"] = one("LA")
    rec["pub_type"] = one("DT").split(";")[0].strip()
    rec["doi"] = one("DI")
    rec["pmid"] = one("PM") or None
    keywords = one("DE", " ") + ";" + one("ID", " ")
    rec["keywords"] = [k.strip() for k in keywords.split(";") if k.strip()]
    tc = one("Z9") or one("TC")
    rec["citation_count"] = int(tc) if tc.isdigit() else None
    names = f.get("AF") or f.get("AU") or []
    authors = []
    short_to_index: dict[str, int] = {}
    for i, full in enumerate(names):
        last, first = split_name(full)
        authors.append(make_author(last, first))
        short_to_index[full.casefold()] = i
    for i, short in enumerate(f.get("AU", [])):
        short_to_index.setdefault(short.casefold(), i)
    # C1: "[Smith, John; Doe, A] Univ X, Paris, France." (or just an address)
    for address in f.get("C1", []):
        match = _C1_RE.match(address)
        if match:
            for name in match.group("names").split(";"):
                idx = short_to_index.get(name.strip().casefold())
                if idx is not None:
                    authors[idx]["affiliations"].append(match.group("address").strip())
        else:
            for author in authors:
                author["affiliations"].append(address)
    # OI: "Smith, John/0000-0002-1825-0097; Doe, Ann/0000-..."
    for item in one("OI", " ").split(";"):
        name, _, orcid = item.rpartition("/")
        idx = short_to_index.get(name.strip().casefold())
        if idx is not None:
            from .base import normalize_orcid

            authors[idx]["orcid"] = normalize_orcid(orcid)
    # RP: "Smith, J (corresponding author), Univ X ..."
    for rp in f.get("RP", []):
        name = rp.split("(", 1)[0].strip().rstrip(",")
        idx = short_to_index.get(name.casefold())
        if idx is not None:
            authors[idx]["corresponding"] = True
    rec["authors"] = authors
    return finish(rec)


def parse_wos(path: str | Path) -> Iterator[Event]:
    position = 0
    chunk: list[str] = []
    with open_text(path) as fh:
        for line in fh:
            if line.startswith(("FN ", "VR ", "EF")) and not chunk:
                continue
            if line.startswith("ER"):
                position += 1
                fields = _wos_fields(chunk)
                try:
                    yield Record(_wos_record(fields), position)
                except Exception as exc:
                    ref = " ".join(fields.get("UT", [])) or " ".join(fields.get("DI", []))
                    yield rejected(position, exc, ref)
                chunk = []
            else:
                chunk.append(line)
        if any(c.strip() and not c.startswith("EF") for c in chunk):
            position += 1
            yield Rejected(position, "not_closed", detail="ER")
