# SQL is built from internal aliases (c0, c1…), quote_ident() names and _sql_str()
# literals; user values never reach it unquoted.
# ruff: noqa: S608
"""Open a data file for DuckDB: detect its format, encoding and separator, check its
columns against the declared table, and give the SQL that reads it as a stream.

Only the first megabyte is read here (in Python); DuckDB reads the rest itself.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ProfilingError
from .specs import ALIASES

HEAD_BYTES = 1 << 20
DELIMITERS = (";", ",", "\t", "|")


@dataclass
class Source:
    """A data file ready to be read by DuckDB."""

    path: str
    format: str  # "csv" | "parquet"
    file_size: int
    encoding: str | None = None  # "utf-8" | "latin-1" (CSV only)
    delimiter: str | None = None  # CSV only
    header: list[str] = field(default_factory=list)  # column names as in the file
    columns: dict[str, str] = field(default_factory=dict)  # declared name -> file name
    file_types: dict[str, str] = field(default_factory=dict)  # declared name -> DuckDB type
    absent: list[str] = field(default_factory=list)  # declared names not in the file
    undeclared: list[str] = field(default_factory=list)  # file names not declared

    #: CSV read buffer (DuckDB's default, 32 MB, would not fit a small memory limit).
    buffer_size: int = 8 << 20

    def relation_sql(self) -> str:
        """A DuckDB table expression that streams the whole file."""
        path = _sql_str(self.path)
        if self.format == "parquet":
            return f"read_parquet({path})"
        cols = ", ".join(f"{_sql_str(name)}: 'VARCHAR'" for name in self.header)
        return (
            f"read_csv({path}, delim={_sql_str(self.delimiter or ',')}, header=true, "
            f"auto_detect=false, quote='\"', escape='\"', columns={{{cols}}}, "
            f"encoding={_sql_str(self.encoding or 'utf-8')}, null_padding=false, "
            f"buffer_size={int(self.buffer_size)}, max_line_size={int(self.buffer_size) // 2})"
        )

    def describe(self) -> dict:
        return {
            "file": os.path.basename(self.path),
            "format": self.format,
            "file_size": self.file_size,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
        }


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _normalise(name: str) -> str:
    name = name.strip().strip('"').strip().upper()
    return ALIASES.get(name, name)


def open_source(
    con,
    path: str | os.PathLike,
    declared: list[str] | None,
    *,
    allow_missing_columns: bool = False,
    allow_extra_columns: bool = False,
    encoding: str | None = None,
) -> Source:
    """Sniff ``path`` and map its columns to the ``declared`` names (case-insensitive,
    ``NUM_ENQ`` accepted for ``BEN_NIR_PSA``). ``declared=None`` accepts any columns.

    Raises :class:`ProfilingError` (a code and what to fix) for bad input.
    """
    path = str(path)
    name = os.path.basename(path)
    p = Path(path)
    if not p.exists():
        raise ProfilingError("file_not_found", file=name)
    if not p.is_file() or not os.access(path, os.R_OK):
        raise ProfilingError("unreadable", reason="access", file=name)
    size = p.stat().st_size
    if size == 0:
        raise ProfilingError("empty_file", file=name)
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    if head[:4] == b"PAR1" or p.suffix.lower() in (".parquet", ".pq"):
        source = _open_parquet(con, path, size, head)
    else:
        source = _open_csv(path, size, head, declared, encoding)
    _map_columns(source, declared, allow_missing_columns, allow_extra_columns)
    if source.format == "parquet":
        rows = con.execute(f"DESCRIBE SELECT * FROM {source.relation_sql()}").fetchall()
        by_file = {r[0]: r[1] for r in rows}
        source.file_types = {d: by_file[f] for d, f in source.columns.items()}
    else:
        source.file_types = dict.fromkeys(source.columns, "VARCHAR")
    return source


def _open_parquet(con, path: str, size: int, head: bytes) -> Source:
    name = os.path.basename(path)
    if head[:4] != b"PAR1":
        raise ProfilingError("unreadable", reason="not_parquet", file=name)
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet({_sql_str(path)})").fetchall()
    except Exception as exc:  # DuckDB raises several error classes here
        raise ProfilingError(
            "unreadable", reason="parquet", file=name, detail=_first_line(exc)
        ) from exc
    return Source(path=path, format="parquet", file_size=size, header=[r[0] for r in rows])


def likely_encoding(head: bytes) -> str | None:
    """The encoding a text that is neither UTF-8 nor Latin-1 most likely has (``utf-16``,
    ``utf-32``…), from its byte-order mark or the place of its null bytes; ``None`` when
    nothing suggests a text encoding (binary)."""
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    sample = head[:4096]
    if len(sample) >= 4:
        odd_nulls = sample[1::2].count(0) / max(1, len(sample[1::2]))
        even_nulls = sample[0::2].count(0) / max(1, len(sample[0::2]))
        if odd_nulls > 0.8 and even_nulls < 0.2:
            return "utf-16-le"
        if even_nulls > 0.8 and odd_nulls < 0.2:
            return "utf-16-be"
    return None


def _detect_encoding(head: bytes, name: str, at_eof: bool) -> str:
    if (
        head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE))
        or b"\x00" in head[:4096]
    ):
        detected = likely_encoding(head)
        if detected:
            raise ProfilingError(
                "encoding", reason="unsupported", file=name, detected=detected, suggested="utf-8"
            )
        raise ProfilingError(
            "encoding", reason="binary", file=name, detected=None, suggested="utf-8"
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=at_eof)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


def _open_csv(
    path: str, size: int, head: bytes, declared: list[str] | None, encoding: str | None
) -> Source:
    name = os.path.basename(path)
    encoding = encoding or _detect_encoding(head, name, at_eof=size <= len(head))
    text = head.decode(encoding, errors="replace")
    text = text.removeprefix("\ufeff")
    first_line = text.splitlines()[0] if text.splitlines() else ""
    if not first_line.strip():
        raise ProfilingError("malformed_csv", reason="empty_header", file=name, line=1)
    wanted = {_normalise(d) for d in declared} if declared else set()

    def score(delim: str) -> tuple[int, int]:
        fields = next(csv.reader([first_line], delimiter=delim))
        return (len({_normalise(f) for f in fields} & wanted), len(fields))

    delimiter = max(DELIMITERS, key=score)
    header = [f.strip() for f in next(csv.reader([first_line], delimiter=delimiter))]
    if len(header) == 1 and (not declared or len(declared) > 1):
        raise ProfilingError(
            "separator",
            reason="one_column",
            file=name,
            header=header[0][:60],
            detected=likely_delimiter(text.splitlines()[:20]),
            suggested=";",
        )
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    return Source(
        path=path,
        format="csv",
        file_size=size,
        encoding=encoding,
        delimiter=delimiter,
        header=header,
    )


def likely_delimiter(lines: list[str]) -> str | None:
    """The character that most likely separates the fields of these lines: one that is not
    a letter, digit, underscore, quote or dot, found the same number of times (at least
    once) on every non-empty line, the most frequent first."""
    lines = [line for line in lines if line.strip()]
    if not lines:
        return None
    candidates: dict[str, int] = {}
    for ch in set(lines[0]):
        if ch.isalnum() or ch in "_\"'.-+/" or ch == "\ufeff":
            continue
        counts = {line.count(ch) for line in lines}
        if len(counts) == 1 and (n := counts.pop()) > 0:
            candidates[ch] = n
    if not candidates:
        return None
    return max(candidates, key=lambda ch: (candidates[ch], ch in DELIMITERS))


def _map_columns(
    source: Source, declared: list[str] | None, allow_missing: bool, allow_extra: bool
) -> None:
    name = os.path.basename(source.path)
    seen: dict[str, str] = {}
    duplicates = []
    for col in source.header:
        key = _normalise(col)
        if key in seen:
            duplicates.append(col)
        seen[key] = col
    if duplicates:
        raise ProfilingError("duplicate_columns", file=name, columns=duplicates)
    if declared is None:
        source.columns = {col: col for col in source.header}
        return
    by_decl = {_normalise(d): d for d in declared}
    missing = [d for k, d in by_decl.items() if k not in seen]
    extra = [col for k, col in seen.items() if k not in by_decl]
    if missing and len(missing) == len(declared):
        if source.format == "csv":
            likely = (
                likely_delimiter([",".join(source.header)]) if len(source.header) == 1 else None
            )
            raise ProfilingError(
                "separator",
                reason="no_column",
                file=name,
                header=source.header[:8],
                missing=missing,
                detected=likely,
                suggested=";",
            )
        raise ProfilingError(
            "missing_columns",
            reason="none",
            file=name,
            header=source.header[:8],
            missing=missing,
            unexpected=extra,
        )
    if missing and not allow_missing:
        raise ProfilingError("missing_columns", file=name, missing=missing, unexpected=extra)
    if extra and not allow_extra:
        raise ProfilingError("unexpected_columns", file=name, missing=missing, unexpected=extra)
    source.columns = {d: seen[k] for k, d in by_decl.items() if k in seen}
    source.absent = missing
    if allow_extra:
        # Undeclared columns are read too (under their own name), profiled as text.
        source.undeclared = extra
        source.columns.update({col: col for col in extra})


_LINE = re.compile(r"(?:Line|line):?\s*(\d+)")


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__


def translate_duckdb_error(exc: BaseException, source: Source | None) -> ProfilingError:
    """Turn a DuckDB read error into a :class:`ProfilingError` that says what to fix."""
    name = os.path.basename(source.path) if source else "?"
    text = str(exc)
    match = _LINE.search(text)
    line = int(match.group(1)) if match else None
    if "Out of Memory" in text or "could not allocate" in text.lower():
        return ProfilingError("resources", file=name)
    if "unicode" in text.lower():
        current = (source.encoding if source else None) or "utf-8"
        suggested = "latin-1" if current == "utf-8" else "utf-8"
        return ProfilingError(
            "encoding",
            reason="invalid",
            file=name,
            line=line,
            detected=current,
            suggested=suggested,
        )
    if (
        source
        and source.format == "csv"
        and (
            "Expected Number of Columns" in text
            or "columns" in text.lower()
            or "quote" in text.lower()
        )
    ):
        return ProfilingError(
            "malformed_csv",
            file=name,
            line=line,
            fields=len(source.header),
            delimiter=source.delimiter or ",",
        )
    return ProfilingError(
        "unreadable", reason="read", file=name, line=line, detail=_first_line(exc)
    )
