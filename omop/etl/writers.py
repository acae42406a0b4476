"""Atomic output targets: CSV or Parquet folder, SQLite file, PostgreSQL schema.

Every target is written somewhere temporary first and moved in only when the whole
conversion has succeeded: a failed, cancelled or interrupted run leaves no partial output
and keeps the previous one. The publish step hands each table as a DuckDB query over the
Parquet an engine wrote (``write_table``); ``scratch`` is where engines stage those files
and spill, inside the staging area so that it goes with it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

import pyarrow as pa

from .errors import InputError
from .report import Report
from .spec import columns, ddl, fields

REPORT_NAME = "etl_report.json"
FORMATS = ("csv", "parquet", "sqlite", "postgresql")


def _staging_path(final: Path) -> Path:
    """A hidden sibling of the output named after this process: ``.cdm.tmp-<pid>-<random>``."""
    return final.parent / f".{final.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def _remove_abandoned(final: Path) -> None:
    """Remove what runs killed on this machine left next to the output (their process is
    gone, so the ``finally`` that cleans up never ran). A live run's staging is kept."""
    for leftover in final.parent.glob(f".{final.name}.tmp-*-*"):
        pid = leftover.name.rsplit(".tmp-", 1)[1].split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def arrow_schema(table: str) -> pa.Schema:
    types = {"bigint": pa.int64(), "integer": pa.int32(), "float": pa.float64(),
             "date": pa.date32(), "datetime": pa.timestamp("us")}  # fmt: skip
    return pa.schema(
        [
            pa.field(f.name, types.get(f.datatype, pa.string()), not f.required)
            for f in fields(table)
        ]
    )


class Target:
    """Base class; ``open_target`` picks the subclass from the format."""

    fmt = ""

    def __init__(self, output: str):
        self.output = output

    scratch: Path  # intermediate files of the run (set by ``begin``)

    def begin(self) -> None: ...

    @property
    def parquet_dir(self) -> Path:
        """Where an engine writes the OMOP tables as Parquet."""
        return self.scratch / "tables"

    def write_table(self, table: str, con, sql: str) -> None:
        """Write the rows of the DuckDB query ``sql`` (CDM columns, sorted) as ``table``."""
        raise NotImplementedError

    def commit(self, report: Report) -> None: ...

    def abort(self) -> None: ...

    def _new_scratch(self, near: Path) -> None:
        self.scratch = near
        (self.scratch / "tables").mkdir(parents=True, exist_ok=True)

    @property
    def report_path(self) -> Path:
        return Path(f"{self.output}.report.json")


class FolderTarget(Target):
    """One file per table in a folder (``person.csv`` / ``person.parquet``) + the report."""

    def __init__(self, output: str, fmt: str):
        super().__init__(output)
        self.fmt = fmt
        self.final = Path(output)
        self.staging = _staging_path(self.final)

    def begin(self) -> None:
        if self.final.exists() and not self._replaceable():
            raise InputError("output_not_ours", folder=str(self.final), report=REPORT_NAME)
        self.final.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(self.final)
        self.staging.mkdir()
        self._new_scratch(self.staging / "_work")

    @property
    def parquet_dir(self) -> Path:
        return self.staging if self.fmt == "parquet" else self.scratch / "tables"

    def _replaceable(self) -> bool:
        return self.final.is_dir() and (
            (self.final / REPORT_NAME).exists() or not any(self.final.iterdir())
        )

    def path(self, table: str) -> Path:
        return self.staging / f"{table}.{self.fmt}"

    def write_table(self, table: str, con, sql: str) -> None:
        if self.fmt == "parquet":
            return  # the engine wrote it in place
        con.execute(
            f"COPY ({sql}) TO '{_quoted(self.path(table))}' "
            "(FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NULLSTR '')"
        )

    def commit(self, report: Report) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)
        report.save(self.staging / REPORT_NAME)
        old = None
        if self.final.exists():
            old = self.final.parent / f".{self.final.name}.old-{uuid.uuid4().hex[:8]}"
            os.replace(self.final, old)
        os.replace(self.staging, self.final)
        if old:
            shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    @property
    def report_path(self) -> Path:
        return self.final / REPORT_NAME


class SqliteTarget(Target):
    fmt = "sqlite"

    def __init__(self, output: str):
        super().__init__(output)
        self.final = Path(output)
        self.staging = _staging_path(self.final)
        self.con = None

    def begin(self) -> None:
        self.final.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(self.final)
        self._new_scratch(Path(f"{self.staging}.work"))
        self.con = sqlite3.connect(self.staging)

    def write_table(self, table: str, con, sql: str) -> None:
        self.con.execute(ddl(table, "sqlite"))
        marks = ", ".join("?" * len(columns(table)))
        # dates as ISO text, as SQLite stores them
        cols = ", ".join(
            f"CAST({f.name} AS VARCHAR)" if f.kind in ("date", "datetime") else f.name
            for f in fields(table)
        )
        cursor = con.execute(f"SELECT {cols} FROM ({sql}) AS t")  # noqa: S608
        while batch := cursor.fetchmany(50_000):
            self.con.executemany(f"INSERT INTO {table} VALUES ({marks})", batch)  # noqa: S608

    def commit(self, report: Report) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.con.commit()
        self.con.close()
        os.replace(self.staging, self.final)
        report.save(self.report_path)

    def abort(self) -> None:
        if self.con:
            with contextlib.suppress(sqlite3.Error):
                self.con.close()
        self.staging.unlink(missing_ok=True)
        shutil.rmtree(self.scratch, ignore_errors=True)


class PostgresTarget(Target):
    """All tables replaced in one transaction (PostgreSQL DDL is transactional).

    ``postgresql://user@host:5432/db?schema=omop`` (schema defaults to ``omop``).
    """

    fmt = "postgresql"

    def __init__(self, output: str, report_path: str | None = None, temp_dir: str | None = None):
        super().__init__(output)
        self.temp_dir = temp_dir
        url = urlparse(output)
        query = parse_qs(url.query)
        self.schema = query.pop("schema", ["omop"])[0]
        if not self.schema.isidentifier():
            raise InputError("bad_schema_name", schema=self.schema)
        self.dsn = urlunparse(url._replace(query=urlencode(query, doseq=True)))
        self._report_path = Path(report_path or f"omop_etl_{self.schema}.report.json")
        self.con = None

    def begin(self) -> None:
        import psycopg

        try:
            self.con = psycopg.connect(self.dsn)
        except psycopg.OperationalError as exc:
            raise InputError("cannot_connect", output=self.output, detail=str(exc)) from exc
        self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
        self._new_scratch(Path(tempfile.mkdtemp(prefix="omop-etl-", dir=self.temp_dir)))

    def write_table(self, table: str, con, sql: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {self.schema}.{table} CASCADE")
        self.con.execute(ddl(table, "postgresql", self.schema))
        cols = ", ".join(columns(table))
        cursor = con.execute(sql)
        with self.con.cursor().copy(f"COPY {self.schema}.{table} ({cols}) FROM STDIN") as copy:
            while batch := cursor.fetchmany(50_000):
                for row in batch:
                    copy.write_row(row)

    def commit(self, report: Report) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.con.commit()
        self.con.close()
        report.save(self.report_path)

    def abort(self) -> None:
        if self.con:
            with contextlib.suppress(Exception):
                self.con.rollback()
                self.con.close()
        if getattr(self, "scratch", None):
            shutil.rmtree(self.scratch, ignore_errors=True)

    @property
    def report_path(self) -> Path:
        return self._report_path


def open_target(
    output: str, fmt: str, report_path: str | None = None, temp_dir: str | None = None
) -> Target:
    if fmt in ("csv", "parquet"):
        return FolderTarget(output, fmt)
    if fmt == "sqlite":
        return SqliteTarget(output)
    if fmt == "postgresql":
        return PostgresTarget(output, report_path, temp_dir)
    raise InputError("unknown_format", format=fmt, choices=list(FORMATS))


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
