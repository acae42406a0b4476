"""The Spark engine gives the same rows as the pandas engine (one shared local session)."""

import pandas as pd
import pytest
from pyspark.sql import functions as F

from omop.etl import run_conversion
from omop.etl.engine_spark import _numeric_code, hash_id
from omop.etl.spec import TABLES
from omop.etl.values import numeric_code

pytestmark = pytest.mark.spark


def test_the_spark_id_expression_gives_the_documented_person_id(spark):
    row = (
        spark.range(1)
        .select(
            hash_id(F.lit("DPXX:0000000000000000001X")).alias("a"),
            hash_id(F.lit("a"), F.lit(None), F.lit("2013-03-04")).alias("b"),
        )
        .first()
    )
    assert row["a"] == 8190092190961932619
    from omop.etl.values import stable_id

    assert row["b"] == stable_id("a", None, "2013-03-04")


def test_spark_normalises_codes_like_python(spark):
    raw = ["01", "1111", "1111.0", " 26 ", "0", "00", "-05", "+7", "2A", "1.5", "", None]
    df = spark.createDataFrame([(v,) for v in raw], "v string")
    got = [r[0] for r in df.select(_numeric_code(F.col("v"))).collect()]
    assert got == [numeric_code(v) for v in raw]


def test_both_engines_give_the_same_rows_and_counts(spark, parquet_extract, tmp_path):
    pandas_report = run_conversion(parquet_extract, tmp_path / "p", engine="pandas")
    spark_report = run_conversion(parquet_extract, tmp_path / "s", engine="spark")
    for table in TABLES:
        a = pd.read_csv(tmp_path / "p" / f"{table}.csv", dtype=str, keep_default_na=False)
        b = pd.read_csv(tmp_path / "s" / f"{table}.csv", dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(a, b, obj=table)
    assert len(pd.read_csv(tmp_path / "s" / "visit_occurrence.csv")) > 1000
    assert spark_report.rejected == pandas_report.rejected
    assert spark_report.rows_written == pandas_report.rows_written
    assert spark_report.coverage == pandas_report.coverage
    assert spark_report.dq_passed and spark_report.dq == pandas_report.dq


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
