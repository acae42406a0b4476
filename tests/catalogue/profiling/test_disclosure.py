"""Issue 20, defect 1: small counts recovered by subtraction from a published profile.

The repro is a 200-row IR_BEN_R: 4 deceased (the death date is missing for 196), 3 rows
without a sex (197 checked), 185 men and 12 women. Each test names one subtraction that
the published figures used to allow; the adversary (``tests/adversary.py``) then tries
every subtraction and every combination of the relations at once."""

from __future__ import annotations

import datetime as dt

import pytest

from catalogue.profiling import ColumnSpec, profile_file
from catalogue.profiling.suppression import assert_no_small_cells, publishable
from tests.adversary import attack_profile

SPECS = [
    ColumnSpec("BEN_SEX_COD", "integer", nomenclature={"1", "2", "9"}),
    ColumnSpec("BEN_NAI_ANN", "year"),
    ColumnSpec("BEN_DCD_DTE", "date"),
]


def ir_ben_r_200() -> str:
    lines = ["BEN_SEX_COD;BEN_NAI_ANN;BEN_DCD_DTE"]
    for i in range(200):
        sex = "" if i < 3 else ("2" if i < 15 else "1")  # 3 unknown, 12 women, 185 men
        death = f"2021-0{1 + i % 4}-1{i % 9}" if i % 50 == 7 else ""  # 4 deceased
        lines.append(f"{sex};{1935 + (i * 7) % 70};{death}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def raw(write_csv):
    path = write_csv(ir_ben_r_200(), name="IR_BEN_R.csv")
    return profile_file(path, SPECS, reference_year=2024, today=dt.date(2024, 1, 1))


@pytest.fixture
def published(raw):
    return publishable(raw, 10)


def var(data, name):
    return next(v for v in data["variables"] if v["name"] == name)


def exact(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def test_the_repro_has_the_small_counts_of_the_issue(raw):
    assert raw.rows == 200
    assert raw.variable("BEN_DCD_DTE").missing == 196
    assert raw.variable("BEN_SEX_COD").conformance.checked == 197
    assert {v.value: v.count for v in raw.variable("BEN_SEX_COD").top_values} == {
        "1": 185,
        "2": 12,
    }


def test_rows_and_missing_death_dates_do_not_give_the_deceased(published):
    death = var(published, "BEN_DCD_DTE")
    rows, missing = published["rows_count"], death["missing_count"]

    assert death["conformance"]["checked_count"] == "< 10"
    assert not (exact(rows) and exact(missing)), (rows, missing)  # 200 − 196 = 4
    assert not exact(death["completeness_pct"])  # 2.0 % of 200 is 4 too


def test_the_checked_count_does_not_give_the_rows_without_a_sex(published):
    sex = var(published, "BEN_SEX_COD")
    rows, checked = published["rows_count"], sex["conformance"]["checked_count"]

    assert sex["missing_count"] == "< 10"
    assert not (exact(rows) and exact(checked)), (rows, checked)  # 200 − 197 = 3


def test_top_values_do_not_undo_the_secondary_suppression_of_the_sex_split(published):
    """The split hides one more cell ("n.d.") beside its "< 10"; the sex column's top
    values and "other" must not show it again, even to an attacker who knows that no
    one is coded 9 (then "other" holds only the women)."""
    split = {c["value"]: c["count"] for c in published["sex_split"]}

    assert split["other"] == "< 10"
    assert "n.d." in split.values()
    assert attack_profile(published, facts={"sex.x": 0}) == []


def test_the_adversary_derives_nothing_from_the_published_profile(published):
    assert attack_profile(published) == []
    assert_no_small_cells(published, 10)


def test_the_adversary_derives_nothing_when_variables_are_served_apart(published):
    variables = published["variables"]
    result = {k: v for k, v in published.items() if k != "variables"}

    for v in variables:  # the variable API serves one variable with the run's totals
        assert attack_profile(result, [v]) == []


def test_the_adversary_finds_the_subtractions_of_the_issue():
    """The attacker is not blind: on the figures the portal used to publish, it finds
    the 4 deceased, the 3 rows without a sex, and the split undone by the top values."""
    old = {
        "rows_count": 200,
        "variables": [
            {
                "name": "BEN_DCD_DTE",
                "missing_count": 196,
                "completeness_pct": "< 5.0 %",
                "conformance": {"checked_count": "< 10", "failed_count": 0, "pct": 100.0},
                "plausibility": {"checked_count": 0, "failed_count": 0, "rules": []},
            },
            {
                "name": "BEN_SEX_COD",
                "kind": "sex",
                "missing_count": "< 10",
                "completeness_pct": "> 95.0 %",
                "conformance": {"checked_count": 197, "failed_count": 0, "pct": 100.0},
                "plausibility": {"checked_count": 0, "failed_count": 0, "rules": []},
                "top_values": [{"value": "1", "count": 185}],
                "other_count": 12,
            },
        ],
        "sex_split": [
            {"value": "1", "count": 185},
            {"value": "2", "count": "n.d."},
            {"value": "other", "count": "< 10"},
        ],
    }

    found = " ; ".join(attack_profile(old))
    assert "rows − (BEN_DCD_DTE.missing) = 4" in found
    assert "rows − (BEN_SEX_COD.checked) = 3" in found

    old["variables"][1]["missing_count"] = old["variables"][1]["conformance"]["checked_count"] = (
        "n.d."
    )
    found = " ; ".join(attack_profile(old, facts={"sex.x": 0}))
    assert "sex.other = 3" in found  # 200 − 185 − other_count 12


def test_the_scores_do_not_give_a_bounded_share_back(write_csv):
    """One variable, 3 values missing of 200: the completeness is published as a bound;
    a score computed from the exact counts (98.5) would give the 3 back."""
    lines = ["BEN_SEX_COD", *("" if i < 3 else str(1 + i % 2) for i in range(200))]
    path = write_csv("\n".join(lines) + "\n")
    raw = profile_file(path, SPECS[:1])

    data = publishable(raw, 10)

    assert raw.scores.completeness == 98.5
    assert data["variables"][0]["completeness_pct"] == "> 95.0 %"
    assert data["scores"]["completeness"] == 95.0  # no more than the bound says
