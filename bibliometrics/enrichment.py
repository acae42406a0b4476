"""Enrichment of publication records (no Django import).

* :func:`detect_relevance` — does the record really use the SNDS?
* :func:`detect_components` — which SNDS components (DCIR, PMSI MCO…) it uses;
* :func:`classify_affiliation` — actor type and normalised institution, from rules that are
  plain data (the defaults below are loaded into the admin-editable ``ActorRule`` model);
* :func:`detect_country`, :func:`detect_city` — where an affiliation is;
* :func:`detect_areas` — therapeutic areas from MeSH terms, keywords and title.

Patterns: acronyms are matched case-sensitively (``HAD`` is not "had"), phrases inside
``(?i:…)`` case-insensitively.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import places, relevance

DATA_DIR = Path(__file__).resolve().parent / "data"


def _data(name: str) -> dict[str, Any]:
    """One of the TOML files of ``data/``: the rules are data, this module their code."""
    with (DATA_DIR / f"{name}.toml").open("rb") as f:
        return tomllib.load(f)


# --- Relevance ----------------------------------------------------------------------------

# EGb 761 is a Ginkgo biloba extract: the classic false positive of "EGB".
_FALSE_POSITIVES = re.compile(r"\bEG[bB]\s*[-‐]?\s*761\b|(?i:\bginkgo\b[^.]{0,60}\bEGB\b)")

# Cheap substring gates: a pattern only runs when one of its literals is in the text (a
# regex scan of every abstract costs ~50 µs per pattern; ``in`` is ~100× cheaper).
# Literals with a capital letter are looked for as written, others in lower case.
_GATES: dict[str, tuple[str, ...]] = {
    "_fp": ("761", "ginkgo"),
    "SNDS": ("SNDS",),
    "SNIIRAM": ("SNIIR", "syst"),
    "DCIR": ("DCIR",),
    "PMSI": ("PMSI", "dicalisation"),
    "EGB/ESND": ("EGB", "ESND", "chantillon"),
    "CépiDc": ("pidc",),
    "SNDS (en)": ("health data system", "nationale des donn", "national des donn"),
    "French claims database": ("french",),
    "French health insurance database": ("french",),
    "French hospital discharge database": ("french",),
    "Health Data Hub": ("health data hub",),
    "DCIR_c": ("DCIR", "datamart", "outpatient"),
    "PMSI_MCO": ("MCO", "chirurgie", "discharge"),
    "PMSI_SSR": ("SSR", "SMR", "soins de suite", "post"),
    "PMSI_HAD": ("HAD", "domicile", "home"),
    "PMSI_RIMP": ("RIM", "PMSI", "recueil", "psychiatric hospital"),
    "PMSI_c": ("PMSI", "discharge"),
    "CEPIDC": ("pidc", "dicale", "death"),
    "EGB_c": ("EGB", "ESND", "chantillon", "sample of"),
    "CARTOGRAPHIE": ("cartograph", "disease mapping"),
}


def _gate(name: str, text: str, lower: str) -> bool:
    return any(
        (lit in text) if lit != lit.lower() else (lit in lower) for lit in _GATES.get(name, ("",))
    )


def _strip_false_positives(text: str) -> str:
    return _FALSE_POSITIVES.sub(" ", text) if _gate("_fp", text, text.lower()) else text


def detect_relevance(
    *texts: str | None, affiliations: Iterable[str] = ()
) -> tuple[bool, list[str]]:
    """``(uses_snds, what counted)`` over title, abstract, keywords… (see :mod:`.relevance`).

    >>> detect_relevance("Ginkgo biloba extract EGb 761 in dementia")
    (False, [])
    """
    verdict = relevance.assess(abstract=" ".join(t for t in texts if t), affiliations=affiliations)
    return verdict.relevant, verdict.terms


# --- SNDS components ----------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    code: str
    label: str
    pattern: str
    catalogue_code: str  # the catalogue database it links to, when it exists


COMPONENTS: tuple[Component, ...] = tuple(Component(**c) for c in _data("components")["component"])
_COMPONENT_RE = {c.code: re.compile(c.pattern) for c in COMPONENTS}
COMPONENT_LABELS = {c.code: c.label for c in COMPONENTS}
_COMPONENT_GATE = {"DCIR": "DCIR_c", "PMSI": "PMSI_c", "EGB": "EGB_c"}


def detect_components(*texts: str | None, accepted: set[str] | None = None) -> list[str]:
    """SNDS components a record mentions; generic ``PMSI`` only when no field is named.

    ``accepted``: the ambiguous acronyms the relevance rules accepted; the others (wheat
    "SSR" markers, the "DCIR" receptor) do not name a component.
    """
    text = _strip_false_positives(" ".join(t for t in texts if t))
    if accepted is not None:
        text = relevance.mask_unaccepted(text, accepted)
    lower = text.lower()
    found = [
        code
        for code, rx in _COMPONENT_RE.items()
        if _gate(_COMPONENT_GATE.get(code, code), text, lower) and rx.search(text)
    ]
    if "PMSI" in found and any(c.startswith("PMSI_") for c in found):
        found.remove("PMSI")
    return found


# --- Actor types --------------------------------------------------------------------------

_ACTORS = _data("actor_rules")
ACTOR_TYPES: dict[str, str] = _ACTORS["actor_types"]
# Research structures and universities named as such (issue 17): an "Inserm UMR 1229" or a
# university is academic research even beside a hospital ("mixed affiliations get every
# type they name"). Added to existing installations by migration 0003.
ADDED_ACTOR_RULES: list[dict[str, Any]] = _ACTORS["added_rule"]
# Rules are tried by ascending priority; the first that matches wins. Editable in admin
# (``ActorRule``), where these are the initial data.
DEFAULT_ACTOR_RULES: list[dict[str, Any]] = _ACTORS["default_rule"]


@dataclass(frozen=True)
class ActorRule:
    pattern: str
    actor_type: str
    institution: str = ""
    priority: int = 100


def _as_rules(rules: Iterable[dict[str, Any] | ActorRule] | None) -> tuple[ActorRule, ...]:
    if rules is None:
        rules = DEFAULT_ACTOR_RULES
    out = [
        r
        if isinstance(r, ActorRule)
        else ActorRule(
            r["pattern"], r["actor_type"], r.get("institution") or "", r.get("priority", 100)
        )
        for r in rules
    ]
    return tuple(sorted(out, key=lambda r: r.priority))


@dataclass(frozen=True)
class RuleSet:
    """Rules compiled once into one alternation (one pass over a text instead of one per rule).

    Alternatives are in priority order, so where two rules match at the same place the
    higher-priority one wins; the best priority over all matches is kept.
    """

    rules: tuple[ActorRule, ...]
    combined: re.Pattern[str] | None
    # segment of an affiliation → indices of the rules it matches (segments repeat a lot:
    # "Inserm", "Paris, France"…)
    cache: dict[str, frozenset[int]] = field(default_factory=dict, compare=False, hash=False)

    def matches(self, segment: str) -> frozenset[int]:
        found = self.cache.get(segment)
        if found is None:
            names = set()
            if self.combined is not None:
                for match in self.combined.finditer(segment):
                    name = match.lastgroup or ""
                    if not name.startswith("r") or not name[1:].isdigit():
                        name = next(k for k, v in match.groupdict().items() if v is not None)
                    names.add(int(name[1:]))
            found = frozenset(names)
            if len(self.cache) > 500_000:
                self.cache.clear()
            self.cache[segment] = found
        return found


@lru_cache(maxsize=32)
def _compile(rules: tuple[ActorRule, ...]) -> RuleSet:
    valid = []
    for rule in rules:
        try:
            # case-insensitive; write acronyms as (?-i:\bHAS\b) so "has" does not match
            re.compile(rule.pattern, re.IGNORECASE)
        except re.error:
            continue  # a bad admin rule must not break imports
        valid.append(rule)
    if not valid:
        return RuleSet((), None)
    combined = "|".join(f"(?P<r{i}>{rule.pattern})" for i, rule in enumerate(valid))
    try:
        return RuleSet(tuple(valid), re.compile(combined, re.IGNORECASE))
    except re.error:  # e.g. a rule using a group name twice: keep the rules that compile together
        kept = []
        for rule in valid:
            try:
                re.compile(
                    "|".join(f"(?P<r{i}>{r.pattern})" for i, r in enumerate([*kept, rule])),
                    re.IGNORECASE,
                )
                kept.append(rule)
            except re.error:
                continue
        return _compile(tuple(kept))


def compile_rules(rules: Iterable[dict[str, Any] | ActorRule] | RuleSet | None = None) -> RuleSet:
    if isinstance(rules, RuleSet):
        return rules
    return _compile(_as_rules(rules))


_INSTITUTION_HINT = re.compile(
    r"univ|h[oô]pital|hospital|\bCHU\b|centre hospitalier|institut|inserm|cnrs|school|"
    r"college|agency|agence|clinic|center|centre|\binc\b|\bltd\b",
    re.IGNORECASE,
)
_SUBUNIT = re.compile(
    r"^(?:the\s+)?(?:dep(?:artmen)?t|d[ée]partement|service|unit[ée]?|division|lab(?:orator)?|team|[ée]quipe|p[oô]le|section|group|from the)\b",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\S+@\S+|Electronic address:.*$", re.IGNORECASE)


def clean_affiliation(text: str) -> str:
    return re.sub(r"\s+", " ", _EMAIL.sub("", text or "")).strip(" .;,")


def guess_institution(text: str) -> str:
    """The segment of an affiliation that names the institution (not the department)."""
    segments = [s.strip(" .") for s in re.split(r"[,;]", clean_affiliation(text)) if s.strip(" .")]
    for seg in segments:
        if _INSTITUTION_HINT.search(seg) and not _SUBUNIT.match(seg):
            return seg[:200]
    for seg in segments:
        if not _SUBUNIT.match(seg):
            return seg[:200]
    return segments[0][:200] if segments else ""


def classify_affiliation(
    text: str, rules: Sequence[dict[str, Any] | ActorRule] | RuleSet | None = None
) -> tuple[str, str]:
    """``(actor_type, institution)`` of one affiliation text.

    >>> classify_affiliation("EPI-PHARE, ANSM, Saint-Denis, France")
    ('agency', 'EPI-PHARE')
    """
    text = clean_affiliation(text)
    if not text:
        return "other", ""
    ruleset = compile_rules(rules)
    # Rules are matched per comma-separated segment (cached): a rule spanning a comma
    # would not match, which no institution name needs.
    best: int | None = None
    for segment in text.split(","):
        found = ruleset.matches(segment.strip())
        if found:
            low = min(found)
            best = low if best is None else min(best, low)
    if best is not None:
        rule = ruleset.rules[best]
        return rule.actor_type, rule.institution or guess_institution(text)
    return "other", guess_institution(text)


# Rules at this priority or above are generic ("Research", "Institute", "College"): they
# type an affiliation only when no more specific rule does.
GENERIC_PRIORITY = 45


def classify_affiliation_types(
    text: str, rules: Sequence[dict[str, Any] | ActorRule] | RuleSet | None = None
) -> tuple[list[str], str]:
    """``(every actor type the affiliation names, institution)``, the best one first.

    "Inserm UMR 1229, CHU de Nantes" is academic and hospital; generic words count only
    when nothing more specific is named ("Sanofi Research" is industry alone).

    >>> classify_affiliation_types("Inserm UMR 1229, CHU de Nantes, Nantes, France")[0]
    ['academic', 'hospital']
    """
    text = clean_affiliation(text)
    if not text:
        return ["other"], ""
    ruleset = compile_rules(rules)
    first_segment: dict[int, int] = {}  # rule → first segment it matches
    for position, segment in enumerate(text.split(",")):
        for i in ruleset.matches(segment.strip()):
            first_segment.setdefault(i, position)
    if not first_segment:
        return ["other"], guess_institution(text)
    specific = [i for i in first_segment if ruleset.rules[i].priority < GENERIC_PRIORITY]
    kept = specific or list(first_segment)
    # the structure named first leads (authors write their main one first)
    kept.sort(key=lambda i: (first_segment[i], ruleset.rules[i].priority, i))
    types = list(dict.fromkeys(ruleset.rules[i].actor_type for i in kept))
    best = min(first_segment, key=lambda i: (ruleset.rules[i].priority, i))
    return types, ruleset.rules[best].institution or guess_institution(text)


# --- Countries and cities -----------------------------------------------------------------

COUNTRY_ISO3 = places.COUNTRY_ISO3


def detect_country(text: str) -> str:
    """Country of an affiliation ("" when unknown): pycountry names, US states first."""
    return places.locate(clean_affiliation(text))[0]


# Coordinates of the main French cities with research or hospital activity, for the map
# (name, lat, lon, aliases); the city itself is read from the INSEE communes (places.py).
FRENCH_CITIES: dict[str, tuple[float, float, tuple[str, ...]]] = {
    c["name"]: (c["lat"], c["lon"], tuple(c["aliases"])) for c in _data("french_cities")["city"]
}


def detect_city(text: str, country: str | None = None) -> str:
    """City of an affiliation: an INSEE commune in France, the place before the country
    elsewhere ("" when none)."""
    return places.locate(clean_affiliation(text))[1]


# --- Therapeutic areas --------------------------------------------------------------------

THERAPEUTIC_AREAS: dict[str, tuple[str, str]] = {
    a["code"]: (a["label"], a["pattern"]) for a in _data("therapeutic_areas")["area"]
}
_AREAS_RE = re.compile("|".join(f"(?P<{code}>{p})" for code, (_l, p) in THERAPEUTIC_AREAS.items()))


def _areas_in(text: str) -> list[str]:
    found = {m.lastgroup for m in _AREAS_RE.finditer(text)}
    return [code for code in THERAPEUTIC_AREAS if code in found]


AREA_LABELS = {code: label for code, (label, _p) in THERAPEUTIC_AREAS.items()}


def detect_areas(
    *, mesh_terms: Iterable[str] = (), keywords: Iterable[str] = (), title: str = ""
) -> list[str]:
    """Therapeutic areas: MeSH headings first; keywords and title when there is no MeSH."""
    mesh = " | ".join(mesh_terms).lower()
    text = mesh if mesh else " | ".join([title, *keywords]).lower()
    areas = _areas_in(text)
    if not areas and mesh:
        areas = _areas_in(" | ".join([title, *keywords]).lower())
    return areas


def record_affiliations(record: dict[str, Any]) -> list[str]:
    return list(
        dict.fromkeys(a for au in record.get("authors") or [] for a in au.get("affiliations") or [])
    )


def record_verdict(record: dict[str, Any]) -> relevance.Verdict:
    """The relevance rules on a normalised record (title, abstract, keywords, MeSH, affiliations)."""
    return relevance.assess(
        title=record.get("title") or "",
        abstract=record.get("abstract") or "",
        keywords=record.get("keywords") or [],
        mesh_terms=record.get("mesh_terms") or [],
        affiliations=record_affiliations(record),
    )


def enrich(
    record: dict[str, Any], rules: Sequence[dict[str, Any] | ActorRule] | None = None
) -> dict[str, Any]:
    """Everything above for one parsed record; returns a dict of enrichment results.

    ``affiliations`` maps each raw affiliation text to its
    ``{"actor_type", "institution", "country", "city"}``.
    """
    kw = " ; ".join(record.get("keywords") or [])
    verdict = record_verdict(record)
    affiliations: dict[str, dict[str, str]] = {}
    for author in record.get("authors") or []:
        for aff in author.get("affiliations") or []:
            if aff not in affiliations:
                affiliations[aff] = describe_affiliation(aff, rules)
    return {
        "relevant": verdict.relevant,
        "relevance_terms": verdict.terms,
        "relevance_reasons": verdict.reasons_as_dicts(),
        "components": detect_components(
            record.get("title"), record.get("abstract"), kw, accepted=verdict.accepted_acronyms
        ),
        "areas": detect_areas(
            mesh_terms=record.get("mesh_terms") or [],
            keywords=record.get("keywords") or [],
            title=record.get("title") or "",
        ),
        "affiliations": affiliations,
    }


def describe_affiliation(
    text: str, rules: Sequence[dict[str, Any] | ActorRule] | RuleSet | None = None
) -> dict[str, str]:
    types, institution = classify_affiliation_types(text, rules)
    country, city = places.locate(clean_affiliation(text))
    return {
        "actor_type": types[0],
        "actor_types": types,
        "institution": institution,
        "country": country,
        "city": city,
    }
