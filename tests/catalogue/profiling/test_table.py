"""Table-level checks: duplicate keys, orphans, Kahn scores and grades, pyramid."""

from __future__ import annotations

import datetime as dt

import pytest

from catalogue.profiling import (
    ColumnSpec,
    ForeignKeyCheck,
    database_scores,
    grade_for,
    orphan_rows,
    profile_file,
)
from catalogue.profiling.results import KahnScores

KEY = [ColumnSpec("DCT_ORD_NUM", "integer"), ColumnSpec("PRS_ORD_NUM", "integer")]


def test_it_counts_duplicate_and_incomplete_composite_keys(write_csv):
    path = write_csv("DCT_ORD_NUM;PRS_ORD_NUM\n1;1\n1;2\n1;2\n1;2\n2;1\n2;1\n3;\n")
    key = profile_file(path, KEY, primary_key=["DCT_ORD_NUM", "PRS_ORD_NUM"]).primary_key
    assert key.duplicates == 3  # (1,2) twice more, (2,1) once more
    assert key.duplicated_keys == 2
    assert key.null_keys == 1


def test_a_one_column_key_is_checked_too(write_csv):
    path = write_csv("DCT_ORD_NUM;PRS_ORD_NUM\n1;1\n1;2\n2;1\n")
    key = profile_file(path, KEY, primary_key=["DCT_ORD_NUM"]).primary_key
    assert (key.duplicates, key.duplicated_keys) == (1, 1)


def test_it_counts_orphan_rows_against_the_referenced_file(write_csv, tmp_path):
    ref = write_csv("BEN_NIR_PSA;BEN_RNG_GEM\nA;1\nB;1\n", name="IR_BEN_R.csv")
    path = write_csv("BEN_NIR_PSA,BEN_RNG_GEM\nA,1\nA,1\nB,2\nC,1\n,1\n", name="ER_PRS_F.csv")
    result = orphan_rows(
        path,
        ["BEN_NIR_PSA", "BEN_RNG_GEM"],
        ref,
        ["BEN_NIR_PSA", "BEN_RNG_GEM"],
        referenced_table="IR_BEN_R",
    )
    assert (result.checked, result.orphans) == (4, 2)  # (B,2) and (C,1); null key skipped
    assert result.pct_ok == 50.0

    specs = [ColumnSpec("BEN_NIR_PSA"), ColumnSpec("BEN_RNG_GEM", "integer")]
    fk = ForeignKeyCheck(("BEN_NIR_PSA",), str(ref), ("BEN_NIR_PSA",), "IR_BEN_R")
    profile = profile_file(path, specs, foreign_keys=[fk])
    assert profile.foreign_keys[0].orphans == 1
    assert profile.scores.conformance < 100


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, "A"),
        (95, "A"),
        (94.9, "B"),
        (85, "B"),
        (70, "C"),
        (50, "D"),
        (49.9, "E"),
        (None, None),
    ],
)
def test_grades_follow_documented_thresholds(score, grade):
    assert grade_for(score) == grade


def test_table_scores_average_kahn_dimensions(write_csv):
    # completeness: V 50 %, W 100 % → 75; conformance: V 100 %, W 50 % → 75;
    # plausibility: W's only typed value (an amount) is negative → 0.
    path = write_csv("V;W_MNT\n1;-1\n;x\n")
    scores = profile_file(path, [ColumnSpec("V", "integer"), ColumnSpec("W_MNT", "number")]).scores
    assert (scores.completeness, scores.conformance, scores.plausibility) == (75, 75, 0)
    assert scores.overall == 50 and scores.grade == "D"


def test_database_scores_are_the_mean_of_its_tables():
    a = KahnScores(conformance=100, completeness=90, plausibility=None, overall=95, grade="A")
    b = {"conformance": 80, "completeness": 70, "plausibility": 60}
    db = database_scores([a, b])
    assert (db.conformance, db.completeness, db.plausibility) == (90, 80, 60)
    assert db.overall == pytest.approx(76.67) and db.grade == "C"


def test_it_builds_the_age_pyramid_and_sex_split(write_csv):
    lines = ["1;1990"] * 3 + ["2;1990"] * 2 + ["2;1920"] + ["9;1950"] + ["1;"]
    path = write_csv("BEN_SEX_COD;BEN_NAI_ANN\n" + "\n".join(lines) + "\n")
    specs = [ColumnSpec("BEN_SEX_COD", "integer"), ColumnSpec("BEN_NAI_ANN", "year")]
    profile = profile_file(path, specs, reference_year=2024, today=dt.date(2024, 1, 1))
    pyramid = profile.pyramid
    bands = {b.label: (b.male, b.female) for b in pyramid.bands}
    assert bands["30-34"] == (3, 2)  # born 1990 → 34 in 2024
    assert bands["95+"] == (0, 1)  # born 1920 → 104
    assert pyramid.unknown == 2  # sex 9, and a missing birth year
    split = {s.value: s.count for s in profile.sex_split}
    assert split == {"1": 4, "2": 3, "other": 1}
