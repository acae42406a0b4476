from datetime import date

import pytest

from access_requests.calendar import (
    add_months,
    add_working_days,
    is_working_day,
    median_working_days,
    working_days_between,
)


def test_a_dossier_submitted_on_christmas_eve_is_due_on_6_january():
    # 7 working days, skipping 25 December 2026 and 1 January 2027 and the weekends
    assert add_working_days(date(2026, 12, 24), 7) == date(2027, 1, 6)


def test_weekends_and_french_holidays_are_not_working_days():
    assert not is_working_day(date(2026, 12, 25))  # Christmas, a Friday
    assert not is_working_day(date(2027, 1, 1))  # New Year, a Friday
    assert not is_working_day(date(2026, 7, 14))  # Bastille Day
    assert not is_working_day(date(2026, 5, 25))  # Pentecost Monday
    assert not is_working_day(date(2026, 12, 26))  # Saturday
    assert is_working_day(date(2026, 12, 24))


def test_working_days_between_counts_the_end_not_the_start():
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 6)) == 7
    assert working_days_between(date(2027, 1, 6), date(2026, 12, 24)) == 0


def test_a_month_later_is_clamped_to_the_end_of_a_short_month():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2026, 11, 15), 2) == date(2027, 1, 15)


def test_median_ignores_unfinished_steps():
    periods = [
        (date(2026, 3, 2), date(2026, 3, 4)),  # 2
        (date(2026, 3, 2), date(2026, 3, 6)),  # 4
        (date(2026, 3, 2), None),
    ]
    assert median_working_days(periods) == 3
    assert median_working_days([]) is None


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)
