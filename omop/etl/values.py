"""Text normalisation of SNDS values and the stable id recipe (pure Python).

The SQL engines normalise input codes with ``dialect.numeric_code_sql`` (a test compares
it with :func:`numeric_code`) and parse text dates with :func:`parse_date` once per
distinct value; :func:`stable_id` is the id recipe that ``dialect`` spells in SQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

_NUMERIC_CODE = re.compile(r"^[+-]?\d+(\.0*)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_FRENCH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ :].*)?$")
_SAS = re.compile(r"^(\d{1,2})([A-Za-z]{3})(\d{4})(?::.*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    )
}
# French SAS locales write a few months differently.
MONTHS |= {"FEV": 2, "AVR": 4, "MAI": 5, "JUI": 6, "AOU": 8, "DEC": 12}


def clean_text(value: object) -> str | None:
    """Trimmed text; empty or missing → None."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    text = str(value).strip()
    return text or None


def numeric_code(value: object) -> str | None:
    """A numeric SNDS code as text without leading zeros or decimals: ``'01.0'`` → ``'1'``.

    Values that are not numbers are kept as written (trimmed) so that nothing is lost.
    """
    text = clean_text(value)
    if text is None:
        return None
    if _NUMERIC_CODE.match(text):
        sign = "-" if text.startswith("-") else ""
        digits = text.lstrip("+-").split(".")[0].lstrip("0") or "0"
        return sign + digits if digits != "0" else "0"
    return text


def parse_date(value: object) -> str | None:
    """A date in ISO (2013-03-04), French (04/03/2013), SAS (04MAR2013:00:00:00) or
    compact (20130304) form → ``'YYYY-MM-DD'``; anything else (or an impossible date) → None.
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = clean_text(value)
    if text is None:
        return None
    for pattern, order in ((_ISO, "ymd"), (_FRENCH, "dmy"), (_COMPACT, "ymd")):
        m = pattern.match(text)
        if m:
            parts = dict(zip(order, m.groups(), strict=True))
            return _iso(parts["y"], parts["m"], parts["d"])
    m = _SAS.match(text)
    if m:
        month = MONTHS.get(m.group(2).upper())
        return _iso(m.group(3), month, m.group(1)) if month else None
    return None


def _iso(year: object, month: object, day: object) -> str | None:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except (TypeError, ValueError):
        return None


def stable_id(*parts: object) -> int:
    """The project's id recipe: MD5 of the ``|``-joined normalised parts, first 8 bytes
    big-endian, shifted right by one bit (a positive signed 64-bit integer).

    >>> stable_id("DPXX:0000000000000000001X")
    8190092190961932619
    """
    key = "|".join("" if p is None else str(p) for p in parts)
    return hash_key(key)


def hash_key(key: str) -> int:
    return int.from_bytes(hashlib.md5(key.encode("utf-8")).digest()[:8], "big") >> 1  # noqa: S324


def add_days(iso_date: str | None, days: int) -> str | None:
    if iso_date is None:
        return None
    return (dt.date.fromisoformat(iso_date) + dt.timedelta(days=days)).isoformat()
