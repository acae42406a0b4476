"""The results summary of an OMOP output and the small-cell rule."""

from __future__ import annotations

import json

import pytest

from catalogue.profiling.suppression import SmallCellError, assert_no_small_cells
from omop.results import partition, summarize, suppress_report


def test_it_counts_rows_per_table_without_small_cells(conversion):
    data = summarize(conversion, "parquet", threshold=10)

    tables = {t["table"]: t["row_count"] for t in data["tables"]}
    assert tables["person"] > 150
    assert tables["cdm_source"] == "< 10"  # one row: shown as a small cell
    assert_no_small_cells(data, 10)


def test_the_pyramid_merges_small_bands_and_hides_nothing_recoverable(conversion):
    data = summarize(conversion, "parquet", threshold=10)

    bands = data["pyramid"]["bands"]
    for band in bands:
        for key in ("male_count", "female_count"):
            assert band[key] in (0, "n.d.") or band[key] >= 10, band
    assert len(bands) < 20  # 5-year bands of ~100 persons per sex had to be merged


def test_a_single_small_sex_cell_gets_a_secondary_suppression():
    cells = [
        {"sex": "M", "count": 95},
        {"sex": "F", "count": 102},
        {"sex": "?", "count": 3},
    ]
    published = partition(cells, 10)

    assert [c["count"] for c in published] == ["n.d.", 102, "< 10"]


def test_top_values_hide_small_counts(conversion):
    data = summarize(conversion, "parquet", threshold=10)

    procedures = data["procedure_source_values"]
    assert procedures["items"]
    tops = ["drug_source_values", "procedure_source_values", "condition_source_values",
            "measurement_source_values", "device_source_values", "condition_chapters"]  # fmt: skip
    assert any(item["count"] == "< 10" for key in tops for item in data[key]["items"])
    visits = [item["value"] for item in data["visit_concepts"]["items"]]
    assert "9202" in visits


def test_a_higher_threshold_hides_more(conversion):
    data = summarize(conversion, "parquet", threshold=1000)

    assert_no_small_cells(data, 1000)
    assert data["sex"][0]["count"] in ("< 1000", "n.d.")


def test_the_report_counts_go_through_the_rule(conversion):
    report = json.loads((conversion / "etl_report.json").read_text())

    published = suppress_report(report, 10)

    assert_no_small_cells(published, 10)
    rejected = {(r["table"], r["reason"]): r["count"] for r in published["rejected"]}
    assert rejected  # reasons are kept, small counts masked
    assert published["dq_passed"] == report["dq_passed"]
    with pytest.raises(SmallCellError):
        assert_no_small_cells({"count": 3}, 10)


def test_the_results_page_shows_small_cells_as_markers(cast, client, db):
    from .job_factories import finished

    etl_job = finished()
    client.force_login(cast.data)

    page = client.get(f"/omop/jobs/{etl_job.pk}/results/").content.decode()

    assert "&lt; 10" in page
    assert "plotly-hdh-basic.min.js" in page


def test_diagnoses_are_shown_by_chapter_and_every_top_code_with_its_label(conversion):
    data = summarize(conversion, "parquet", threshold=10)

    chapters = data["condition_chapters"]
    assert [i["value"] for i in chapters["items"][:4]] == ["I", "II", "III", "IV"]
    assert chapters["items"][3]["label"].startswith("Maladies endocriniennes")
    conditions = {t["table"]: t["row_count"] for t in data["tables"]}["condition_occurrence"]
    published = [i["count"] for i in chapters["items"]]
    if all(isinstance(n, int) for n in published):  # nothing hidden: the chapters add up
        assert sum(published) == conditions
    for key in ("condition_source_values", "procedure_source_values",
                "measurement_source_values", "device_source_values"):  # fmt: skip
        items = data[key]["items"]
        assert items, key
        labelled = [i for i in items if i["label"]]
        assert len(labelled) >= len(items) - 1, (key, items)  # the dirt: an unknown code
    physio = [i for i in data["procedure_source_values"]["items"] if i["value"] == "NGAP:3125"]
    assert not physio or "KINESITHERAPIE" in physio[0]["label"]
    assert_no_small_cells(data, 10)


def test_a_dq_checks_share_is_shown_only_beside_counts_that_are():
    def check(name, failed, rows, threshold=0):
        return {"check": name, "table": "person", "field": "year_of_birth",
                "failed_rows": failed, "rows": rows, "threshold": threshold,
                "passed": failed * 100 <= threshold * rows}  # fmt: skip

    report = {
        "rows_written": {"person": 200},
        "dq": [check("plausibleAfterBirth", 20, 200, 1), check("plausibleValueLow", 3, 200),
               check("plausibleValueHigh", 0, 150), check("cdmField", 0, 1),
               check("fkDomain", 0, 195)],
    }  # fmt: skip

    published = suppress_report(report, 10)

    assert_no_small_cells(published, 10)
    after_birth, low, high, field, domain = published["dq"]
    assert (after_birth["failed_count"], after_birth["rows_count"]) == (20, 200)
    assert (after_birth["share"], after_birth["threshold"], after_birth["passed"]) == (
        0.1,
        1,
        False,
    )
    assert low["failed_count"] == "< 10" and low["share"] is None  # 3 / 200 would tell the 3
    assert (high["rows_count"], high["share"]) == (150, 0.0)  # its own denominator
    assert field["rows_count"] is None  # a column, not rows of people
    # 195 filled rows beside the 200 of person would tell the 5 without gender
    assert domain["rows_count"] == "n.d." and domain["share"] is None
