"""Issue 20, defect 1: the OMOP tables registered in the catalogue published
``person 200`` beside ``observation_period 199`` — one person without events, by
subtraction. Row counts shown side by side go through the disclosure rule together."""

from __future__ import annotations

import json

import pytest

from catalogue.models import Table
from omop import services
from omop.results import publish, table_row_counts
from portal.disclosure import assert_no_small_cells

from .job_factories import REPORT, finished

pytestmark = pytest.mark.django_db


def exact(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def report_with(**rows) -> dict:
    return {
        **REPORT,
        "tables": list(rows),
        "rows_written": [{"table": t, "row_count": n} for t, n in rows.items()],
    }


def test_the_catalogue_does_not_show_person_200_beside_observation_period_199(cast):
    etl_job = finished(report=report_with(person=200, observation_period=199, death=30))

    database = services.etl_job_register_in_catalogue(etl_job=etl_job, by=cast.data)

    counts = dict(Table.objects.filter(database=database).values_list("name", "row_count"))
    assert counts["person"] == 200  # the headline stays
    assert counts["observation_period"] is None  # 200 − 199 = 1 person without events
    assert counts["death"] == 30  # 170 alive: nothing small to protect


def test_a_small_count_of_deceased_hides_it_and_nothing_else():
    counts = table_row_counts(
        [
            {"table": "person", "row_count": 500},
            {"table": "death", "row_count": 495},
            {"table": "observation_period", "row_count": 480},
            {"table": "visit_occurrence", "row_count": 9000},
        ],
        10,
    )

    assert counts == {
        "person": 500,
        "death": None,  # 5 alive
        "observation_period": 480,
        "visit_occurrence": 9000,
    }


def test_a_count_already_hidden_stays_hidden():
    counts = table_row_counts(
        [{"table": "person", "row_count": 200}, {"table": "death", "row_count": "< 10"}], 10
    )

    assert counts == {"person": 200, "death": None}


def test_the_report_and_summary_of_a_conversion_protect_each_other(conversion):
    raw = json.loads((conversion / "etl_report.json").read_text())

    report, summary = publish(raw, conversion, "parquet", threshold=10)

    assert_no_small_cells([report, summary], 10)
    written = {t["table"]: t["row_count"] for t in report["rows_written"]}
    shown = {t["table"]: t["row_count"] for t in summary["tables"]}
    assert written == shown  # one decision for both pages
    persons, periods = written["person"], written["observation_period"]
    without = raw["persons_without_events"]
    if 0 < without < 10:
        assert not (exact(persons) and exact(periods)), (persons, periods)
    sex = {c["sex"]: c["count"] for c in summary["sex"]}
    if sex["?"] == "< 10":
        assert not (exact(persons) and exact(sex["M"]) and exact(sex["F"]))
        male = [b["male_count"] for b in summary["pyramid"]["bands"]]
        female = [b["female_count"] for b in summary["pyramid"]["bands"]]
        # men = Σ their bands, women too: the bands must not give the split back
        assert not (exact(persons) and all(map(exact, male + female)))


def omop_model(report: dict, summary: dict):
    """The attacker's model of a conversion's published report and summary (what the
    OMOP CDM says about its tables)."""
    from tests.adversary import Model

    m = Model(10)
    for t in summary["tables"]:
        m.qty(f"rows.{t['table']}", t["row_count"])
    for t in report["rows_written"]:
        m.qty(f"rows.{t['table']}", t["row_count"])
    person = "rows.person"
    m.total(
        person,
        [
            "rows.observation_period",
            m.qty("without events", report["persons_without_events_count"]),
        ],
    )
    if "rows.death" in m.values:
        m.subset(person, "rows.death")
    sex = {c["sex"]: m.qty(f"sex.{c['sex']}", c["count"]) for c in summary["sex"]}
    m.total(person, list(sex.values()))
    bands = summary["pyramid"]["bands"]
    if bands:  # men = Σ their age bands, women too
        m.total(sex["M"], [m.qty(f"band.{i}.M", b["male_count"]) for i, b in enumerate(bands)])
        m.total(sex["F"], [m.qty(f"band.{i}.F", b["female_count"]) for i, b in enumerate(bands)])
    for key, table in (
        ("visit_concepts", "visit_occurrence"),
        ("drug_source_values", "drug_exposure"),
        ("procedure_source_values", "procedure_occurrence"),
    ):
        block = summary.get(key)
        if block:
            items = [m.qty(f"{key}.{i}", item["count"]) for i, item in enumerate(block["items"])]
            m.total(f"rows.{table}", [*items, m.qty(f"{key}.other", block["other_count"])])
    for cov in report["coverage"]:
        m.subset(f"rows.{cov['table']}", m.qty(f"mapped.{cov['table']}", cov["mapped_count"]))
    for i, check in enumerate(report["dq"]):
        rows = f"rows.{check['table']}"
        if rows not in m.values:
            continue
        if check.get("rows_count") not in (None, m.values[rows]):  # filled rows, persons…
            m.subset(rows, m.qty(f"dq rows.{i}", check["rows_count"]))
            rows = f"dq rows.{i}"
        if check["failed_count"] != 0:
            m.subset(rows, m.qty(f"dq.{i}", check["failed_count"]))
    return m


def test_the_adversary_derives_nothing_from_a_conversion(conversion):
    from tests.adversary import attack

    raw = json.loads((conversion / "etl_report.json").read_text())
    report, summary = publish(raw, conversion, "parquet", threshold=10)

    assert attack(omop_model(report, summary)) == []


def test_the_adversary_finds_the_person_without_events_in_the_old_figures():
    from tests.adversary import attack

    report = {**REPORT, "rows_written": [{"table": "person", "row_count": 200},
                                         {"table": "observation_period", "row_count": 199}],
              "persons_without_events_count": "< 10", "coverage": [], "dq": []}  # fmt: skip
    summary = {"tables": [], "sex": [{"sex": "M", "count": 100}, {"sex": "F", "count": 100},
                                     {"sex": "?", "count": 0}],
               "pyramid": {"bands": []}}  # fmt: skip

    assert "rows.person − (rows.observation_period) = 1" in attack(omop_model(report, summary))
