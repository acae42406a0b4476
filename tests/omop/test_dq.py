import datetime as dt

import duckdb
import pandas as pd

from omop.etl.dq import duckdb_query, run_checks
from omop.etl.frames import conform
from omop.etl.spec import fields, sql_type

RELEASE = dt.date(2025, 12, 2)


def _typed(frames: dict, types: dict | None = None, dropped: tuple = (), concept=None):
    """A ``query(sql)`` over the frames stored as the CDM types them (dates as DATE), as
    the publish step reads the Parquet tables; ``types`` overrides a column's type,
    ``dropped`` leaves (table, column) out and ``concept`` is the vocabulary's table."""
    con = duckdb.connect()
    if concept is not None:
        con.register("concept", concept)
    for name, frame in frames.items():
        con.register(f"raw_{name}", frame)
        cols = ", ".join(
            f"CAST({f.name} AS {(types or {}).get((name, f.name), sql_type(f, 'postgresql'))}) "
            f"AS {f.name}"
            for f in fields(name)
            if (name, f.name) not in dropped
        )
        con.execute(f"CREATE TABLE {name} AS SELECT {cols} FROM raw_{name}")  # noqa: S608
    return lambda sql: con.execute(sql).fetchall()


def _failed(results):
    return {
        (r["check"], r["table"], r["field"]): r["failed_rows"] for r in results if not r["passed"]
    }


def _frames():
    person = conform(
        pd.DataFrame(
            {"person_id": [1, 2, 2], "gender_concept_id": [8507, 4, 0],
             "year_of_birth": [1960, 1700, None], "month_of_birth": [13, 1, 2],
             "race_concept_id": [0, 0, 0], "ethnicity_concept_id": [0, 0, 0]}
        ),
        "person",
    )  # fmt: skip
    visit = conform(
        pd.DataFrame(
            {"visit_occurrence_id": [10, 11], "person_id": [1, 3], "visit_concept_id": [9202, 9202],
             "visit_start_date": ["2013-03-04", "2013-05-01"],
             "visit_end_date": ["2013-03-01", "2013-05-01"], "visit_type_concept_id": [32810, 32810]}
        ),
        "visit_occurrence",
    )  # fmt: skip
    period = conform(
        pd.DataFrame(
            {"observation_period_id": [5], "person_id": [1],
             "observation_period_start_date": ["2013-03-04"],
             "observation_period_end_date": ["2013-03-04"], "period_type_concept_id": [44814724]}
        ),
        "observation_period",
    )  # fmt: skip
    return {"person": person, "visit_occurrence": visit, "observation_period": period}


def test_each_dqd_check_finds_the_rows_that_break_it():
    frames = _frames()
    assert _failed(run_checks(set(frames), _typed(frames), RELEASE)) == {
        ("isRequired", "person", "year_of_birth"): 1,
        ("isPrimaryKey", "person", "person_id"): 1,
        ("plausibleValueLow", "person", "year_of_birth"): 1,
        ("plausibleValueHigh", "person", "month_of_birth"): 1,
        ("fkDomain", "person", "gender_concept_id"): 1,
        ("isForeignKey", "visit_occurrence", "person_id"): 1,
        ("plausibleStartBeforeEnd", "visit_occurrence", "visit_start_date"): 1,
        ("withinObservationPeriod", "visit_occurrence", "visit_start_date"): 1,
    }


def test_the_checks_run_on_frames_with_dates_as_text():
    frames = _frames()
    failed = _failed(run_checks(set(frames), duckdb_query(frames), RELEASE))
    assert failed[("cdmDatatype", "visit_occurrence", "visit_start_date")] == 1
    assert failed[("plausibleStartBeforeEnd", "visit_occurrence", "visit_start_date")] == 1


def _table(table: str, **columns) -> pd.DataFrame:
    return conform(pd.DataFrame(columns), table)


def _cdm():
    """Alice (1960-05, died 2014-01-01) and Bob (2010-06, his death is dated before his
    birth), each event breaking one check."""
    claim, n = 32810, 4
    return {
        "person": _table(
            "person",
            person_id=[1, 2, 3, 4],
            gender_concept_id=[8532, 8507, 0, 0],
            year_of_birth=[1960, 2010, 1849, 2030],
            month_of_birth=[5, 6, 0, 13],
            race_concept_id=[0] * n,
            ethnicity_concept_id=[0] * n,
        ),
        "death": _table(
            "death",
            person_id=[1, 2],
            death_date=["2014-01-01", "2010-01-01"],
            death_type_concept_id=[claim, claim],
        ),
        "observation_period": _table(
            "observation_period",
            observation_period_id=[1, 2, 3],
            person_id=[1, 1, 2],
            observation_period_start_date=["2013-01-01", "2014-06-01", "2010-01-01"],
            observation_period_end_date=["2014-12-31", "2015-01-01", "2010-12-31"],
            period_type_concept_id=[44814724] * 3,
        ),
        "visit_occurrence": _table(
            "visit_occurrence",
            visit_occurrence_id=[10, 11, 12],
            person_id=[1, 1, 2],
            visit_concept_id=[9202, 12345, 9201],
            visit_start_date=["2013-03-04", "2014-06-01", "2010-03-01"],
            visit_end_date=["2013-03-04", "2014-06-01", "2010-03-02"],
            visit_type_concept_id=[claim, 32817, claim],
            visit_source_value=["a", "b", "c"],
        ),
        "drug_exposure": _table(
            "drug_exposure",
            drug_exposure_id=[20, 21, 22],
            person_id=[1, 1, 1],
            drug_concept_id=[0, 0, 0],
            drug_exposure_start_date=["2013-03-04", "2013-03-20", "2013-03-04"],
            drug_exposure_end_date=["2013-04-02", "2013-04-18", "2013-04-02"],
            drug_type_concept_id=[claim] * 3,
            quantity=[0, 2000, 1],
            days_supply=[400, 0, None],
            visit_occurrence_id=[10, 10, None],
        ),
        "condition_occurrence": _table(
            "condition_occurrence",
            condition_occurrence_id=[30, 31, 32],
            person_id=[1, 1, 1],
            condition_concept_id=[0, 0, 0],
            condition_start_date=["2013-03-04"] * 3,
            condition_type_concept_id=[claim] * 3,
            condition_status_concept_id=[32902, 4, None],
            visit_occurrence_id=[10, 10, 10],
        ),
        "cost": _table(
            "cost",
            cost_id=[40, 41],
            cost_event_id=[10, 10],
            cost_domain_id=["Visit"] * 2,
            cost_type_concept_id=[claim] * 2,
            currency_concept_id=[44818568, 8],
            total_charge=[-1.0, 3.0],
        ),
        "drug_era": _table(
            "drug_era",
            drug_era_id=[50],
            person_id=[1],
            drug_concept_id=[0],
            drug_era_start_date=["2013-05-01"],
            drug_era_end_date=["2013-04-01"],
        ),
    }


def test_each_new_dqd_check_finds_exactly_the_rows_that_break_it():
    frames = _cdm()
    query = _typed(frames, types={("drug_exposure", "refills"): "VARCHAR"},
                   dropped=(("visit_occurrence", "visit_source_value"),))  # fmt: skip
    results = run_checks(set(frames), query, RELEASE)
    assert _failed(results) == {
        ("cdmField", "visit_occurrence", "visit_source_value"): 1,
        ("cdmDatatype", "drug_exposure", "refills"): 1,
        ("plausibleValueLow", "person", "year_of_birth"): 1,
        ("plausibleValueHigh", "person", "year_of_birth"): 1,
        ("plausibleValueLow", "person", "month_of_birth"): 1,
        ("plausibleValueHigh", "person", "month_of_birth"): 1,
        ("plausibleValueLow", "drug_exposure", "quantity"): 1,
        ("plausibleValueHigh", "drug_exposure", "quantity"): 1,
        ("plausibleValueLow", "drug_exposure", "days_supply"): 1,
        ("plausibleValueHigh", "drug_exposure", "days_supply"): 1,
        ("plausibleValueLow", "cost", "total_charge"): 1,
        ("fkDomain", "visit_occurrence", "visit_concept_id"): 1,
        ("fkDomain", "visit_occurrence", "visit_type_concept_id"): 1,
        ("fkDomain", "condition_occurrence", "condition_status_concept_id"): 1,
        ("fkDomain", "cost", "currency_concept_id"): 1,
        ("measureValueCompleteness", "drug_exposure", "days_supply"): 1,
        ("measureValueCompleteness", "drug_exposure", "visit_occurrence_id"): 1,
        ("measureValueCompleteness", "condition_occurrence", "condition_status_concept_id"): 1,
        ("plausibleAfterBirth", "visit_occurrence", "visit_start_date"): 1,
        ("plausibleDuringLife", "visit_occurrence", "visit_start_date"): 1,
        ("plausibleTemporalAfter", "death", "death_date"): 1,
        ("plausibleTemporalAfter", "observation_period", "observation_period_start_date"): 1,
        ("withinVisitDates", "drug_exposure", "drug_exposure_start_date"): 1,
        ("measureObservationPeriodOverlap", "observation_period", ""): 1,
        ("plausibleStartBeforeEnd", "drug_era", "drug_era_start_date"): 1,
    }
    overlap = next(r for r in results if r["check"] == "measureObservationPeriodOverlap")
    assert (overlap["failed_rows"], overlap["rows"], overlap["threshold"]) == (1, 2, 0)


def _measurements(rows: int) -> dict:
    """``rows`` measurements of one visit, the last one a month after it."""
    dates = ["2013-03-04"] * (rows - 1) + ["2013-04-04"]
    return {
        "visit_occurrence": _table(
            "visit_occurrence",
            visit_occurrence_id=[10],
            person_id=[1],
            visit_concept_id=[9202],
            visit_start_date=["2013-03-04"],
            visit_end_date=["2013-03-04"],
            visit_type_concept_id=[32810],
        ),
        "measurement": _table(
            "measurement",
            measurement_id=list(range(rows)),
            person_id=[1] * rows,
            measurement_concept_id=[0] * rows,
            measurement_date=dates,
            measurement_type_concept_id=[32810] * rows,
            visit_occurrence_id=[10] * rows,
        ),
    }


def test_a_check_with_a_threshold_passes_up_to_its_share_of_failing_rows():
    def within_visit(rows):
        frames = _measurements(rows)
        results = run_checks(set(frames), _typed(frames), RELEASE)
        return next(r for r in results if r["check"] == "withinVisitDates")

    under = within_visit(20)  # 1 of 20: 5 %, the DQD threshold
    assert (under["failed_rows"], under["rows"], under["threshold"], under["passed"]) == (
        1, 20, 5, True,
    )  # fmt: skip
    over = within_visit(19)
    assert (over["failed_rows"], over["rows"], over["passed"]) == (1, 19, False)


def test_with_a_vocabulary_the_concepts_are_checked_against_it():
    concept = pd.DataFrame(
        {"concept_id": [1, 2, 3, 4], "domain_id": ["Condition", "Condition", "Drug", "Drug"],
         "standard_concept": ["S", None, "S", "S"], "invalid_reason": [None, None, "D", None]}
    )  # fmt: skip
    conditions = _table(
        "condition_occurrence",
        condition_occurrence_id=[30, 31, 32, 33],
        person_id=[1, 1, 1, 2],
        condition_concept_id=[1, 2, 4, 0],
        condition_start_date=["2013-03-04"] * 4,
        condition_type_concept_id=[32810] * 4,
        condition_status_concept_id=[32902] * 4,
        condition_source_value=["A", "B", "C", "D"],
        condition_source_concept_id=[1, 2, 4, 0],
    )
    era = _table(
        "condition_era",
        condition_era_id=[60],
        person_id=[1],
        condition_concept_id=[1],
        condition_era_start_date=["2013-03-04"],
        condition_era_end_date=["2013-03-04"],
    )
    frames = {"condition_occurrence": conditions, "condition_era": era}
    without = run_checks(set(frames), _typed(frames), RELEASE)
    assert _failed(without) == {}
    results = run_checks(set(frames), _typed(frames, concept=concept), RELEASE, vocabulary=True)
    assert _failed(results) == {
        ("isStandardValidConcept", "condition_occurrence", "condition_concept_id"): 1,
        ("fkDomain", "condition_occurrence", "condition_concept_id"): 1,
        ("standardConceptRecordCompleteness", "condition_occurrence", "condition_concept_id"): 1,
        ("sourceConceptRecordCompleteness", "condition_occurrence",
         "condition_source_concept_id"): 1,
        ("sourceValueCompleteness", "condition_occurrence", "condition_source_value"): 1,
        ("measureConditionEraCompleteness", "condition_era", ""): 1,
    }  # fmt: skip
    assert {r["check"] for r in results} - {r["check"] for r in without} == {
        "isStandardValidConcept", "standardConceptRecordCompleteness",
        "sourceConceptRecordCompleteness", "sourceValueCompleteness",
        "measureConditionEraCompleteness",
    }  # fmt: skip
