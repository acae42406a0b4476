"""Real extracts: column subsets, undeclared columns, completeness judged against what is
expected of each column, ages at the data's reference date, and bad input that says which."""

from __future__ import annotations

import datetime as dt

import pytest

from catalogue.profiling import ColumnSpec, Kind, ProfilingError, profile_file
from catalogue.profiling.suppression import publishable

SPECS = [
    ColumnSpec("BEN_NIR_PSA"),
    ColumnSpec("BEN_SEX_COD", "integer", nomenclature={"1", "2"}),
    ColumnSpec("BEN_NAI_ANN", "year"),
    ColumnSpec("BEN_DCD_DTE", "date"),
    ColumnSpec("PRS_PAI_MNT", "number"),
    ColumnSpec("ORG_CLE_NUM"),
]


def extract(
    write_csv, n=100, dead_every=20, header="BEN_NIR_PSA;BEN_SEX_COD;BEN_NAI_ANN;BEN_DCD_DTE"
):
    lines = [header]
    for i in range(n):
        death = "2014-03-01" if i % dead_every == 0 else ""
        lines.append(f"P{i:04d};{1 + i % 2};1950;{death}")
    return write_csv("\n".join(lines) + "\n")


def test_a_column_subset_is_profiled_and_the_absent_columns_are_named(write_csv):
    path = extract(write_csv)
    profile = profile_file(
        path, SPECS, allow_missing_columns=True, primary_key=["BEN_NIR_PSA", "ORG_CLE_NUM"]
    )
    assert [v.name for v in profile.columns] == [
        "BEN_NIR_PSA",
        "BEN_SEX_COD",
        "BEN_NAI_ANN",
        "BEN_DCD_DTE",
    ]
    assert profile.absent_columns == ["PRS_PAI_MNT", "ORG_CLE_NUM"]
    # the key names an absent column: not checked, and said so
    assert profile.primary_key is None
    assert profile.skipped_keys == ["BEN_NIR_PSA, ORG_CLE_NUM"]
    published = publishable(profile)
    assert published["absent_columns"] == ["PRS_PAI_MNT", "ORG_CLE_NUM"]
    assert {"code": "absent_columns", "columns": ["PRS_PAI_MNT", "ORG_CLE_NUM"]} in published[
        "explanation"
    ]


def test_undeclared_columns_are_profiled_as_text_flagged_and_left_out_of_the_grade(write_csv):
    header = "BEN_NIR_PSA;BEN_SEX_COD;BEN_NAI_ANN;BEN_DCD_DTE;COL_MAISON"
    lines = [header] + [f"P{i};1;1950;;{'' if i % 2 else 'x'}" for i in range(40)]
    path = write_csv("\n".join(lines) + "\n")
    profile = profile_file(path, SPECS, allow_missing_columns=True, allow_extra_columns=True)
    extra = profile.variable("COL_MAISON")
    assert extra.declared is False and extra.type == "string"
    assert extra.completeness_pct == 50.0
    assert profile.undeclared_columns == ["COL_MAISON"]
    # half empty, but not declared: the table's completeness ignores it
    assert profile.scores.completeness == 100.0
    published = publishable(profile)
    flagged = [v for v in published["variables"] if not v["declared"]]
    assert [v["name"] for v in flagged] == ["COL_MAISON"]


def test_a_death_date_mostly_empty_is_not_penalised(write_csv):
    path = extract(write_csv, n=200, dead_every=20)  # 5 % of people died
    profile = profile_file(path, SPECS, allow_missing_columns=True)
    death = profile.variable("BEN_DCD_DTE")
    assert death.completeness_pct == 5.0
    assert (death.expected_completeness, death.expected_basis) == (0.0, "death_date")
    assert death.completeness_score == 100.0
    assert profile.scores.completeness == 100.0
    assert profile.scores.grade == "A"
    explanation = publishable(profile)["explanation"]
    assert {
        "code": "empty_by_design",
        "variable": "BEN_DCD_DTE",
        "observed": 5.0,
        "basis": "death_date",
    } in explanation


def test_an_optional_column_may_be_empty_and_a_required_one_may_not(write_csv):
    specs = [
        ColumnSpec("person_id", "integer", required=True),
        ColumnSpec("ethnicity_source_value", required=False),
        ColumnSpec("year_of_birth", "integer", required=True),
    ]
    lines = ["person_id,ethnicity_source_value,year_of_birth"]
    lines += [f"{i},,{'' if i % 4 == 0 else 1960}" for i in range(100)]
    profile = profile_file(write_csv("\n".join(lines) + "\n"), specs)
    assert profile.variable("ethnicity_source_value").completeness_score == 100.0
    born = profile.variable("year_of_birth")
    assert (born.expected_basis, born.completeness_score) == ("required", 75.0)
    assert profile.scores.completeness == pytest.approx((100 + 100 + 75) / 3, abs=0.01)


def test_a_curator_rate_judges_completeness_and_the_grade_explains_it(write_csv):
    specs = [
        ColumnSpec("BEN_NIR_PSA"),
        ColumnSpec("BEN_CMU_TOP", expected_completeness=80.0),
    ]
    lines = ["BEN_NIR_PSA;BEN_CMU_TOP"] + [f"P{i};{'1' if i % 10 < 4 else ''}" for i in range(100)]
    profile = profile_file(write_csv("\n".join(lines) + "\n"), specs)
    cmu = profile.variable("BEN_CMU_TOP")
    assert (cmu.completeness_pct, cmu.expected_basis, cmu.completeness_score) == (
        40.0,
        "curator",
        50.0,
    )
    explanation = publishable(profile)["explanation"]
    below = [e for e in explanation if e["code"] == "below_expected"]
    assert below == [
        {
            "code": "below_expected",
            "variable": "BEN_CMU_TOP",
            "observed": 40.0,
            "expected": 80.0,
            "basis": "curator",
            "score": 50.0,
        }
    ]
    grade = explanation[0]
    assert grade["code"] == "grade" and grade["grade"] == profile.scores.grade
    assert grade["next_grade"] == "A" and grade["next_threshold"] == 95.0


def test_ages_are_computed_at_the_reference_date_of_the_data(write_csv):
    path = extract(write_csv, n=40)  # everyone born in 1950, sexes 1 and 2
    profile = profile_file(
        path,
        SPECS,
        allow_missing_columns=True,
        reference_date=dt.date(2015, 12, 31),
        today=dt.date(2026, 1, 1),
    )
    assert profile.reference_date == "2015-12-31" and profile.reference_basis == "given"
    band = next(b for b in profile.pyramid.bands if b.male or b.female)
    assert band.label == "65-69"  # 2015 - 1950, not 2026 - 1950
    unknown_date = profile_file(path, SPECS, allow_missing_columns=True, today=dt.date(2026, 1, 1))
    assert unknown_date.reference_basis == "today"
    assert next(b for b in unknown_date.pyramid.bands if b.male).label == "75-79"
    assert publishable(profile)["reference_date"] == "2015-12-31"


def test_the_birth_year_kind_is_read_from_the_name():
    assert ColumnSpec("BEN_NAI_ANN", "year").kind == Kind.BIRTH_YEAR


def error_of(path, specs=SPECS) -> ProfilingError:
    with pytest.raises(ProfilingError) as info:
        profile_file(path, specs, allow_missing_columns=True)
    return info.value


def test_an_unknown_separator_is_named_and_the_likely_one_suggested(write_csv):
    err = error_of(write_csv("BEN_NIR_PSA:BEN_SEX_COD:BEN_NAI_ANN\nA:1:1950\nB:2:1960\n"))
    assert err.code == "separator"
    assert err.params["detected"] == ":"


def test_a_utf16_file_is_named_as_such_and_utf8_suggested(write_csv):
    err = error_of(write_csv("BEN_NIR_PSA;BEN_SEX_COD\nA;1\n", encoding="utf-16"))
    assert err.code == "encoding"
    assert err.params["detected"] == "utf-16-le" and err.params["suggested"] == "utf-8"


def test_a_file_with_none_of_the_declared_columns_is_refused(write_csv):
    err = error_of(write_csv("FOO;BAR\n1;2\n"))
    assert err.code == "separator" and err.params["header"] == ["FOO", "BAR"]


def test_a_small_number_of_filled_values_cannot_be_derived_from_the_missing_count(write_csv):
    path = extract(write_csv, n=200, dead_every=50)  # 4 deaths among 200 people
    published = publishable(profile_file(path, SPECS, allow_missing_columns=True))
    death = next(v for v in published["variables"] if v["name"] == "BEN_DCD_DTE")
    assert published["rows_count"] == 200
    assert death["missing_count"] == "n.d."  # 200 − 196 would say 4
    assert death["completeness_pct"] == "< 5.0 %"
