"""Numbers read from a query string: bounded, so that no value reaches the database (or
an OFFSET) beyond what its column holds."""

from __future__ import annotations

# Past this page a search is a robot's; the database is never asked for an OFFSET beyond it.
MAX_PAGE = 1000
INT32_MAX = 2**31 - 1


def bounded_int(
    value: str | None, *, default: int | None = None, minimum: int = 1, maximum: int = INT32_MAX
) -> int | None:
    """``value`` as an int in ``[minimum, maximum]`` (clamped to ``maximum``), else ``default``."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > 30:
        return default
    number = int(value)
    if number < minimum:
        return default
    return min(number, maximum)
