"""A file larger than the memory allowed still profiles: DuckDB spills to disk."""

from __future__ import annotations

import duckdb

from catalogue.profiling import ColumnSpec, profile_file


def test_a_file_larger_than_the_memory_limit_profiles(tmp_path):
    path = tmp_path / "big.csv"
    rows = 800_000
    duckdb.sql(
        f"COPY (SELECT printf('%017d', range) AS BEN_NIR_PSA, "  # noqa: S608
        f"repeat('x', 40) || (range % 1000) AS LIB, range % 97 AS Q "
        f"FROM range({rows})) TO '{path}' (FORMAT csv, DELIMITER ';', HEADER)"
    )
    assert path.stat().st_size > 48 * 2**20  # larger than the limit below
    specs = [ColumnSpec("BEN_NIR_PSA"), ColumnSpec("LIB"), ColumnSpec("Q", "integer")]
    profile = profile_file(path, specs, memory_limit="40MB", threads=1, primary_key=["BEN_NIR_PSA"])
    assert profile.rows == rows
    assert profile.variable("BEN_NIR_PSA").distinct == rows  # exact, not approximate
    assert profile.primary_key.duplicates == 0
    assert profile.variable("Q").stats.max == 96
