"""OMOP output into a PostgreSQL schema, replaced in one transaction."""

import os
import uuid
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest

from omop.etl import run_conversion


@pytest.fixture
def pg_url():
    base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    url = urlunparse(base._replace(scheme="postgresql", path="/postgres"))
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server reachable")
    schema = f"omop_test_{uuid.uuid4().hex[:8]}"
    yield url, schema
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def test_it_loads_the_tables_with_the_generated_ddl(extract, pg_url, tmp_path):
    url, schema = pg_url
    report = run_conversion(extract, f"{url}?schema={schema}", fmt="postgresql",
                            tables=["location", "care_site", "person"],
                            report_path=str(tmp_path / "r.json"))  # fmt: skip
    with psycopg.connect(url) as con:
        n = con.execute(f"SELECT COUNT(*) FROM {schema}.person").fetchone()[0]  # noqa: S608
        kind = con.execute(
            "SELECT data_type FROM information_schema.columns WHERE table_schema = %s "
            "AND table_name = 'person' AND column_name = 'person_id'", (schema,)
        ).fetchone()[0]  # fmt: skip
    assert n == report.rows_written["person"] > 0 and kind == "bigint"
    assert (tmp_path / "r.json").exists()
