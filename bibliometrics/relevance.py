"""Does a record really use the SNDS? Context-aware rules (no Django import).

Three kinds of evidence:

* **terms** that name the French health data and nothing else (SNDS, SNIIRAM, PMSI, ATIH,
  "Assurance Maladie", "French medico-administrative databases"…): enough alone;
* **ambiguous acronyms** (DCIR, SSR, EGB, HAD…) and generic phrases ("national health
  insurance database", "medico-administrative data"): they count only with French
  health-data context — a term above, France or the French in the text, or a French
  affiliation — and never when the record uses them in a known other sense (the dendritic
  cell immunoreceptor, simple sequence repeats, the Ginkgo extract EGb 761, the Hospital
  Anxiety and Depression scale);
* **context** alone (a French affiliation, "France") never makes a record relevant.

The verdict carries its reasons as codes with parameters (``Reason``); the Django layer
turns them into sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# --- Terms that are enough alone -------------------------------------------------------------

STRONG_TERMS: dict[str, str] = {
    "SNDS": r"\bSNDS\b|(?i:syst[eè]me national des donn[ée]es de sant[ée]"
    r"|french national health data system|french health data system)",
    "SNIIRAM": r"\bSNIIR-?AM\b|(?i:syst[eè]me national d.information inter-?r[ée]gimes)",
    "PMSI": r"\bPMSI\b|(?i:programme de m[ée]dicalisation des syst[eè]mes d.information)",
    "ESND/EGB": r"\bESND\b|(?i:[ée]chantillon g[ée]n[ée]raliste de[s]? b[ée]n[ée]ficiaires)",
    "CépiDc": r"(?i:\bc[ée]pidc\b)",
    "Health Data Hub": r"(?i:\bhealth data hub\b|plateforme des donn[ée]es de sant[ée])",
    "ATIH": r"\bATIH\b|(?i:agence technique de l.information sur l.hospitalisation)",
    # not Quebec's "Régie de l'assurance maladie du Québec" (RAMQ)
    "Assurance Maladie": r"(?i:(?<!r[ée]gie de l.)\bassurance[- ]maladie\b(?! du qu[ée]bec)"
    r"|caisse nationale d.assurance)|\bCNAMTS\b",
    "French medico-administrative databases": r"(?i:french\b[^.;]{0,40}\bmedico-?administrative)",
    "French claims database": r"(?i:french\b[^.;]{0,40}\bclaims?\s+(?:data|database|databases)\b)",
    "French health insurance": r"(?i:french\b[^.;]{0,40}\bhealth\s+insurance\b)",
    "French hospital discharge database": r"(?i:french\b[^.;]{0,40}hospital\s+discharge\s+"
    r"(?:data|database|databases|summar))",
}

# --- Ambiguous acronyms and generic phrases: need French health-data context ------------------

AMBIGUOUS: dict[str, str] = {
    "DCIR": r"\bDCIR\b|(?i:datamart de consommation inter-?r[ée]gimes)",
    "SSR": r"\bSSR\b",
    "EGB": r"\bEGB\b|(?i:(?:permanent|general) (?:random )?sample of (?:health insurance )?"
    r"beneficiaries)",
    "HAD": r"\bHAD\b",
    "MCO": r"\bMCO\b",
    "RIM-P": r"\bRIM-?P\b",
    "CNAM": r"\bCNAM\b",
    "national health data system": r"(?i:national health data system)",
    "medico-administrative data": r"(?i:medico-?administrative\s+(?:data|database|databases"
    r"|claims|records|information))",
    "national health insurance data": r"(?i:national health insurance\s+(?:data|database"
    r"|databases|claims|information system|records|cohort))",
    "nationwide claims data": r"(?i:(?:nationwide|national)\s+(?:claims|reimbursement|"
    r"hospital discharge|hospitali[sz]ation)\s+(?:data|database|databases|records))",
}

# Known other senses, looked for in the whole record: when one is there, the acronym is
# read in that sense.
OTHER_SENSES: dict[str, list[tuple[str, str]]] = {
    "DCIR": [
        (
            "immunology",
            r"(?i:dendritic cell (?:immuno|inhibitory )?receptor|c-type lectin"
            r"|\bclec-?4a\b|dendritic cells?\b[^.]{0,80}\breceptor|DCIR[- ]?(?:deficient|knock"
            r"|-/-|null))",
        ),
    ],
    "SSR": [
        (
            "genetics",
            r"(?i:simple sequence repeats?|microsatellite|\bSSR (?:markers?|loci|locus"
            r"|primers?|motifs?|alleles?)|\bQTL\b|genotyp|cultivar|germplasm|polymorphic markers?"
            r"|marker-assisted)",
        ),
        ("statistics", r"(?i:sum of squared residuals|sum of squares? (?:of|due to) regression)"),
    ],
    "EGB": [
        ("pharmacology", r"\bEG[bB]\s*[-‐]?\s*761\b|(?i:\bginkgo\b)"),
    ],
    "HAD": [
        (
            "psychology",
            r"(?i:hospital anxiety and depression|\bHADS?\b[- ]?(?:scale|score|-?A\b"
            r"|-?D\b|questionnaire)|anxiety[^.]{0,40}\bHAD\b)",
        ),
    ],
    "MCO": [
        ("health insurance (US)", r"(?i:managed care organi[sz]ation|medicaid|medicare)"),
    ],
    "CNAM": [("other institution", r"(?i:conservatoire national des arts)")],
}

_FRENCH_TEXT = re.compile(
    r"\b(?:France|French|Fran[cç]ais[e]?|fran[cç]ais[e]?s?|Frances?a)\b|(?i:\bm[ée]tropole\b)"
)
_DATA_WORDS = re.compile(
    r"(?i:\bdata\b|database|\bbases?\b|claims|reimburs|records|registr|nationwide|national"
    r"|datamart|discharge|hospitali[sz]|extract|sample|cohort|donn[ée]es|remboursement|s[ée]jours?)"
)
_NEAR = 120  # characters around an ambiguous acronym where a data word must appear
# Acronyms that are also everyday clinical words in French care ("admitted to SSR"): they
# need a data word nearby too. DCIR, EGB, RIM-P name data sets and need only the context.
NEEDS_DATA_WORD = frozenset({"SSR", "HAD", "MCO", "CNAM"})

_STRONG_RE = {name: re.compile(p) for name, p in STRONG_TERMS.items()}
_AMBIGUOUS_RE = {name: re.compile(p) for name, p in AMBIGUOUS.items()}
_OTHER_RE = {
    name: [(sense, re.compile(p)) for sense, p in senses] for name, senses in OTHER_SENSES.items()
}
# Acronyms whose text is removed before the component rules read it, when not accepted.
COMPONENT_ACRONYMS = ("DCIR", "SSR", "EGB", "HAD", "MCO", "RIM-P")


@dataclass(frozen=True)
class Reason:
    """Why the rules decided as they did: a code and its parameters (no sentence)."""

    code: str  # term | acronym_context | acronym_other_sense | acronym_no_context | nothing
    term: str = ""
    detail: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "term": self.term, "detail": self.detail}


@dataclass
class Verdict:
    relevant: bool
    terms: list[str] = field(default_factory=list)  # what counted
    reasons: list[Reason] = field(default_factory=list)
    accepted_acronyms: set[str] = field(default_factory=set)
    # The French health-data context the rules saw, whether or not an acronym needed it:
    # france_text, french_affiliation, data_words (the classifier weighs them).
    context: list[str] = field(default_factory=list)

    def reasons_as_dicts(self) -> list[dict[str, str]]:
        return [r.as_dict() for r in self.reasons]

    def evidence(self) -> list[str]:
        """The verdict, its reasons and the context seen, as tokens: one more field for the
        classifier ("acronym_other_sense:DCIR:immunology", "context:french_affiliation")."""
        out = ["rules:relevant" if self.relevant else "rules:not_relevant"]
        for r in self.reasons:
            token = ":".join(x for x in (r.code, r.term, r.detail) if x)
            out.append(token.replace(" ", "_"))
        out.extend(f"context:{c}" for c in self.context)
        return out


def _french_affiliation(affiliations: Iterable[str]) -> bool:
    return any(re.search(r"\bFrance\b|\bFRANCE\b", a or "") for a in affiliations)


def assess(
    *,
    title: str = "",
    abstract: str = "",
    keywords: Iterable[str] = (),
    mesh_terms: Iterable[str] = (),
    affiliations: Iterable[str] = (),
) -> Verdict:
    """The rules' verdict on one record, with the reasons.

    >>> assess(title="Dendritic cell immunoreceptor (DCIR) in arthritis").relevant
    False
    """
    text = " ".join(t for t in (title, abstract, " ; ".join(keywords), " ; ".join(mesh_terms)) if t)
    affiliations = list(affiliations)
    reasons: list[Reason] = []
    terms: list[str] = []
    for name, rx in _STRONG_RE.items():
        if rx.search(text):
            terms.append(name)
            reasons.append(Reason("term", name))
    context = ""
    if terms:
        context = terms[0]
    elif _FRENCH_TEXT.search(text):
        context = "France"
    elif _french_affiliation(affiliations):
        context = "french_affiliation"
    accepted: set[str] = set()
    for name, rx in _AMBIGUOUS_RE.items():
        matches = list(rx.finditer(text))
        if not matches:
            continue
        sense = next((s for s, other in _OTHER_RE.get(name, []) if other.search(text)), None)
        if sense:
            reasons.append(Reason("acronym_other_sense", name, sense))
            continue
        near_data = (
            name not in NEEDS_DATA_WORD
            or bool(terms)
            or any(
                _DATA_WORDS.search(text[max(0, m.start() - _NEAR) : m.end() + _NEAR])
                for m in matches
            )
        )
        if context and near_data:
            accepted.add(name)
            terms.append(name)
            reasons.append(Reason("acronym_context", name, context))
        else:
            reasons.append(Reason("acronym_no_context", name))
    if not reasons:
        reasons.append(Reason("nothing"))
    seen = [
        name
        for name, present in (
            ("france_text", bool(_FRENCH_TEXT.search(text))),
            ("french_affiliation", _french_affiliation(affiliations)),
            ("data_words", bool(_DATA_WORDS.search(text))),
        )
        if present
    ]
    return Verdict(bool(terms), terms, reasons, accepted, seen)


def mask_unaccepted(text: str, accepted: set[str]) -> str:
    """``text`` without the ambiguous acronyms the rules did not accept (for components)."""
    for name in COMPONENT_ACRONYMS:
        if name not in accepted:
            text = _AMBIGUOUS_RE[name].sub(" ", text)
    return text
