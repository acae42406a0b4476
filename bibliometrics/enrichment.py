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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from . import places, relevance

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


COMPONENTS: tuple[Component, ...] = (
    Component(
        "DCIR",
        "DCIR (consommation inter-régimes)",
        r"\bDCIR\b|(?i:datamart de consommation inter-?r[ée]gimes|outpatient (?:reimbursement|claims?) data)",
        "DCIR",
    ),
    Component(
        "PMSI_MCO",
        "PMSI MCO (court séjour)",
        r"\bPMSI[- ]?MCO\b|\bMCO\b|(?i:m[ée]decine[, ]+chirurgie[, ]+obst[ée]trique"
        r"|hospital discharge (?:data|database|summar))",
        "PMSI",
    ),
    Component(
        "PMSI_SSR",
        "PMSI SSR (soins de suite et réadaptation)",
        r"\bPMSI[- ]?SSR\b|\bSSR\b|\bSMR\b(?=[^.]{0,40}PMSI)|(?i:soins de suite et (?:de )?r[ée]adaptation"
        r"|post-?acute (?:care|rehabilitation) (?:data|database|facilit))",
        "PMSI",
    ),
    Component(
        "PMSI_HAD",
        "PMSI HAD (hospitalisation à domicile)",
        r"\bPMSI[- ]?HAD\b|\bHAD\b|(?i:hospitali[sz]ation [àa] domicile|hospital at home|home hospitali[sz]ation)",
        "PMSI",
    ),
    Component(
        "PMSI_RIMP",
        "PMSI RIM-P (psychiatrie)",
        r"\bRIM-?P\b|\bPMSI[- ]?PSY\b|(?i:recueil d.informations m[ée]dicalis[ée] en psychiatrie"
        r"|psychiatric hospital (?:data|database|discharge))",
        "PMSI",
    ),
    Component(
        "PMSI",
        "PMSI (autre ou non précisé)",
        r"\bPMSI\b|(?i:french\b[^.;]{0,40}hospital discharge)",
        "PMSI",
    ),
    Component(
        "CEPIDC",
        "CépiDc (causes médicales de décès)",
        r"(?i:\bc[ée]pidc\b|causes? m[ée]dicales? de d[ée]c[eè]s|national causes?[- ]of[- ]death"
        r"|causes?[- ]of[- ]death (?:register|registry|database|data\b))",
        "CEPIDC",
    ),
    Component(
        "EGB",
        "EGB / ESND (échantillon)",
        r"\bEGB\b|\bESND\b|(?i:[ée]chantillon g[ée]n[ée]raliste de[s]? b[ée]n[ée]ficiaires"
        r"|(?:permanent|general|representative) (?:random )?sample of (?:health insurance )?beneficiaries)",
        "EGB",
    ),
    Component(
        "CARTOGRAPHIE",
        "Cartographie des pathologies",
        r"(?i:cartographie des pathologies|cartograph(?:y|ie) (?:of|des) (?:pathologies|diseases)"
        r"|disease mapping algorithm)",
        "CARTOGRAPHIE",
    ),
)
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

ACTOR_TYPES = {
    "academic": "Université ou institut de recherche",
    "hospital": "Établissement de santé",
    "agency": "Agence ou administration publique",
    "industry": "Industrie, CRO, conseil",
    "other": "Autre",
}

# Research structures and universities named as such (issue 17): an "Inserm UMR 1229" or a
# university is academic research even beside a hospital ("mixed affiliations get every
# type they name"). Added to existing installations by migration 0003.
ADDED_ACTOR_RULES: list[dict[str, Any]] = [
    {
        "pattern": r"(?-i:\bUMRS?\b)|(?-i:\bUMR[- ]?S?\s?\d+)|(?-i:\bU\d{3,4}\b)|(?-i:\bUMS\s?\d+)",
        "actor_type": "academic",
        "priority": 40,
    },
    {
        "pattern": r"(?-i:\bIRD\b)|Institut de recherche pour le d[ée]veloppement",
        "actor_type": "academic",
        "institution": "IRD",
        "priority": 40,
    },
    {
        "pattern": r"\bINRAE?\b|Institut national de recherche pour l.agriculture",
        "actor_type": "academic",
        "institution": "INRAE",
        "priority": 40,
    },
    {
        "pattern": r"\bUniv(?:ersit[yéeàä]t?|\.|\b)|Universidad|Universit[àa]|Medical School|School of (?:Medicine|Public Health|Pharmacy)",
        "actor_type": "academic",
        "priority": 42,
    },
    {
        "pattern": r"Groupe hospitalier|\bGHU\b|Hospital Group|Groupement hospitalier",
        "actor_type": "hospital",
        "priority": 35,
    },
]

# Rules are tried by ascending priority; the first that matches wins. Editable in admin
# (``ActorRule``), where these are the initial data.
DEFAULT_ACTOR_RULES: list[dict[str, Any]] = [
    # public agencies (most specific first)
    {"pattern": r"EPI-?PHARE", "actor_type": "agency", "institution": "EPI-PHARE", "priority": 10},
    {
        "pattern": r"\bANSM\b|Agence nationale de s[ée]curit[ée] du m[ée]dicament|French (?:National )?Agency for (?:the )?Safety of Medicines",
        "actor_type": "agency",
        "institution": "ANSM",
        "priority": 10,
    },
    {
        "pattern": r"Sant[ée] publique France|Public Health France|French (?:National )?Public Health Agency",
        "actor_type": "agency",
        "institution": "Santé publique France",
        "priority": 10,
    },
    {
        "pattern": r"\bDREES\b|Direction de la recherche",
        "actor_type": "agency",
        "institution": "DREES",
        "priority": 10,
    },
    {
        "pattern": r"\bCNAM(?:TS)?\b|Caisse nationale (?:de l.)?assurance maladie|French National Health Insurance|National Health Insurance Fund|Assurance Maladie",
        "actor_type": "agency",
        "institution": "CNAM",
        "priority": 10,
    },
    {
        "pattern": r"Haute Autorit[ée] de Sant[ée]|French National Authority for Health|(?-i:\bHAS\b)",
        "actor_type": "agency",
        "institution": "HAS",
        "priority": 10,
    },
    {
        "pattern": r"Health Data Hub|Plateforme des donn[ée]es de sant[ée]",
        "actor_type": "agency",
        "institution": "Health Data Hub",
        "priority": 10,
    },
    {
        "pattern": r"\bATIH\b|Agence technique de l.information sur l.hospitalisation",
        "actor_type": "agency",
        "institution": "ATIH",
        "priority": 10,
    },
    {
        "pattern": r"(?-i:\bINCa\b)|Institut national du cancer|French National Cancer Institute",
        "actor_type": "agency",
        "institution": "INCa",
        "priority": 10,
    },
    {
        "pattern": r"Agence r[ée]gionale de sant[ée]|(?-i:\bARS\b)",
        "actor_type": "agency",
        "priority": 12,
    },
    {
        "pattern": r"Agence de la biom[ée]decine",
        "actor_type": "agency",
        "institution": "Agence de la biomédecine",
        "priority": 12,
    },
    {
        "pattern": r"Minist[eè]re|Ministry of|Direction g[ée]n[ée]rale de la sant[ée]|(?-i:\bMSA\b)|Mutualit[ée] sociale agricole",
        "actor_type": "agency",
        "priority": 15,
    },
    # industry: pharma, CRO, consulting
    {
        "pattern": r"\b(?:Sanofi|Pfizer|Novartis|Hoffmann-La Roche|AstraZeneca|Merck|GlaxoSmithKline|GSK|Servier|Pierre Fabre|Ipsen|Boehringer|Eli Lilly|Janssen|Johnson & Johnson|AbbVie|Bristol[- ]Myers|Amgen|Gilead|Takeda|Novo Nordisk|Astellas|Daiichi|Biogen|Lundbeck|Viatris|Mylan|Moderna|BioNTech|Genentech|Biogaran)\b|(?-i:\b(?:Roche|Bayer|MSD|Lilly|BMS|UCB|Teva)\b)",
        "actor_type": "industry",
        "priority": 20,
    },
    {
        "pattern": r"\b(?:IQVIA|IMS Health|Cegedim|ICON plc|Syneos|Parexel|Evidera|Certara|Deloitte|McKinsey|Altran|Medpace|Covance|Real[- ]World Evidence|Consulting|Conseil)\b|Stat[’']?Rave|(?-i:\b(?:HEVA|PPD|IRIS)\b)",
        "actor_type": "industry",
        "priority": 20,
    },
    {
        "pattern": r"Laboratoires\s+\w+|Pharma(?:ceuticals?)?\b|\b(?:Inc|Ltd|GmbH|Corp|Corporation)\b|\bS\.A\.S?\b|(?-i:\bLLC\b)",
        "actor_type": "industry",
        "priority": 25,
    },
    # hospitals, including cancer centres
    {
        "pattern": r"\bAP-?HP\b|Assistance Publique[- ]+H[oô]pitaux de Paris",
        "actor_type": "hospital",
        "institution": "AP-HP",
        "priority": 30,
    },
    {
        "pattern": r"\bAP-?HM\b|Assistance Publique[- ]+H[oô]pitaux de Marseille",
        "actor_type": "hospital",
        "institution": "AP-HM",
        "priority": 30,
    },
    {
        "pattern": r"Hospices Civils de Lyon|(?-i:\bHCL\b)",
        "actor_type": "hospital",
        "institution": "Hospices Civils de Lyon",
        "priority": 30,
    },
    {
        "pattern": r"Gustave Roussy",
        "actor_type": "hospital",
        "institution": "Gustave Roussy",
        "priority": 30,
    },
    {
        "pattern": r"Institut Curie",
        "actor_type": "hospital",
        "institution": "Institut Curie",
        "priority": 30,
    },
    {
        "pattern": r"Centre L[ée]on B[ée]rard",
        "actor_type": "hospital",
        "institution": "Centre Léon Bérard",
        "priority": 30,
    },
    {
        "pattern": r"Unicancer|Centre de lutte contre le cancer|Paoli-Calmettes|Institut Bergoni[ée]|Oscar Lambret|Institut du Cancer de Montpellier|Institut de canc[ée]rologie",
        "actor_type": "hospital",
        "priority": 31,
    },
    {
        "pattern": r"\b(?:CHU|CHRU|Centre Hospitalier|H[oô]pital|Hospital|Hospices|Clinique|Clinic\b|Medical Cent(?:er|re)|Infirmary|Krankenhaus|Ospedale)|(?-i:\b(?:CHR|CH)\b)",
        "actor_type": "hospital",
        "priority": 35,
    },
    # universities and research institutes
    {
        "pattern": r"\bINSERM\b|Institut national de la sant[ée] et de la recherche m[ée]dicale",
        "actor_type": "academic",
        "institution": "Inserm",
        "priority": 40,
    },
    {"pattern": r"\bCNRS\b", "actor_type": "academic", "institution": "CNRS", "priority": 40},
    *ADDED_ACTOR_RULES,
    {
        "pattern": r"Institut Pasteur|Pasteur Institute",
        "actor_type": "academic",
        "institution": "Institut Pasteur",
        "priority": 40,
    },
    {
        "pattern": r"\bEHESP\b|[ÉE]cole des hautes [ée]tudes en sant[ée] publique",
        "actor_type": "academic",
        "institution": "EHESP",
        "priority": 40,
    },
    {"pattern": r"\bIRDES\b", "actor_type": "academic", "institution": "IRDES", "priority": 40},
    {
        "pattern": r"Univ(?:ersit[yéeàä]t?|\.|\b)|Facult[ée]|Faculty|School of|[ÉE]cole|College|Institut(?:e|et|o)?\b|Istituto|Research|Recherche|Laborator(?:y|ies)|Laboratoire\b|(?-i:\bIRD\b)|\bINRAE?\b|(?-i:\bCEA\b)|Academy|Akademie",
        "actor_type": "academic",
        "priority": 45,
    },
]


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
    "Paris": (48.8566, 2.3522, ("paris",)),
    "Marseille": (43.2965, 5.3698, ("marseille",)),
    "Lyon": (45.7640, 4.8357, ("lyon", "bron", "villeurbanne")),
    "Toulouse": (43.6047, 1.4442, ("toulouse",)),
    "Nice": (43.7102, 7.2620, ("nice",)),
    "Nantes": (47.2184, -1.5536, ("nantes",)),
    "Strasbourg": (48.5734, 7.7521, ("strasbourg",)),
    "Montpellier": (43.6108, 3.8767, ("montpellier",)),
    "Bordeaux": (44.8378, -0.5792, ("bordeaux", "pessac", "talence")),
    "Lille": (50.6292, 3.0573, ("lille", "loos", "villeneuve d'ascq")),
    "Rennes": (48.1173, -1.6778, ("rennes",)),
    "Reims": (49.2583, 4.0317, ("reims",)),
    "Saint-Étienne": (45.4397, 4.3872, ("saint-etienne", "saint etienne")),
    "Toulon": (43.1242, 5.9280, ("toulon",)),
    "Le Havre": (49.4944, 0.1079, ("le havre",)),
    "Grenoble": (45.1885, 5.7245, ("grenoble", "la tronche")),
    "Dijon": (47.3220, 5.0415, ("dijon",)),
    "Angers": (47.4784, -0.5632, ("angers",)),
    "Nîmes": (43.8367, 4.3601, ("nimes",)),
    "Clermont-Ferrand": (45.7772, 3.0870, ("clermont-ferrand", "clermont ferrand")),
    "Le Mans": (48.0061, 0.1996, ("le mans",)),
    "Aix-en-Provence": (43.5297, 5.4474, ("aix-en-provence",)),
    "Brest": (48.3904, -4.4861, ("brest",)),
    "Tours": (47.3941, 0.6848, ("tours",)),
    "Amiens": (49.8941, 2.2958, ("amiens",)),
    "Limoges": (45.8336, 1.2611, ("limoges",)),
    "Besançon": (47.2378, 6.0241, ("besancon",)),
    "Metz": (49.1193, 6.1757, ("metz",)),
    "Nancy": (48.6921, 6.1844, ("nancy", "vandoeuvre-les-nancy", "vandoeuvre")),
    "Perpignan": (42.6887, 2.8948, ("perpignan",)),
    "Orléans": (47.9030, 1.9093, ("orleans",)),
    "Rouen": (49.4432, 1.0999, ("rouen",)),
    "Caen": (49.1829, -0.3707, ("caen",)),
    "Mulhouse": (47.7508, 7.3359, ("mulhouse",)),
    "Poitiers": (46.5802, 0.3404, ("poitiers",)),
    "Pau": (43.2951, -0.3708, ("pau",)),
    "La Rochelle": (46.1603, -1.1511, ("la rochelle",)),
    "Avignon": (43.9493, 4.8055, ("avignon",)),
    "Saint-Denis": (48.9362, 2.3574, ("saint-denis", "saint denis")),
    "Saint-Maurice": (48.8217, 2.4278, ("saint-maurice",)),
    "Villejuif": (48.7922, 2.3634, ("villejuif",)),
    "Créteil": (48.7904, 2.4556, ("creteil",)),
    "Boulogne-Billancourt": (48.8397, 2.2399, ("boulogne-billancourt",)),
    "Le Kremlin-Bicêtre": (48.8100, 2.3580, ("le kremlin-bicetre", "kremlin-bicetre")),
    "Bobigny": (48.9077, 2.4397, ("bobigny",)),
    "Clichy": (48.9045, 2.3064, ("clichy",)),
    "Suresnes": (48.8714, 2.2290, ("suresnes",)),
    "Versailles": (48.8049, 2.1204, ("versailles",)),
    "Montigny-le-Bretonneux": (48.7712, 2.0333, ("montigny-le-bretonneux",)),
    "Garches": (48.8461, 2.1889, ("garches",)),
    "Saint-Quentin-en-Yvelines": (48.7786, 2.0453, ("saint-quentin-en-yvelines",)),
    "Pointe-à-Pitre": (16.2411, -61.5331, ("pointe-a-pitre",)),
    "Fort-de-France": (14.6161, -61.0588, ("fort-de-france",)),
    "Saint-Pierre (La Réunion)": (-21.3393, 55.4781, ("saint-pierre",)),
    "Cayenne": (4.9224, -52.3135, ("cayenne",)),
}


def detect_city(text: str, country: str | None = None) -> str:
    """City of an affiliation: an INSEE commune in France, the place before the country
    elsewhere ("" when none)."""
    return places.locate(clean_affiliation(text))[1]


# --- Therapeutic areas --------------------------------------------------------------------

THERAPEUTIC_AREAS: dict[str, tuple[str, str]] = {
    "oncology": (
        "Cancérologie",
        r"cancer|neoplas|tumou?r|carcinom|lymphom|leuka?emi|melanom|sarcom|myelom|oncolog|chemotherap",
    ),
    "cardiovascular": (
        "Cardio-neurovasculaire",
        r"cardi|heart|coronar|myocard|stroke|cerebrovasc|hypertens|atrial fibrillation|thrombo|embolism|vascular|anticoagul|statin",
    ),
    "metabolic": (
        "Diabète, métabolisme, endocrinologie",
        r"diabet|obes|metabolic|insulin|dyslipid|thyroid|endocrin",
    ),
    "mental_health": (
        "Santé mentale, addictions",
        r"mental|psychiatr|depress|schizophren|bipolar|anxiety|suicid|autis|adhd|antidepress|antipsychotic|benzodiazepin|addict|substance|alcohol|opioid|tobacco|smoking",
    ),
    "neurology": (
        "Neurologie",
        r"neurolog|alzheimer|dementia|parkinson|epilep|multiple sclerosis|migraine|cognitive|neurodegener",
    ),
    "infectious": (
        "Maladies infectieuses, vaccination",
        r"infect|covid|sars-cov|coronavirus|\bhiv\b|hepatitis|vaccin|influenza|tubercul|sepsis|antibiotic|antimicrobial",
    ),
    "respiratory": ("Pneumologie", r"asthma|copd|pulmonary|\blung|respirat|bronch"),
    "perinatal": (
        "Périnatalité, pédiatrie",
        r"pregnan|\bbirth|neonat|newborn|infant|\bchild|pediatric|paediatric|maternal|prematur|obstetric|perinatal|congenital",
    ),
    "musculoskeletal": (
        "Appareil locomoteur",
        r"fractur|osteopor|arthrit|rheumat|musculoskeletal|\bbone|spondyl|\bhip\b|\bknee",
    ),
    "renal": ("Néphrologie, urologie", r"kidney|renal\b|dialys|urolog|prostat"),
    "digestive": (
        "Hépato-gastro-entérologie",
        r"digestive|gastro|\bliver|crohn|colitis|bowel|pancrea|cirrhos",
    ),
    "ageing": (
        "Vieillissement",
        r"\baged\b|elderly|older (?:adults|people|patients)|geriatr|frail|nursing home|ageing|\baging",
    ),
    "dermatology": ("Dermatologie", r"\bskin|dermat|psoria|eczema|pemphig"),
    "ophthalmology": ("Ophtalmologie", r"ophthalm|retina|glaucom|cataract|macular"),
    "injuries": ("Traumatismes, accidents", r"injur|trauma|accident|violence|\bburn"),
    "health_services": (
        "Organisation et économie des soins",
        r"health care cost|healthcare cost|health expenditure|cost of illness|costs and cost analysis|care pathway|health services|delivery of health care|insurance|health care utili[sz]ation|health policy|primary health care|general practi",
    ),
}
# patterns are lower case and matched on lowered text: re.IGNORECASE is several times slower
# One pass with named groups; a word serves one area only where two patterns overlap.
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
