"""The DuckDB backend's own choices: where its intermediate tables live, how rows load."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from omop.etl import engine_duckdb
from omop.etl.config import EngineConfig
from omop.etl.engine_duckdb import DuckDBBackend, byte_size, tables_on_disk


@pytest.mark.parametrize(("text", "size"), [
    ("2GB", 2 * 10**9), ("512MiB", 512 * 2**20), ("1.5 GB", 1_500_000_000), ("300mb", 3 * 10**8),
])  # fmt: skip
def test_memory_sizes_read_as_duckdb_reads_them(text, size):
    assert byte_size(text) == size


def test_a_memory_size_without_a_known_unit_says_which():
    with pytest.raises(ValueError, match="'2 gigas'"):
        byte_size("2 gigas")


def test_an_extract_that_would_not_fit_the_cap_once_decoded_keeps_its_tables_on_disk():
    # 416 MB of Parquet (100,000 persons) under the default cap stays in memory
    assert not tables_on_disk(416 * 10**6, "2GB")
    # 4.2 GB (1,000,000 persons) does not
    assert tables_on_disk(4_200 * 10**6, "2GB")
    assert tables_on_disk(416 * 10**6, "1GB")


def _tables(backend):
    return dict(backend.con.execute(
        "SELECT table_name, temporary FROM duckdb_tables() ORDER BY table_name"
    ).fetchall())  # fmt: skip


def test_on_disk_the_intermediate_tables_are_stored_in_the_run_folder(tmp_path):
    config = EngineConfig(memory_limit="256MB", tables_on_disk=True)
    backend = DuckDBBackend(config, tmp_path)
    backend.create("visits", "SELECT range AS id FROM range(100000)", materialize=True)
    backend.create("odd", "SELECT id FROM visits WHERE id % 2 = 1", materialize=False)
    backend.con.execute("CHECKPOINT")
    assert _tables(backend) == {"visits": False}
    assert (tmp_path / "work.duckdb").stat().st_size > 0
    assert backend.count("odd") == 50000
    backend.close()  # what the conversion had to keep is written out by then
    assert not list(tmp_path.iterdir())

    in_memory = DuckDBBackend(EngineConfig(memory_limit="256MB"), tmp_path / "m")
    in_memory.create("visits", "SELECT range AS id FROM range(10)", materialize=True)
    assert _tables(in_memory) == {"visits": True}
    assert not (tmp_path / "m" / "work.duckdb").exists()


def test_rows_load_with_their_declared_types_nulls_included(tmp_path):
    backend = DuckDBBackend(EngineConfig(), tmp_path)
    schema = [("person_id", "BIGINT"), ("code", "VARCHAR"), ("day", "DATE"), ("dose", "DOUBLE")]
    backend.load("t", schema, [(1, "A01", dt.date(2020, 1, 2), 1.5), (2, None, None, None)])
    assert backend.con.execute("SELECT * FROM t ORDER BY person_id").fetchall() == [
        (1, "A01", dt.date(2020, 1, 2), 1.5), (2, None, None, None)]  # fmt: skip
    types = backend.con.execute("SELECT column_type FROM (DESCRIBE t)").fetchall()
    assert [t for (t,) in types] == ["BIGINT", "VARCHAR", "DATE", "DOUBLE"]

    backend.load("empty", schema, [])
    assert backend.count("empty") == 0
    types = backend.con.execute("SELECT column_type FROM (DESCRIBE empty)").fetchall()
    assert [t for (t,) in types] == ["BIGINT", "VARCHAR", "DATE", "DOUBLE"]


def test_on_disk_a_large_table_is_sorted_by_ranges_into_one_file_in_key_order(
    tmp_path, monkeypatch
):
    # ids as the engine makes them: hashed, in no order; the rows are those of one sort
    rows = "SELECT hash(range) // 2 AS id, range % 7 AS n FROM range(50000)"
    whole = DuckDBBackend(EngineConfig(memory_limit="256MB"), tmp_path / "whole")
    whole.export(rows, tmp_path / "whole.parquet", ["id"])
    monkeypatch.setattr(engine_duckdb, "ROWS_PER_PART", 6000)
    (tmp_path / "w").mkdir()
    backend = DuckDBBackend(EngineConfig(memory_limit="256MB", tables_on_disk=True), tmp_path / "w")
    copies = []
    run = backend._bounded
    monkeypatch.setattr(backend, "_bounded", lambda step, sql: copies.append(sql) or run(step, sql))
    out = tmp_path / "out"
    out.mkdir()
    backend.export(rows, out / "cost.parquet", ["id"])

    parts = [sql for sql in copies if ".part-" in sql and "read_parquet" not in sql]
    assert len(parts) >= 5  # sorted by ranges (9 asked; approximate cuts may merge a few)

    assert [p.name for p in out.iterdir()] == ["cost.parquet"]  # the parts are gone
    con = duckdb.connect()
    read = "SELECT * FROM '{}'"
    written = con.execute(read.format(out / "cost.parquet")).fetchall()
    assert len(written) == 50000
    assert written == con.execute(read.format(tmp_path / "whole.parquet")).fetchall()
    assert [r[0] for r in written] == sorted(r[0] for r in written)
