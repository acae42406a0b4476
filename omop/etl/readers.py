"""Finding and reading the files of an SNDS extract.

An extract is a folder of files named after SNDS tables (``IR_BEN_R.csv``,
``er_prs_f.parquet``, ``T_MCO13E.csv``…; names case-insensitive). CSV files may use ``;``
or ``,`` (also tab or ``|``), UTF-8 or Latin-1; column names are case-insensitive and
``NUM_ENQ`` stands for ``BEN_NIR_PSA``. Both engines use :func:`discover`,
:func:`csv_format` and :func:`column_map`; ``engine.py`` turns the files into views.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .errors import InputError
from .mapping import ALIASES, InputTable

_SUFFIXES = (".csv.gz", ".csv", ".txt", ".parquet", ".pq")
_PMSI = re.compile(r"^T_MCO(\d\d|AA)([A-Z]+)$")


@dataclass(frozen=True)
class Source:
    """One input table: its files and format."""

    table: str
    paths: tuple[Path, ...]
    fmt: str  # csv | parquet


def table_name(path: Path) -> str | None:
    """SNDS table of a file name (``t_mco13e.csv`` → ``T_MCOAAE``), None if not a table."""
    name = path.name.upper()
    for suffix in _SUFFIXES:
        if name.endswith(suffix.upper()):
            name = name[: -len(suffix)]
            break
    else:
        if not path.is_dir():
            return None
    m = _PMSI.match(name)
    if m:
        return f"T_MCOAA{m.group(2)}"
    return name


def discover(input_dir: str | Path) -> dict[str, Source]:
    """The SNDS tables present in an extract folder."""
    root = Path(input_dir)
    if not root.is_dir():
        raise InputError("input_folder_missing", folder=str(root))
    found: dict[str, list[Path]] = {}
    fmts: dict[str, str] = {}
    for path in sorted(root.iterdir()):
        if path.name.startswith((".", "_")):
            continue
        table = table_name(path)
        if table is None:
            continue
        fmt = "parquet" if _is_parquet(path) else "csv"
        if table in fmts and fmts[table] != fmt:
            raise InputError("csv_and_parquet", table=table, folder=str(root))
        fmts[table] = fmt
        found.setdefault(table, []).append(path)
    return {t: Source(t, tuple(p), fmts[t]) for t, p in found.items()}


def path_bytes(path: Path) -> int:
    """Bytes of a file, or of every file under a folder."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def input_bytes(sources: dict[str, Source]) -> int:
    """Bytes of an extract's files, folders of parts included (engines size their work by it)."""
    return sum(path_bytes(path) for source in sources.values() for path in source.paths)


def _is_parquet(path: Path) -> bool:
    if path.is_dir():
        return any(path.glob("*.parquet"))
    return path.suffix.lower() in (".parquet", ".pq")


@dataclass(frozen=True)
class CsvFormat:
    delimiter: str
    encoding: str
    header: tuple[str, ...]  # as written in the file


def csv_format(path: Path) -> CsvFormat:
    """Sniff delimiter and encoding (UTF-8, else Latin-1) from the start of a CSV file."""
    opener = _open_gz if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as f:
        head = f.read(1 << 20)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        encoding = "utf-8"
    except UnicodeDecodeError:
        encoding = "latin-1"
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    first = text.splitlines()[0] if text.strip() else ""
    if not first:
        raise InputError("empty_file", file=path.name)
    delimiter = max((";", ",", "\t", "|"), key=first.count)
    header = tuple(h.strip().strip('"') for h in first.split(delimiter))
    return CsvFormat(delimiter, encoding, header)


def _open_gz(path: Path, mode: str):
    import gzip

    return gzip.open(path, mode)


def column_map(header: tuple[str, ...] | list[str], table: InputTable) -> dict[str, str]:
    """Canonical column → column name as written in the file, for the columns we read."""
    upper = {}
    for name in header:
        key = name.strip().upper()
        upper.setdefault(key, name)
    out = {}
    for canonical in table.columns:
        if canonical in upper:
            out[canonical] = upper[canonical]
    for alias, canonical in ALIASES.items():
        if canonical in table.columns and canonical not in out and alias in upper:
            out[canonical] = upper[alias]
    return out


def parquet_header(path: Path) -> list[str]:
    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    try:
        return list(pq.read_schema(files[0]).names)
    except pa.ArrowException as exc:
        raise InputError(
            "unreadable_file", file=files[0].name, kind="Parquet", detail=str(exc)
        ) from exc


def parquet_rows(path: Path) -> int:
    """Row count from the Parquet footers: no data read."""
    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    try:
        return sum(pq.ParquetFile(f).metadata.num_rows for f in files)
    except pa.ArrowException as exc:
        raise InputError(
            "unreadable_file", file=files[0].name, kind="Parquet", detail=str(exc)
        ) from exc
