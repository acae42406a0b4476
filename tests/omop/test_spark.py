"""The Spark engine runs the same SQL as DuckDB and gives the same rows (one shared local
session)."""

import pandas as pd
import pytest

from omop.etl import run_conversion
from omop.etl.dialect import numeric_code_sql, render
from omop.etl.spec import TABLES
from omop.etl.values import numeric_code, stable_id

pytestmark = pytest.mark.spark


def test_the_spark_spelling_of_the_id_recipe_gives_the_documented_person_id(spark):
    sql = render(
        "SELECT stable_id('DPXX:0000000000000000001X') AS a, "
        "stable_id('a', NULL, DATE '2013-03-04') AS b",
        "spark",
    )
    row = spark.sql(sql).first()
    assert row["a"] == 8190092190961932619
    assert row["b"] == stable_id("a", None, "2013-03-04")


def test_spark_normalises_codes_like_python(spark):
    raw = ["01", "1111", "1111.0", " 26 ", "0", "00", "-05", "+7", "2A", "1.5", "", None, "-0"]
    codes = spark.createDataFrame([(i, v) for i, v in enumerate(raw)], "i int, v string")
    codes.createOrReplaceTempView("codes")
    sql = render("SELECT " + numeric_code_sql("v") + " FROM codes ORDER BY i", "spark")  # noqa: S608
    got = [r[0] for r in spark.sql(sql).collect()]
    assert got == [numeric_code(v) for v in raw]


def test_both_engines_give_the_same_rows_and_counts(spark, parquet_extract, tmp_path):
    duckdb_report = run_conversion(parquet_extract, tmp_path / "p", engine="duckdb")
    spark_report = run_conversion(parquet_extract, tmp_path / "s", engine="spark")
    for table in TABLES:
        a = pd.read_csv(tmp_path / "p" / f"{table}.csv", dtype=str, keep_default_na=False)
        b = pd.read_csv(tmp_path / "s" / f"{table}.csv", dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(a, b, obj=table)
    assert len(pd.read_csv(tmp_path / "s" / "visit_occurrence.csv")) > 1000
    assert spark_report.rejected == duckdb_report.rejected
    assert spark_report.rows_written == duckdb_report.rows_written
    assert spark_report.coverage == duckdb_report.coverage
    assert spark_report.dq_passed and spark_report.dq == duckdb_report.dq


def test_provider_with_spark_to_parquet(spark, extract, tmp_path):
    report = run_conversion(extract, tmp_path / "pq", engine="spark", fmt="parquet",
                            tables=["provider", "person"])  # fmt: skip
    provider = pd.read_parquet(tmp_path / "pq" / "provider.parquet").set_index(
        "provider_source_value"
    )
    assert provider.loc["SPE:1", "specialty_concept_id"] == 38004446
    assert provider.loc["SPE:1", "specialty_source_value"] == "MEDECINE GENERALE"
    assert "SPE:0" not in provider.index and "ACT:99" not in provider.index
    person = pd.read_parquet(tmp_path / "pq" / "person.parquet")
    assert 8190092190961932619 in set(person["person_id"])
    assert report.rows_written["person"] == len(person)


def test_spark_to_parquet_counts_checks_and_rows_match_duckdb(spark, parquet_extract, tmp_path):
    """Spark writes each table once as Parquet; the publish step counts, measures coverage
    and runs the DQ checks with DuckDB on the written files: same report and rows as DuckDB."""
    duckdb_report = run_conversion(parquet_extract, tmp_path / "p", engine="duckdb")
    report = run_conversion(parquet_extract, tmp_path / "s", engine="spark", fmt="parquet")
    assert report.rows_written == duckdb_report.rows_written
    assert report.coverage == duckdb_report.coverage
    assert report.rejected == duckdb_report.rejected
    assert report.dq_passed and report.dq == duckdb_report.dq
    for table in TABLES:
        expected = pd.read_csv(tmp_path / "p" / f"{table}.csv", dtype=str, keep_default_na=False)
        got = pd.read_parquet(tmp_path / "s" / f"{table}.parquet")
        assert list(got.columns) == list(expected.columns), table
        key = expected.columns[0]
        assert sorted(got[key].astype(str)) == sorted(expected[key]), table
    # nothing but the tables and the report in the output folder, no DuckDB spill left over
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted(
        [f"{t}.parquet" for t in TABLES] + ["etl_report.json"]
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p", "s"]


def test_a_minimal_extract_converts_with_spark_to_parquet_with_empty_tables(spark, tmp_path):
    from tests.omop.test_conversion import THIN

    src = tmp_path / "thin"
    src.mkdir()
    for name, text in THIN.items():
        (src / name).write_bytes(text.encode("latin-1"))
    report = run_conversion(src, tmp_path / "out", engine="spark", fmt="parquet")
    drugs = pd.read_parquet(tmp_path / "out" / "drug_exposure.parquet")
    assert len(drugs) == 0 and "drug_exposure_id" in drugs.columns
    assert report.rows_written["drug_exposure"] == 0
    assert report.rows_written["visit_occurrence"] == 2
    assert report.dq_passed


def test_both_engines_agree_on_csv_with_french_dates_and_a_window(spark, extract, tmp_path):
    """CSV input goes through the other reading path (text dates parsed once per value):
    French dates in ER_PRS_F and an extraction window give the same rows on both engines."""
    import shutil

    folder = tmp_path / "extract"
    shutil.copytree(extract, folder)
    prs = next(p for p in folder.iterdir() if p.name.upper().startswith("ER_PRS_F"))
    lines = pd.read_csv(prs, dtype=str, keep_default_na=False, sep=None, engine="python")
    for col in ("EXE_SOI_DTD", "EXE_SOI_DTF", "FLX_DIS_DTD"):
        iso = lines[col].str.match(r"^\d{4}-\d{2}-\d{2}$")
        assert iso.any()
        lines.loc[iso, col] = pd.to_datetime(lines.loc[iso, col]).dt.strftime("%d/%m/%Y")
    lines.to_csv(prs, index=False, sep=";")
    window = ("2013-06-01", "2014-12-31")
    duckdb_report = run_conversion(folder, tmp_path / "p", engine="duckdb", window=window)
    spark_report = run_conversion(folder, tmp_path / "s", engine="spark", window=window)
    for table in TABLES:
        a = pd.read_csv(tmp_path / "p" / f"{table}.csv", dtype=str, keep_default_na=False)
        b = pd.read_csv(tmp_path / "s" / f"{table}.csv", dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(a, b, obj=table)
    assert duckdb_report.rejected["visit_occurrence"]["outside_window"]
    assert spark_report.rejected == duckdb_report.rejected
    assert spark_report.rows_written == duckdb_report.rows_written
