"""Small-cell rule: nothing below the threshold survives in publishable data."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from catalogue.profiling import ColumnSpec, profile_file
from catalogue.profiling.suppression import (
    SmallCellError,
    assert_no_small_cells,
    publishable,
    share_value,
)

SPECS = [
    ColumnSpec("BEN_SEX_COD", "integer", nomenclature={"1", "2", "9"}),
    ColumnSpec("BEN_NAI_ANN", "year"),
    ColumnSpec("BEN_DCD_DTE", "date"),
    ColumnSpec("PSE_SPE_COD", "string"),
    ColumnSpec("PRS_PAI_MNT", "number"),
]


@pytest.fixture
def profile(write_csv):
    lines = []
    for i in range(400):
        sex = "9" if i < 3 else str(1 + i % 2)  # 3 rows of sex 9: a small cell
        year = 1930 + i % 60 if i != 7 else 1901  # one very old person
        death = "" if i % 40 else f"2021-{1 + i % 12:02d}-{1 + i % 27:02d}"
        spe = "RARE" if i < 2 else ("01" if i % 3 else "22")
        amount = "" if i < 4 else str((i * 37) % 500 / 10)
        lines.append(f"{sex};{year};{death};{spe};{amount}")
    path = write_csv(
        "BEN_SEX_COD;BEN_NAI_ANN;BEN_DCD_DTE;PSE_SPE_COD;PRS_PAI_MNT\n" + "\n".join(lines) + "\n"
    )
    return profile_file(path, SPECS, reference_year=2024, today=dt.date(2024, 1, 1))


def test_no_count_below_the_threshold_survives_anywhere(profile):
    data = publishable(profile, 10)
    assert_no_small_cells(data, 10)
    json.dumps(data)  # JSON-safe
    with pytest.raises(SmallCellError):
        assert_no_small_cells(profile.to_dict(), 10)  # the raw profile is not publishable


def var(data, name):
    return next(v for v in data["variables"] if v["name"] == name)


def test_a_small_count_is_shown_as_the_marker(profile):
    amount = var(publishable(profile, 10), "PRS_PAI_MNT")
    assert profile.variable("PRS_PAI_MNT").missing == 4
    assert amount["missing_count"] == "< 10"
    assert amount["completeness_pct"] == "> 97.5 %"  # a bound, not 99.0
    assert share_value(amount["completeness_pct"]) == 97.5


def test_rare_values_are_grouped_into_other(profile):
    data = publishable(profile, 10)
    spe = var(data, "PSE_SPE_COD")
    assert "RARE" not in {t["value"] for t in spe["top_values"]}
    # "other" would hold only the 2 RARE rows: a top value joins it so it is not small.
    assert isinstance(spe["other_count"], int) and spe["other_count"] >= 10
    sex = var(data, "BEN_SEX_COD")
    assert "9" not in {t["value"] for t in sex["top_values"]}


def test_histogram_bins_below_the_threshold_are_merged(profile):
    hist = var(publishable(profile, 10), "BEN_NAI_ANN")["histogram"]
    counts = [b["count"] for b in hist]
    assert all(c == 0 or c >= 10 for c in counts)
    assert sum(counts) == 400


def test_quasi_identifier_extremes_are_coarsened(profile):
    data = publishable(profile, 10)
    assert profile.variable("BEN_NAI_ANN").stats.min == 1901
    assert var(data, "BEN_NAI_ANN")["stats"]["min"] == "1900–1904"
    death = var(data, "BEN_DCD_DTE")["stats"]
    assert death["min"] == "2021" and death["max"] == "2021"
    assert var(data, "PRS_PAI_MNT")["stats"]["max"] == profile.variable("PRS_PAI_MNT").stats.max


def test_the_sex_split_hides_a_lone_small_cell_and_one_more(profile):
    split = {s["value"]: s["count"] for s in publishable(profile, 10)["sex_split"]}
    assert split["other"] == "< 10"
    assert "n.d." in split.values()  # otherwise rows − men − women gives it back


def test_pyramid_bands_are_merged_until_no_cell_is_small(profile):
    bands = publishable(profile, 10)["pyramid"]["bands"]
    for band in bands:
        for key in ("male_count", "female_count"):
            # "n.d.": the 3 rows of unknown sex would be rows − Σ bands otherwise
            assert band[key] in (0, "n.d.") or band[key] >= 10


def test_a_table_with_fewer_rows_than_the_threshold_publishes_no_detail(write_csv):
    path = write_csv("BEN_NAI_ANN\n1950\n1960\n")
    data = publishable(profile_file(path, [ColumnSpec("BEN_NAI_ANN", "year")]), 10)
    assert data["rows_count"] == "< 10" and data["suppressed"]
    assert data["variables"][0]["stats"] is None
    assert data["variables"][0]["top_values"] == []
    assert_no_small_cells(data, 10)


def test_the_threshold_is_a_setting(profile):
    data = publishable(profile, 5)
    assert var(data, "PRS_PAI_MNT")["missing_count"] == "< 5"
    assert_no_small_cells(data, 5)


def test_the_checker_catches_small_counts_and_raw_fields():
    assert_no_small_cells({"a": [{"count": 0}, {"x_count": 10}, {"count": "< 10"}]}, 10)
    for leak in ({"count": 3}, {"b": [{"n_count": 9}]}, {"missing": 0}, {"count": True}):
        with pytest.raises(SmallCellError):
            assert_no_small_cells(leak, 10)
