"""Country and city of an affiliation text (no Django import).

Countries come from pycountry (ISO 3166, maintained) plus the usual spellings of
affiliations ("USA", "UK", "Korea", "P.R. China"); French cities from the INSEE Code
officiel géographique shipped with the portal (``omop/reference/geo/v_commune_2023.csv``,
Licence Ouverte). The text is read segment by segment from its end, where PubMed puts the
place: "…, Albuquerque, New Mexico, USA".

US states are recognised before countries, so "New Mexico" is never Mexico, "New Jersey"
never Jersey, and "Georgia" is the US state unless a Georgian city names the country.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

import pycountry

from .parsers.base import strip_accents

COMMUNES = (
    Path(__file__).resolve().parent.parent / "omop" / "reference" / "geo" / "v_commune_2023.csv"
)

# Display names kept from the first version of the dashboard (filters and maps use them).
DISPLAY = {
    "USA": "United States", "GBR": "United Kingdom", "KOR": "South Korea", "PRK": "North Korea",
    "RUS": "Russia", "IRN": "Iran", "TWN": "Taiwan", "VNM": "Viet Nam", "CZE": "Czechia",
    "TUR": "Turkey", "CIV": "Côte d'Ivoire", "BOL": "Bolivia", "VEN": "Venezuela",
    "TZA": "Tanzania", "SYR": "Syria", "LAO": "Laos", "MDA": "Moldova", "COD": "DR Congo",
    "PSE": "Palestine", "MKD": "North Macedonia", "FSM": "Micronesia",
}  # fmt: skip
EXTRA_ALIASES = {
    "usa": "USA", "u.s.a": "USA", "us": "USA", "u.s": "USA", "united states": "USA",
    "united states of america": "USA", "uk": "GBR", "u.k": "GBR", "england": "GBR",
    "scotland": "GBR", "wales": "GBR", "northern ireland": "GBR", "great britain": "GBR",
    "korea": "KOR", "south korea": "KOR", "republic of korea": "KOR", "korea (south)": "KOR",
    "china": "CHN", "p.r. china": "CHN", "pr china": "CHN", "p. r. china": "CHN",
    "people's republic of china": "CHN", "russia": "RUS", "iran": "IRN", "taiwan": "TWN",
    "vietnam": "VNM", "czech republic": "CZE", "turkey": "TUR", "turkiye": "TUR",
    "the netherlands": "NLD", "holland": "NLD", "deutschland": "DEU", "italia": "ITA",
    "espana": "ESP", "belgique": "BEL", "belgie": "BEL", "suisse": "CHE", "schweiz": "CHE",
    "brasil": "BRA", "maroc": "MAR", "algerie": "DZA", "tunisie": "TUN", "cameroun": "CMR",
    "liban": "LBN", "r.o.c": "TWN", "roc": "TWN", "ivory coast": "CIV", "cote d'ivoire": "CIV", "french republic": "FRA",
    # French overseas departments and territories are France for the SNDS
    "guadeloupe": "FRA", "martinique": "FRA", "la reunion": "FRA", "reunion": "FRA",
    "reunion island": "FRA", "guyane": "FRA", "french guiana": "FRA", "mayotte": "FRA",
    "nouvelle-caledonie": "FRA", "new caledonia": "FRA", "polynesie francaise": "FRA",
    "french polynesia": "FRA", "saint-martin": "FRA", "saint-barthelemy": "FRA",
}  # fmt: skip
US_STATES = {
    "AL": "alabama", "AK": "alaska", "AZ": "arizona", "AR": "arkansas", "CA": "california",
    "CO": "colorado", "CT": "connecticut", "DE": "delaware", "FL": "florida", "GA": "georgia",
    "HI": "hawaii", "ID": "idaho", "IL": "illinois", "IN": "indiana", "IA": "iowa",
    "KS": "kansas", "KY": "kentucky", "LA": "louisiana", "ME": "maine", "MD": "maryland",
    "MA": "massachusetts", "MI": "michigan", "MN": "minnesota", "MS": "mississippi",
    "MO": "missouri", "MT": "montana", "NE": "nebraska", "NV": "nevada", "NH": "new hampshire",
    "NJ": "new jersey", "NM": "new mexico", "NY": "new york", "NC": "north carolina",
    "ND": "north dakota", "OH": "ohio", "OK": "oklahoma", "OR": "oregon", "PA": "pennsylvania",
    "RI": "rhode island", "SC": "south carolina", "SD": "south dakota", "TN": "tennessee",
    "TX": "texas", "UT": "utah", "VT": "vermont", "VA": "virginia", "WA": "washington",
    "WV": "west virginia", "WI": "wisconsin", "WY": "wyoming", "DC": "district of columbia",
    "PR": "puerto rico",
}  # fmt: skip
# Country names that are also US states or parts of US state names: never matched inside a
# longer text, only as a whole segment, and "Georgia" only with a Georgian city.
AMBIGUOUS = {"georgia", "jersey", "mexico", "guinea"}
GEORGIAN_CITIES = {"tbilisi", "batumi", "kutaisi", "rustavi", "zugdidi", "gori"}
_STATE_NAMES = set(US_STATES.values())
_STATE_CODES = set(US_STATES)
_ZIP = re.compile(r"\b\d{5}(?:-\d{4})?\b")
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}-)?\d{4,6}\b|\bcedex\b(?:\s*\d+)?|\bbp\s*\d+\b", re.I)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", strip_accents(text).casefold()).strip(" .;,()")


@lru_cache(maxsize=1)
def _countries() -> tuple[dict[str, str], dict[str, str]]:
    """(alias → ISO-3, ISO-3 → display name)."""
    aliases: dict[str, str] = {}
    names: dict[str, str] = {}
    for c in pycountry.countries:
        display = DISPLAY.get(c.alpha_3) or getattr(c, "common_name", None) or c.name
        names[c.alpha_3] = display
        for value in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
            if value:
                aliases.setdefault(norm(value), c.alpha_3)
        aliases.setdefault(norm(display), c.alpha_3)
    for alias, iso in EXTRA_ALIASES.items():
        aliases[norm(alias)] = iso
    return aliases, names


@lru_cache(maxsize=1)
def _anywhere() -> re.Pattern[str]:
    aliases, _names = _countries()
    usable = [a for a in aliases if len(a) > 3 and a not in AMBIGUOUS]
    return re.compile(
        r"(?<![\w-])("
        + "|".join(sorted(map(re.escape, usable), key=len, reverse=True))
        + r")(?![\w-])"
    )


COUNTRY_ISO3: dict[str, str] = {}  # display name → ISO-3, filled below


def _segments(text: str) -> list[str]:
    text = re.sub(r"\S+@\S+|electronic address:.*$", "", text or "", flags=re.I)
    return [s.strip(" .;()") for s in re.split(r"[,;]", text) if s.strip(" .;()")]


def _is_us_state(segment: str) -> bool:
    bare = _ZIP.sub("", segment).strip(" .")
    return norm(bare) in _STATE_NAMES or bare.replace(".", "") in _STATE_CODES


def locate(text: str) -> tuple[str, str]:
    """``(country display name, city)`` of an affiliation; "" where unknown."""
    aliases, names = _countries()
    segments = _segments(text)
    country_at, iso = None, ""
    for i in range(len(segments) - 1, max(-1, len(segments) - 4), -1):
        seg = segments[i]
        key = norm(_POSTCODE.sub("", seg))
        if key in aliases:
            iso = aliases[key]
            if key == "georgia" and not (i > 0 and norm(segments[i - 1]) in GEORGIAN_CITIES):
                iso = "USA"  # "Atlanta, Georgia": the state
            if key in AMBIGUOUS and any(_is_us_state(x) for x in segments[:i]):
                iso = "USA"  # "Albuquerque, NM, 87109, Mexico": a slip for New Mexico
            country_at = i
            break
        if _is_us_state(seg):
            iso, country_at = "USA", i
            break
    if not iso:
        flat = norm(text)
        for state in sorted(_STATE_NAMES, key=len, reverse=True):
            flat = re.sub(rf"(?<![\w-]){re.escape(state)}(?![\w-])", " ", flat)
        found = _anywhere().findall(flat)
        if found:
            iso = aliases[found[-1]]
    country = names.get(iso, "")
    city = _city(segments, country_at, iso)
    return country, city


def _city(segments: list[str], country_at: int | None, iso: str) -> str:
    """The place segment before the country (a French commune when the country is France)."""
    if iso == "FRA" or (not iso and country_at is None):
        communes = _communes()
        end = country_at if country_at is not None else len(segments)
        for seg in reversed(segments[:end]):
            name = communes.get(norm(_without_postcode(seg)))
            if name:
                return name
        if iso != "FRA":
            return ""
    if country_at is None:
        return ""
    for position in range(country_at - 1, -1, -1):
        seg = segments[position]
        if _is_us_state(seg):
            if (
                norm(seg) in ("dc", "d.c", "district of columbia")
                and position > 0
                and (norm(segments[position - 1]) == "washington")
            ):
                return "Washington"
            continue
        bare = _without_postcode(seg)
        if not bare or norm(bare) in _countries()[0]:
            continue  # a postcode alone ("KY16 9AL"), or the country said twice
        if _INSTITUTION.search(bare) or len(bare.split()) > 4:
            return ""
        return bare if iso != "FRA" else ""
    return ""


def _without_postcode(segment: str) -> str:
    """The segment without its postcode words ("Hokkaido 060-8543" → "Hokkaido")."""
    words = [w for w in segment.split() if not any(ch.isdigit() for ch in w)]
    words = [w for w in words if w.casefold() not in ("cedex", "bp", "cs", "f", "cep")]
    return " ".join(words).strip(" .-")


_INSTITUTION = re.compile(
    r"univ|hospital|h[oô]pital|institut|department|d[ée]partement|school|college|center|centre|"
    r"clinic|laborator|faculty|facult[ée]|research|inserm|cnrs|\bunit|service|street|\bstr\b|"
    r"road|avenue|\brue\b|boulevard|\bbd\b|\bav\b|building|campus|division|program|group|chu\b",
    re.I,
)


@lru_cache(maxsize=1)
def _communes() -> dict[str, str]:
    """Accent-free lower-case name → official name, from the INSEE communes (and Paris,
    Lyon and Marseille for their arrondissements)."""
    out: dict[str, str] = {}
    if not COMMUNES.exists():
        return out
    with open(COMMUNES, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            name = row["LIBELLE"]
            if row["TYPECOM"] == "ARM":
                name = name.split(" ")[0]
                out.setdefault(norm(name), name)
                continue
            if row["TYPECOM"] != "COM":
                continue
            out.setdefault(norm(name), name)
            out.setdefault(norm(name.replace("-", " ")), name)
            out.setdefault(norm(name.replace("Saint-", "St-").replace("Sainte-", "Ste-")), name)
    return out


COUNTRY_ISO3.update({name: iso for iso, name in _countries()[1].items()})
