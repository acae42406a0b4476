"""Conformance (type, length, format, nomenclature) and plausibility (built-in by kind,
schema constraints, curator rules)."""

from __future__ import annotations

import datetime as dt

from catalogue.profiling import ColumnSpec, CuratorRules, Kind, profile_file
from catalogue.profiling.specs import column_spec_from_frictionless

TODAY = dt.date(2024, 6, 30)


def profile_one(write_csv, spec, values, **kwargs):
    path = write_csv(spec.name + "\n" + "\n".join(values) + "\n")
    return profile_file(path, [spec], today=TODAY, **kwargs).variable(spec.name)


def test_conformance_checks_type_length_and_nomenclature(write_csv):
    spec = ColumnSpec("PSE_SPE_COD", "integer", length="2", nomenclature={"1", "22", "99"})
    # "01" is code 1; "x" is no integer; "123" too long (and not a code); "5" not a code
    var = profile_one(write_csv, spec, ["01", "22", "22", "x", "123", "5", ""])
    c = var.conformance
    assert (c.checked, c.failed) == (6, 3)
    assert (c.type_failed, c.length_failed, c.value_set_failed) == (1, 1, 3)
    assert c.pct == 50.0
    assert set(c.examples) == {"x", "123", "5"}


def test_conformance_checks_pattern_and_declared_date_format(write_csv):
    spec = ColumnSpec("D", "date", format="%d%m%Y")
    var = profile_one(write_csv, spec, ["31012020", "2020-01-31"])
    assert var.conformance.type_failed == 1
    spec = ColumnSpec("FINESS", "string", pattern="[0-9]{2}[0-9AB][0-9]{6}")
    var = profile_one(write_csv, spec, ["750712184", "2A0000001", "75071218"])
    assert var.conformance.format_failed == 2


def test_frictionless_fields_become_specs():
    spec = column_spec_from_frictionless(
        {
            "name": "BEN_SEX_COD",
            "type": "integer",
            "nomenclature": "IR_SEX_V",
            "length": "1",
            "format": "default",
            "constraints": {"minimum": 0},
        },
        nomenclature=["1", "2"],
    )
    assert spec.kind == Kind.SEX
    assert spec.nomenclature == frozenset({"1", "2"})
    assert spec.minimum == 0 and spec.format is None and spec.max_length == 1


def rule_failures(var) -> dict[str, int]:
    return {r.rule: r.failed for r in var.plausibility.rules}


def test_dates_must_not_be_in_the_future_nor_before_1900(write_csv):
    var = profile_one(
        write_csv,
        ColumnSpec("EXE_SOI_DTD", "date"),
        ["2024-06-30", "2024-07-01", "1899-12-31", "2000-01-01"],
    )
    assert rule_failures(var) == {"date_not_future": 1, "date_after_1900": 1}
    assert var.plausibility.pct == 50.0


def test_birth_year_age_sex_and_amount_have_builtin_rules(write_csv):
    birth = profile_one(write_csv, ColumnSpec("BEN_NAI_ANN", "year"), ["1950", "1850", "2030"])
    assert rule_failures(birth) == {"birth_year_range": 2}
    age = profile_one(write_csv, ColumnSpec("AGE", "integer"), ["0", "120", "121", "-1"])
    assert age.plausibility.failed == 2
    sex = profile_one(
        write_csv,
        ColumnSpec("BEN_SEX_COD", "integer", nomenclature={"1", "2", "9"}),
        ["1", "2", "3"],
    )
    assert rule_failures(sex) == {"sex_code": 1}
    amount = profile_one(write_csv, ColumnSpec("PRS_PAI_MNT", "number"), ["10", "-0.01", "0"])
    assert rule_failures(amount) == {"amount_not_negative": 1}


def test_schema_constraints_are_plausibility_rules(write_csv):
    spec = ColumnSpec("RGO_REM_TAU", "number", minimum=0, maximum=100)
    var = profile_one(write_csv, spec, ["0", "100", "101"])
    assert rule_failures(var) == {"declared_min": 0, "declared_max": 1}


def test_curator_rules_min_max_pattern_and_allowed_set(write_csv):
    rules = CuratorRules(minimum=1, maximum=5)
    var = profile_one(
        write_csv, ColumnSpec("PRS_ACT_QTE", "number", rules=rules), ["0", "1", "5", "6"]
    )
    assert rule_failures(var) == {"curator_min": 1, "curator_max": 1}
    assert var.plausibility.pct == 50.0

    path = write_csv("CODE\nAB1\nAB2\nZZ9\n")
    var = profile_file(
        path,
        [ColumnSpec("CODE")],
        rules={"CODE": CuratorRules(pattern="AB[0-9]", allowed=frozenset({"AB1", "ZZ9"}))},
    ).variable("CODE")
    assert rule_failures(var) == {"curator_pattern": 1, "curator_allowed": 1}
    assert var.plausibility.failed == 2


def test_curator_date_bounds_are_iso_dates(write_csv):
    spec = ColumnSpec("D", "date", rules=CuratorRules(minimum="2020-01-01"))
    var = profile_one(write_csv, spec, ["2019-12-31", "2020-01-01"])
    assert rule_failures(var)["curator_min"] == 1


def test_a_variable_without_rules_has_no_plausibility_score(write_csv):
    var = profile_one(write_csv, ColumnSpec("LIB"), ["a"])
    assert var.plausibility.pct is None
