"""Per-variable statistics, hand-checked on small files."""

from __future__ import annotations

import datetime as dt

import pytest

from catalogue.profiling import ColumnSpec, profile_file


def test_it_computes_exact_statistics_of_a_number(write_csv):
    # 1..10 and one missing value: numpy's linear percentiles are p10=1.9, p25=3.25…
    path = write_csv("V\n" + "\n".join(str(i) for i in range(1, 11)) + "\n\n")
    var = profile_file(path, [ColumnSpec("V", "number")]).variable("V")
    assert var.rows == 11
    assert var.missing == 1
    assert var.completeness_pct == pytest.approx(100 * 10 / 11, abs=1e-3)
    assert var.distinct == 10
    s = var.stats
    assert s.mean == 5.5
    assert s.std == pytest.approx(3.02765, abs=1e-5)
    assert (s.min, s.max) == (1, 10)
    assert (s.p10, s.p25, s.median, s.p75, s.p90) == (1.9, 3.25, 5.5, 7.75, 9.1)
    assert sum(b.count for b in var.histogram) == 10


def test_it_counts_top_values_most_frequent_first(write_csv):
    path = write_csv("C\n" + "\n".join(["b"] * 3 + ["a"] * 5 + ["c"]) + "\n")
    var = profile_file(path, [ColumnSpec("C")]).variable("C")
    assert [(t.value, t.count) for t in var.top_values] == [("a", 5), ("b", 3), ("c", 1)]
    assert var.stats is None  # no mean of a string


def test_it_gives_dates_statistics_as_dates(write_csv):
    path = write_csv("D\n2020-01-01\n2020-01-03\n05/01/2020\n")
    var = profile_file(path, [ColumnSpec("D", "date")], today=dt.date(2024, 1, 1)).variable("D")
    assert var.stats.min == "2020-01-01"
    assert var.stats.median == "2020-01-03"
    assert var.stats.max == "2020-01-05"  # dd/mm/yyyy is read too
    assert var.stats.mean == "2020-01-03"
    assert [b.label for b in var.histogram] == ["2020-01"]
    assert var.histogram[0].count == 3


def test_it_bins_integers_one_value_per_bin_when_the_range_is_small(write_csv):
    path = write_csv("Q\n1\n1\n2\n4\n")
    var = profile_file(path, [ColumnSpec("Q", "integer")]).variable("Q")
    assert [(b.label, b.count) for b in var.histogram] == [("1", 2), ("2", 1), ("3", 0), ("4", 1)]


def test_it_treats_coded_integers_as_categories(write_csv):
    path = write_csv("PSE_SPE_COD\n1\n1\n22\n")
    spec = ColumnSpec("PSE_SPE_COD", "integer", nomenclature={"1", "22"})
    var = profile_file(path, [spec]).variable("PSE_SPE_COD")
    assert var.stats is None and var.histogram == []
    assert var.top_values[0].value == "1"


def test_it_reports_progress_up_to_100(write_csv):
    seen = []
    profile_file(
        write_csv("A\n1\n"), [ColumnSpec("A")], progress=lambda p, step, subject: seen.append(p)
    )
    assert seen[-1] == 100
    assert seen == sorted(seen)
