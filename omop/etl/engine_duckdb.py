"""The DuckDB backend: the embedded default, one machine, bounded memory.

Runs the SQL steps of ``omop/etl/sql/`` in one in-process DuckDB database with a memory
limit; sorts and tables beyond it spill to the temporary folder, so an extract larger than
RAM converts. An extract larger than the memory cap keeps its intermediate tables in a
database file of that folder, compressed (``tables_on_disk``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import TypeVar

import duckdb
import pyarrow as pa

from .config import EngineConfig
from .errors import InputError
from .readers import Source, input_bytes

_KINDS = {"DATE": "date", "TIMESTAMP": "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamp",
          "TIMESTAMP_NS": "timestamp", "TIMESTAMP_MS": "timestamp", "TIMESTAMP_S": "timestamp"}  # fmt: skip
_INTEGERS = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
             "UINTEGER", "UBIGINT", "UHUGEINT"}  # fmt: skip


T = TypeVar("T")


def bounded(con: duckdb.DuckDBPyConnection, step: str, memory_limit: str, work: Callable[[], T],
            on_retry: Callable[[str], None] | None = None, *, retry: bool = True) -> T:  # fmt: skip
    """Run ``work`` (one SQL step on ``con``); when it runs out of the memory cap, run it
    once more on one thread (unless ``retry`` is False: a step that cannot start afresh),
    and when it still does, stop with an ``out_of_memory`` error that names the step and
    the cap.

    Each thread holds its own hash tables and sort runs, and the part DuckDB cannot spill
    (the pinned blocks of every thread at once) is what overflows a cap that the same step
    fits on one thread: at 100,000 persons under a 200 MB cap, ``cost`` failed on two threads
    and passed on one (README, "1,000,000 persons"). A step is one ``CREATE OR REPLACE`` or
    one read-only query, so running it again starts it afresh."""
    try:
        return work()
    except duckdb.OutOfMemoryException as exc:
        if not retry:
            raise _out_of_memory(step, memory_limit, exc) from exc
    (threads,) = con.execute("SELECT current_setting('threads')").fetchone()
    if on_retry:
        on_retry(step)
    con.execute("SET threads = 1")
    try:
        return work()
    except duckdb.OutOfMemoryException as exc:
        raise _out_of_memory(step, memory_limit, exc) from exc
    finally:
        con.execute(f"SET threads = {int(threads)}")


def _out_of_memory(step: str, memory_limit: str, exc: Exception) -> InputError:
    return InputError("out_of_memory", step=step, memory_limit=memory_limit, detail=str(exc))


def connect(
    config: EngineConfig, temp_dir: Path, database: Path | None = None
) -> duckdb.DuckDBPyConnection:
    settings = {
        "memory_limit": config.memory_limit,
        "temp_directory": str(temp_dir),
        "preserve_insertion_order": True,
    }
    if config.threads:
        settings["threads"] = config.threads
    return duckdb.connect(str(database) if database else ":memory:", config=settings)


# About how much Parquet input grows once decoded into DuckDB's intermediate tables: chosen
# so that 100,000 persons (416 MB, as fast in memory as on disk, faster at 10,000) stay in
# memory under the default cap and 1,000,000 (4.2 GB) go to disk (README, "1,000,000 persons")
_DECODED_GROWTH = 4
# With the tables on disk, how many rows of an output table are sorted at once (``export``)
ROWS_PER_PART = 20_000_000
_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}  # fmt: skip


def tables_on_disk(input_bytes: int, memory_limit: str) -> bool:
    """Whether a conversion of an extract of ``input_bytes`` keeps its intermediate tables
    in a database file: when they would not fit in the memory cap."""
    return input_bytes * _DECODED_GROWTH > byte_size(memory_limit)


def byte_size(text: str) -> int:
    """``"2GB"``, ``"512MiB"``, ``"1.5 GB"`` → bytes (DuckDB's units)."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*([A-Za-z]*)\s*", text)
    if not match or match.group(2).upper() not in _UNITS:
        raise ValueError(f"not a memory size: {text!r}")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


class DuckDBBackend:
    dialect = "duckdb"

    def __init__(
        self, config: EngineConfig, temp_dir: Path, sources: dict[str, Source] | None = None,
        on_retry: Callable[[str], None] | None = None,
    ):  # fmt: skip
        # On disk, the intermediate tables live in a database file of the run's scratch
        # folder, stored compressed. In memory they are faster while they fit; beyond the
        # memory cap DuckDB moves them, uncompressed, to its temporary files (61 GB at
        # 1,000,000 persons). ``config.tables_on_disk`` decides; None: the sources' size.
        on_disk = config.tables_on_disk
        if on_disk is None:
            on_disk = bool(sources) and tables_on_disk(input_bytes(sources), config.memory_limit)
        self.database = temp_dir / "work.duckdb"
        self.con = connect(config, temp_dir, self.database if on_disk else None)
        self.on_disk = on_disk
        self.memory_limit = config.memory_limit
        # told the name of a step that had to run again on one thread (the report's notice)
        self.on_retry = on_retry

    def _bounded(self, step: str, sql: str) -> list[tuple]:
        return bounded(self.con, step, self.memory_limit,
                       lambda: self.con.execute(sql).fetchall(), self.on_retry)  # fmt: skip

    def register_file(self, view: str, fmt: str, path: Path, csv) -> dict[str, str]:
        try:
            if fmt == "parquet":
                files = str(path / "*.parquet") if path.is_dir() else str(path)
                rel = self.con.read_parquet(files)
            else:
                rel = self.con.read_csv(
                    str(path), header=True, delimiter=csv.delimiter, quotechar='"',
                    escapechar='"', all_varchar=True, names=_unique(csv.header),
                    encoding="latin-1" if csv.encoding == "latin-1" else "utf-8",
                )  # fmt: skip
            if fmt == "parquet":
                rel.create_view(view)
            else:  # CSV is parsed once: the steps read the table
                rel.create(view)
            types = dict(zip(rel.columns, (str(t) for t in rel.types), strict=True))
        except duckdb.Error as exc:
            kind = "Parquet" if fmt == "parquet" else "CSV"
            raise InputError("unreadable_file", file=path.name, kind=kind, detail=str(exc)) from exc
        return {
            c: _KINDS.get(t, "integer" if t in _INTEGERS else "other") for c, t in types.items()
        }

    def count(self, view: str) -> int:
        return self.con.execute(f"SELECT COUNT(*) FROM {view}").fetchall()[0][0]  # noqa: S608

    def create(self, name: str, sql: str, *, materialize: bool) -> None:
        kind = ("TABLE" if self.on_disk else "TEMP TABLE") if materialize else "TEMP VIEW"
        try:
            self._bounded(name, f"CREATE OR REPLACE {kind} {name} AS {sql}")
        except duckdb.ConversionException as exc:
            raise InputError("unreadable_value", detail=str(exc)) from exc
        except duckdb.InvalidInputException as exc:
            raise InputError("unreadable_extract", detail=str(exc)) from exc

    def query(self, sql: str) -> list[tuple]:
        try:
            return self._bounded("query", sql)
        except duckdb.InvalidInputException as exc:
            raise InputError("unreadable_extract", detail=str(exc)) from exc

    def load(self, name: str, schema: list[tuple[str, str]], rows: list[tuple]) -> None:
        # through Arrow, column by column: executemany inserted the rows one statement at a
        # time (2 s of a 12 s conversion of 10,000 persons)
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
        arrow = pa.table(
            {c: pa.array(values) for (c, _), values in zip(schema, columns, strict=True)}
        )
        cols = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in schema)
        self.con.register("_load", arrow)
        try:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {cols} FROM _load")  # noqa: S608
        finally:
            self.con.unregister("_load")

    def export(self, sql: str, path: Path, order_by: list[str] | None = None) -> None:
        """Write the rows of ``sql`` to the Parquet file ``path``, sorted by ``order_by``.

        With the tables on disk (an extract larger than the memory cap), a large table is
        sorted by ranges of its key, each range written to a part file, and the parts then
        copied into one file in key order: sorting the 204 M rows of ``cost`` at once
        spilled 18 GB beside the 41 GB database file, and at 1,000,000 persons under the
        default cap the disk ran out (README, "1,000,000 persons"). The rows and their
        order are those of one sort."""
        order = f" ORDER BY {', '.join(order_by)}" if order_by else ""
        bounds = self._range_bounds(sql, path.stem, order_by)
        if not bounds:
            # COPY writes the file afresh: a second try on one thread replaces a partial one
            self._copy(path.stem, f"{sql}{order}", path)
            return
        key = order_by[0]
        ranges = [f"{key} <= {bounds[0]}"]
        ranges += [f"{key} > {lo} AND {key} <= {hi}" for lo, hi in pairwise(bounds)]
        ranges.append(f"{key} > {bounds[-1]} OR {key} IS NULL")  # NULLs sort last
        parts = [path.with_name(f".{path.stem}.part-{i:04d}.parquet") for i in range(len(ranges))]
        try:
            for where, part in zip(ranges, parts, strict=True):
                self._copy(path.stem, f"SELECT * FROM ({sql}) WHERE {where}{order}", part)  # noqa: S608
            listed = ", ".join(f"'{_path(part)}'" for part in parts)
            # the files' order is the rows' order (preserve_insertion_order): no sort here
            self._copy(path.stem, f"SELECT * FROM read_parquet([{listed}])", path)  # noqa: S608
        finally:
            for part in parts:
                part.unlink(missing_ok=True)

    def _copy(self, step: str, select: str, path: Path) -> None:
        self._bounded(step, f"COPY ({select}) TO '{_path(path)}' (FORMAT parquet)")

    def _range_bounds(self, sql: str, step: str, order_by: list[str] | None) -> list[int]:
        """Integer keys that cut the rows of ``sql`` into ranges of about ``ROWS_PER_PART``
        rows, or none when the table is sorted at once (in memory, small, or not keyed by
        one integer column)."""
        if not (order_by and len(order_by) == 1 and self.on_disk):
            return []
        parts = -(-self.count(f"({sql})") // ROWS_PER_PART)
        if parts <= 1:
            return []
        cuts = [i / parts for i in range(1, parts)]
        sample = f"SELECT approx_quantile({order_by[0]}, {cuts}) FROM ({sql})"  # noqa: S608
        (bounds,) = self._bounded(step, sample)[0]
        if not all(isinstance(b, int) for b in bounds):
            return []
        return sorted(set(bounds))

    def interrupt(self) -> None:
        self.con.interrupt()

    def close(self) -> None:
        self.con.close()
        if self.on_disk:  # the tables are written out by now: the publish step and its DQ
            # checks need the disk they took (at 1,000,000 persons the checks ran short of it)
            for path in (self.database, self.database.with_name(self.database.name + ".wal")):
                path.unlink(missing_ok=True)


def _unique(header: tuple[str, ...]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in header:
        n = seen.get(name, 0)
        seen[name] = n + 1
        out.append(name if n == 0 else f"{name}_{n}")
    return out


def _path(path: Path) -> str:
    return str(path).replace("'", "''")
