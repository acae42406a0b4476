"""portal.disclosure: the small-cell rule, in one place."""

from __future__ import annotations

import pytest

from portal import disclosure
from portal.disclosure import (
    Figures,
    SmallCellError,
    Subject,
    assert_no_small_cells,
    merge_adjacent,
    protect_partition,
)


def test_a_small_count_of_people_reads_below_ten_and_zero_stays_zero():
    assert [disclosure.count(n, 10) for n in (0, 1, 9, 10, None)] == [0, "< 10", "< 10", 10, None]


def test_the_threshold_comes_from_the_setting_when_not_given(settings):
    settings.SMALL_CELL_THRESHOLD = 5
    assert disclosure.count(4) == "< 5"
    assert disclosure.marker() == "< 5"


def test_counts_of_authors_or_publications_are_not_suppressed():
    assert disclosure.count(3, 10, subject=Subject.AUTHORS) == 3
    assert disclosure.count(3, 10, subject=Subject.PUBLICATIONS) == 3
    assert disclosure.count(3, 10, subject=Subject.HEALTH_RECORDS) == "< 10"
    assert not disclosure.is_about_people(Subject.AUTHORS)


def test_rows_and_missing_do_not_give_the_small_rest_back():
    f = Figures(10)
    f.add("rows", 200, weight=5)
    f.add("missing", 196)
    f.add("present", 4)
    f.relation("rows", ["missing", "present"])

    assert f.published() == {"rows": 200, "missing": "n.d.", "present": "< 10"}
    assert f.share("present", "rows") == "< 5.0 %"  # as coarse as the marker
    assert f.disclosures() == []


def test_a_subset_beside_its_whole_hides_one_of_them():
    f = Figures(10)
    f.add("person", 200, weight=5)
    f.add("observation_period", 199)
    f.contains("person", "observation_period")

    assert f.published() == {"person": 200, "observation_period": "n.d."}


def test_two_small_cells_whose_sum_is_small_take_a_third_with_them():
    assert protect_partition([2, 3, 195], 10) == ["< 10", "< 10", "n.d."]
    assert protect_partition([95, 102, 3], 10) == ["n.d.", 102, "< 10"]
    assert protect_partition([95, 102, 0], 10) == [95, 102, 0]


def test_a_hidden_cell_is_protected_across_relations():
    """The unknown sex is rows − men − women; men come back from their age bands."""
    f = Figures(10)
    f.add("rows", 200, weight=5)
    f.partition("rows", {"M": 120, "F": 77, "?": 3})
    f.partition("M", {"M<50": 70, "M50+": 50})
    f.partition("F", {"F<50": 40, "F50+": 37})

    published = f.published()
    assert published["?"] == "< 10"
    assert f.disclosures() == []
    hidden = [k for k, v in published.items() if v == "n.d."]
    assert len(hidden) >= 2  # a split cell and one of its bands


def test_a_share_of_a_secondary_cell_is_not_published():
    f = Figures(10)
    f.add("rows", 200, weight=5)
    f.partition("rows", {"a": 150, "b": 47, "c": 3})

    hidden = next(k for k, v in f.published().items() if v == "n.d.")
    assert f.share(hidden, "rows") is None
    assert f.share("rows", "rows") == 100.0


def test_relations_must_add_up():
    f = Figures(10)
    f.add("t", 10)
    f.add("a", 3)
    with pytest.raises(ValueError):
        f.relation("t", ["a"])
    with pytest.raises(ValueError):
        f.add("a", 4)


def test_adjacent_bins_merge_until_none_is_small():
    groups = merge_adjacent([12, 3, 4, 5, 0, 20, 2], lambda g: [sum(g)], 10)
    assert [sum(g) for g in groups] == [12, 12, 0, 22]


def test_the_checker_catches_small_counts_and_raw_fields():
    assert_no_small_cells({"a": [{"count": 0}, {"x_count": 10}, {"count": "n.d."}]}, 10)
    for leak in ({"count": 3}, {"b": [{"n_count": 9}]}, {"count": True}):
        with pytest.raises(SmallCellError):
            assert_no_small_cells(leak, 10)
    with pytest.raises(SmallCellError):
        assert_no_small_cells({"missing": 0}, 10, forbidden_keys=frozenset({"missing"}))
