import pandas as pd

from omop.etl.dq import duckdb_query, run_checks
from omop.etl.frames import conform


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
    results = run_checks(set(frames), duckdb_query(frames))
    failed = {
        (r["check"], r["table"], r["field"]): r["failed_rows"] for r in results if not r["passed"]
    }
    assert failed == {
        ("isRequired", "person", "year_of_birth"): 1,
        ("isPrimaryKey", "person", "person_id"): 1,
        ("plausibleValueLow/High", "person", "year_of_birth"): 1,
        ("plausibleValueLow/High", "person", "month_of_birth"): 1,
        ("fkDomain", "person", "gender_concept_id"): 1,
        ("isForeignKey", "visit_occurrence", "person_id"): 1,
        ("plausibleStartBeforeEnd", "visit_occurrence", "visit_start_date"): 1,
        ("withinObservationPeriod", "visit_occurrence", "visit_start_date"): 1,
    }
