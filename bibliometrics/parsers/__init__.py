"""Bibliographic parsers (no Django import): ``parse(path, fmt)`` yields events.

Formats: pubmed-xml, medline, ris, bibtex, scopus-csv, wos, or auto (sniffed).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from . import bibtex, pubmed_xml, ris, scopus_csv, tagged
from .base import FORMATS, Deleted, Event, Record, Rejected, open_binary

__all__ = ["FORMATS", "Deleted", "Event", "Record", "Rejected", "detect_format", "parse"]

_PARSERS = {
    "pubmed-xml": pubmed_xml.parse,
    "medline": tagged.parse_medline,
    "ris": ris.parse,
    "bibtex": bibtex.parse,
    "scopus-csv": scopus_csv.parse,
    "wos": tagged.parse_wos,
}


def detect_format(path: str | Path) -> str:
    """Sniff the format from the first few KB; raises ValueError when unknown."""
    with open_binary(path) as fh:
        head = fh.read(8192).decode("utf-8", errors="replace").lstrip("\ufeff \r\n\t")
    if head.startswith("<?xml") or "<PubmedArticleSet" in head or "<PubmedArticle" in head:
        return "pubmed-xml"
    if head.startswith("PMID-") or "\nPMID-" in head[:500]:
        return "medline"
    if head.startswith(("FN ", "PT ")) or "\nPT J" in head:
        return "wos"
    if head.startswith("TY  -") or "\nTY  -" in head:
        return "ris"
    if head.startswith("@") or "\n@" in head:
        return "bibtex"
    first_line = head.splitlines()[0] if head else ""
    if "Title" in first_line and ("," in first_line or ";" in first_line):
        return "scopus-csv"
    raise ValueError(
        f"format of {Path(path).name} not recognised: give --format "
        "(pubmed-xml, medline, ris, bibtex, scopus-csv, wos)"
    )


def parse(path: str | Path, fmt: str = "auto") -> Iterator[Event]:
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt not in _PARSERS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)} or auto")
    return _PARSERS[fmt](path)
