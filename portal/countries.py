"""Country names in the page's language, from the ISO 3166 names and translations that
pycountry ships (no network): "DEU" → "Allemagne" on a French page, "Germany" in English."""

import gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language


@lru_cache(maxsize=4)
def _translation(language: str):
    if language == "en":
        return gettext.NullTranslations()
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return gettext.NullTranslations()


def country_name(iso3: str, language: str | None = None) -> str:
    """The name of the country ``iso3`` in ``language`` (default: the active one)."""
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return iso3
    language = (language or get_language() or "fr")[:2]
    name = getattr(country, "common_name", None) if language == "en" else None
    return name or _translation(language).gettext(country.name)
