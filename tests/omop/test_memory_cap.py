"""A conversion under a DuckDB memory cap: a step that overflows it on several threads runs
again on one, and a cap too small for any stops with the step's name and the cap, leaving
the previous output in place."""

from __future__ import annotations

import duckdb
import pytest
from django.utils import translation

from omop.etl.api import run_conversion
from omop.etl.config import EngineConfig
from omop.etl.errors import InputError
from omop.etl.generator import generate_extract
from omop.labels import input_error_text, notice_label


@pytest.fixture(scope="module")
def extract_2000(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cap") / "snds"
    generate_extract(folder, persons=2000, seed=7, fmt="parquet")
    return folder


def _rows(folder, table: str) -> list[tuple]:
    con = duckdb.connect()
    return con.execute(f"SELECT * FROM '{folder / table}.parquet' ORDER BY ALL").fetchall()  # noqa: S608


def _convert(extract, output, cap: str):
    # two threads whatever the machine: the retry is about what two threads hold at once
    config = EngineConfig(memory_limit=cap, threads=2, tables_on_disk=False)
    return run_conversion(extract, output, fmt="parquet", config=config)


def test_steps_over_the_cap_on_two_threads_run_again_on_one_with_the_same_rows(
    extract_2000, tmp_path
):
    reference = _convert(extract_2000, tmp_path / "roomy", "2GB")
    assert not [n for n in reference.notices if n["code"] == "single_thread"]

    # 50 MB: the cost steps' hash tables on two threads overflow it, on one they fit
    capped = _convert(extract_2000, tmp_path / "capped", "50MB")
    retried = {n["step"] for n in capped.notices if n["code"] == "single_thread"}
    assert "cost" in retried
    assert capped.rows_written == reference.rows_written
    for table in reference.rows_written:
        assert _rows(tmp_path / "capped", table) == _rows(tmp_path / "roomy", table), table
    with translation.override("fr"):
        text = notice_label({"code": "single_thread", "step": "cost"})
    assert "« cost »" in text and "un seul" in text


def test_a_cap_too_small_even_on_one_thread_names_the_step_and_keeps_the_previous_output(
    extract_2000, tmp_path
):
    output = tmp_path / "omop"
    _convert(extract_2000, output, "2GB")
    before = {p.name: p.stat().st_mtime_ns for p in output.iterdir()}

    with pytest.raises(InputError) as caught:
        _convert(extract_2000, output, "5MB")
    assert caught.value.code == "out_of_memory"
    assert caught.value.params["memory_limit"] == "5MB"
    step = caught.value.params["step"]
    assert step and step != "query"
    assert {p.name: p.stat().st_mtime_ns for p in output.iterdir()} == before

    with translation.override("fr"):
        text = input_error_text(caught.value)
    assert f"« {step} »" in text and "(5MB)" in text and "OMOP_DUCKDB_MEMORY_LIMIT" in text
    with translation.override("en"):
        english = input_error_text(caught.value)
    assert "OMOP_DUCKDB_MEMORY_LIMIT" in english and "mémoire" not in english
