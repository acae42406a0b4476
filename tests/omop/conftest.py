"""Fixtures of the OMOP tests: small generated extracts and one shared Spark session."""

from __future__ import annotations

import pytest

from omop.etl.generator import generate_extract


@pytest.fixture(scope="session")
def extract(tmp_path_factory):
    """200 synthetic persons plus the worked example, as CSV (dirt rate 2 %)."""
    folder = tmp_path_factory.mktemp("snds") / "extract"
    generate_extract(folder, persons=200, seed=7, include_example=True, dirt=0.02)
    return folder


@pytest.fixture(scope="session")
def parquet_extract(tmp_path_factory):
    folder = tmp_path_factory.mktemp("snds_pq") / "extract"
    generate_extract(folder, persons=200, seed=11, fmt="parquet", include_example=True, dirt=0.02)
    return folder


@pytest.fixture(scope="module")
def conversion(tmp_path_factory, extract):
    """``extract`` converted to OMOP in Parquet, once for each test module that reads it."""
    from omop.etl.api import run_conversion

    folder = tmp_path_factory.mktemp("omop_conversion") / "out"
    run_conversion(extract, folder, fmt="parquet")
    return folder


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the whole test run (starting one costs seconds)."""
    from omop.etl.spark import get_spark

    session = get_spark(app_name="hdh-omop-tests", shuffle_partitions=2)
    yield session
    session.stop()
