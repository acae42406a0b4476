"""Common shapes and helpers for the bibliographic parsers (no Django import).

Every parser is a generator of events:

* :class:`Record` — one normalised publication (a plain dict, see :func:`empty_record`);
* :class:`Rejected` — a record that could not be read, with its position and the reason;
* :class:`Deleted` — PMIDs that the source withdraws (PubMed ``DeleteCitation``).

A bad record never stops the stream: parsers catch per-record errors and yield
:class:`Rejected` instead.
"""

from __future__ import annotations

import gzip
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

FORMATS = ("pubmed-xml", "medline", "ris", "bibtex", "scopus-csv", "wos")


@dataclass
class Record:
    data: dict[str, Any]
    position: int = 0


@dataclass
class Rejected:
    """A record not kept. ``reason`` is a code (``no_title``, ``no_identifier``, ``not_closed``,
    ``xml_syntax``, ``not_scopus``, ``unreadable``) the Django layer words in the reader's
    language; ``detail`` is the reading library's own message, when there is one."""

    position: int
    reason: str
    ref: str = ""
    detail: str = ""


class Unusable(ValueError):
    """A record read but not usable, by its reason's code (see :class:`Rejected`)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def rejected(position: int, exc: Exception, ref: str = "") -> Rejected:
    """The rejection of a record whose reading raised ``exc``."""
    if isinstance(exc, Unusable):
        return Rejected(position, exc.code, ref)
    return Rejected(position, "unreadable", ref, str(exc) or type(exc).__name__)


@dataclass
class Deleted:
    pmids: list[str] = field(default_factory=list)


Event = Record | Rejected | Deleted


def empty_record(source: str) -> dict[str, Any]:
    """The normalised record every parser fills in."""
    return {
        "source": source,
        "pmid": None,
        "doi": None,
        "hal_id": None,
        "title": "",
        "abstract": "",
        "journal": "",
        "issn": "",
        "year": None,
        "date": None,  # ISO "YYYY-MM-DD" when the day is known, else None
        "language": "",
        "pub_type": "",
        "keywords": [],
        "mesh_terms": [],
        "citation_count": None,
        # each: {"last_name", "fore_name", "name", "orcid", "affiliations": [str], "corresponding"}
        "authors": [],
    }


def open_binary(path: str | Path | IO[bytes]) -> IO[bytes]:
    """Open a file for streaming, transparently un-gzipping (gzip magic bytes).

    ``path`` may also be an open, seekable binary file (the importer passes one so it can
    report progress from the position in the file).
    """
    # the caller closes what is returned
    fh = path if hasattr(path, "read") else open(Path(path), "rb")  # noqa: SIM115
    head = fh.read(2)
    fh.seek(0)
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=fh)  # type: ignore[return-value]
    return fh


def open_text(path: str | Path | IO[bytes]) -> IO[str]:
    """Text stream (UTF-8, BOM stripped, undecodable bytes replaced)."""
    return io.TextIOWrapper(open_binary(path), encoding="utf-8-sig", errors="replace", newline="")


_DOI_RE = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
_ORCID_RE = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)
_YEAR_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_SPACES = re.compile(r"\s+")

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "janv", "january", "janvier"),
            ("feb", "fev", "févr", "february", "février"),
            ("mar", "mars", "march"),
            ("apr", "avr", "april", "avril"),
            ("may", "mai"),
            ("jun", "juin", "june"),
            ("jul", "juil", "july", "juillet"),
            ("aug", "aou", "août", "august"),
            ("sep", "sept", "september", "septembre"),
            ("oct", "october", "octobre"),
            ("nov", "november", "novembre"),
            ("dec", "déc", "december", "décembre"),
        ],
        start=1,
    )
    for m in names
}


def clean(text: str | None) -> str:
    return " ".join((text or "").split())


def normalize_doi(value: str | None) -> str | None:
    if not value:
        return None
    match = _DOI_RE.search(value.strip())
    if not match:
        return None
    return match.group(0).rstrip(".;,").lower()


def normalize_orcid(value: str | None) -> str | None:
    if not value:
        return None
    match = _ORCID_RE.search(value)
    return match.group(1).upper() if match else None


def normalize_pmid(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    match = re.search(r"\d{1,9}", text)
    return match.group(0).lstrip("0") or None if match else None


def parse_year(value: Any) -> int | None:
    """First plausible 4-digit year in a date string ("1977 Jan-Feb" → 1977)."""
    if value is None:
        return None
    match = _YEAR_RE.search(str(value))
    return int(match.group(1)) if match else None


def month_number(value: str | None) -> int | None:
    if not value:
        return None
    value = value.strip().lower().rstrip(".")
    if value.isdigit():
        n = int(value)
        return n if 1 <= n <= 12 else None
    return MONTHS.get(value[:4]) or MONTHS.get(value[:3])


def iso_date(year: int | None, month: Any = None, day: Any = None) -> str | None:
    """ISO date only when year, month and day are all known and valid."""
    m = month_number(str(month)) if month is not None else None
    try:
        d = int(str(day)) if day is not None else None
    except ValueError:
        d = None
    if not (year and m and d):
        return None
    import datetime

    try:
        return datetime.date(year, m, d).isoformat()
    except ValueError:
        return None


def strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def normalize_title(title: str | None) -> str:
    """Key for de-duplication: lower case, no accents, only letters and digits."""
    text = strip_accents(title or "").casefold()
    return re.sub(r"[^0-9a-z]+", " ", text).strip()


def normalize_person(last_name: str, fore_name: str = "") -> str:
    """ "Dupont, Jean-Pierre" → "dupont jp": the key authors are merged on."""
    last = re.sub(r"[^a-z\s-]", "", strip_accents(last_name or "").casefold()).strip()
    last = re.sub(r"\s+", " ", last)
    initials = "".join(
        part[0]
        for part in re.split(r"[\s.\-]+", strip_accents(fore_name or "").casefold())
        if part and part[0].isalpha()
    )
    return f"{last} {initials}".strip()


def split_name(full: str) -> tuple[str, str]:
    """Split "Last, First" or "First Last" into (last, first)."""
    full = clean(full)
    if "," in full:
        last, _, first = full.partition(",")
        return clean(last), clean(first)
    parts = full.split(" ")
    if len(parts) == 1:
        return full, ""
    # "Smith JA" (MEDLINE AU / Scopus) → initials come last
    if parts[-1].replace(".", "").isupper() and len(parts[-1].replace(".", "")) <= 3:
        return " ".join(parts[:-1]), parts[-1]
    return parts[-1], " ".join(parts[:-1])


def make_author(
    last_name: str,
    fore_name: str = "",
    *,
    orcid: str | None = None,
    affiliations: list[str] | None = None,
    corresponding: bool = False,
) -> dict[str, Any]:
    return {
        "last_name": clean(last_name),
        "fore_name": clean(fore_name),
        "name": normalize_person(last_name, fore_name),
        "orcid": normalize_orcid(orcid),
        "affiliations": [clean(a) for a in (affiliations or []) if clean(a)],
        "corresponding": corresponding,
    }


def finish(record: dict[str, Any]) -> dict[str, Any]:
    """Final clean-up shared by all parsers; raises ValueError when unusable."""
    record["title"] = clean(record["title"]).rstrip()
    record["abstract"] = clean(record["abstract"])
    record["journal"] = clean(record["journal"])
    record["doi"] = normalize_doi(record["doi"])
    record["pmid"] = normalize_pmid(record["pmid"])
    seen: set[str] = set()
    keywords = []
    for kw in record["keywords"]:
        kw = clean(kw)
        if kw and kw.casefold() not in seen:
            seen.add(kw.casefold())
            keywords.append(kw)
    record["keywords"] = keywords
    record["mesh_terms"] = list(dict.fromkeys(clean(m) for m in record["mesh_terms"] if clean(m)))
    if not record["title"]:
        raise Unusable("no_title")
    if not (record["pmid"] or record["doi"] or record["year"]):
        raise Unusable("no_identifier")
    return record


def iter_chunks(lines: Iterator[str], is_end: Any) -> Iterator[list[str]]:
    """Group lines into records, a record closing on a line for which ``is_end`` is true."""
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if is_end(line):
            yield chunk
            chunk = []
    if any(line.strip() for line in chunk):
        yield chunk
