"""Working days and legal deadlines (plain Python: no Django import).

A working day is a weekday that is not a French public holiday (metropolitan calendar of
the maintained ``holidays`` package). Deadlines "in working days" start counting the day
after the event: a dossier submitted on Thursday 24 December 2026 with 7 working days is
due on Wednesday 6 January 2027 (25 December and 1 January are skipped).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta


@lru_cache(maxsize=64)
def _french_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.France(years=year).keys())


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a French public holiday."""
    return day.weekday() < 5 and day not in _french_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself is not counted)."""
    if days < 0:
        raise ValueError("days must be positive or zero")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    if end <= start:
        return 0
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def add_months(start: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    return start + relativedelta(months=months)


def median_working_days(periods: Iterable[tuple[date | None, date | None]]) -> float | None:
    """Median duration in working days of the complete ``(start, end)`` periods, or None."""
    durations = [working_days_between(s, e) for s, e in periods if s and e]
    return statistics.median(durations) if durations else None
