"""Read a partner's DCAT-AP catalogue (Turtle, RDF/XML or JSON-LD) into plain records.

Plain module (no Django): the service fetches the bytes, this parses them. Errors are
:class:`HarvestError` with a stable code and parameters; the web layer words them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS

FORMATS = ("turtle", "xml", "json-ld")
#: languages preferred for titles and descriptions, in order
LANGS = ("fr", "en", None)


class HarvestError(Exception):
    """``code``: ``empty``, ``format`` (unparsable; ``params["format"]`` tried, ``detail``),
    ``no_dataset``, ``too_large``, ``fetch`` (network / HTTP; ``detail``)."""

    def __init__(self, code: str, **params):
        super().__init__(f"{code} {params}")
        self.code = code
        self.params = params


@dataclass
class Record:
    iri: str
    title: str
    identifier: str = ""
    description: str = ""
    publisher: str = ""
    themes: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    landing_page: str = ""
    access_rights: str = ""
    properties: dict = field(default_factory=dict)


def guess_format(data: bytes, declared: str | None = None) -> str:
    """The RDF syntax of ``data``: the declared one, else sniffed from its first bytes."""
    if declared and declared in FORMATS:
        return declared
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return "json-ld"
    if head[:1] == b"<" and (b"<?xml" in head[:100] or b"rdf:RDF" in head or b"<rdf" in head):
        return "xml"
    return "turtle"


def _text(g: Graph, subject, predicate) -> str:
    values = [o for o in g.objects(subject, predicate) if isinstance(o, Literal)]
    for lang in LANGS:
        for value in values:
            if value.language == lang or (lang is None):
                return str(value).strip()
    return ""


def _texts(g: Graph, subject, predicate) -> list[str]:
    seen, out = set(), []
    for o in g.objects(subject, predicate):
        text = str(o).strip()
        if isinstance(o, Literal) and o.language not in (None, "fr", "en"):
            continue
        if text and text not in seen:
            seen.add(text)
            out.append(text)
    return out


def _agent_name(g: Graph, agent) -> str:
    if agent is None:
        return ""
    if isinstance(agent, Literal):
        return str(agent)
    return _text(g, agent, FOAF.name) or _text(g, agent, SKOS.prefLabel) or str(agent)


def parse_catalogue(data: bytes, declared_format: str | None = None) -> list[Record]:
    """Every ``dcat:Dataset`` of a DCAT-AP document, as :class:`Record`."""
    if not data or not data.strip():
        raise HarvestError("empty")
    fmt = guess_format(data, declared_format)
    g = Graph()
    try:
        g.parse(data=data, format=fmt)
    except Exception as exc:  # rdflib raises many parser-specific classes
        raise HarvestError("format", format=fmt, detail=str(exc).strip()[:300]) from exc
    records = []
    for ds in sorted(set(g.subjects(RDF.type, DCAT.Dataset)), key=str):
        title = _text(g, ds, DCTERMS.title)
        if not title:
            continue
        landing = g.value(ds, DCAT.landingPage)
        access = g.value(ds, DCTERMS.accessRights)
        temporal = g.value(ds, DCTERMS.temporal)
        properties = {}
        if temporal is not None:
            start = g.value(temporal, DCAT.startDate)
            end = g.value(temporal, DCAT.endDate)
            properties["temporal"] = [str(start or ""), str(end or "")]
        for key, predicate in (("modified", DCTERMS.modified), ("issued", DCTERMS.issued)):
            value = g.value(ds, predicate)
            if value is not None:
                properties[key] = str(value)
        records.append(
            Record(
                iri=str(ds) if isinstance(ds, URIRef) else f"_:{ds}",
                title=title,
                identifier=_text(g, ds, DCTERMS.identifier),
                description=_text(g, ds, DCTERMS.description),
                publisher=_agent_name(g, g.value(ds, DCTERMS.publisher)),
                themes=[str(t) for t in g.objects(ds, DCAT.theme)],
                keywords=_texts(g, ds, DCAT.keyword),
                landing_page=str(landing) if isinstance(landing, URIRef) else "",
                access_rights=str(access) if access is not None else "",
                properties=properties,
            )
        )
    if not records:
        raise HarvestError("no_dataset", format=fmt)
    return records
