"""Finding and reading the files of an SNDS extract.

An extract is a folder of files named after SNDS tables (``IR_BEN_R.csv``,
``er_prs_f.parquet``, ``T_MCO13E.csv``…; names case-insensitive). CSV files may use ``;``
or ``,`` (also tab or ``|``), UTF-8 or Latin-1; column names are case-insensitive and
``NUM_ENQ`` stands for ``BEN_NIR_PSA``. Both engines use :func:`discover` and
:func:`csv_format`; the pandas engine reads with :func:`read_pandas`.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .errors import InputError
from .mapping import ALIASES, INPUTS, InputTable
from .values import numeric_code, parse_date

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
        raise InputError(f"Input folder {root} does not exist: give the folder of the extract.")
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
            raise InputError(f"{table} is given both as CSV and Parquet in {root}: keep one.")
        fmts[table] = fmt
        found.setdefault(table, []).append(path)
    return {t: Source(t, tuple(p), fmts[t]) for t, p in found.items()}


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
        raise InputError(f"{path.name} is empty: it needs at least a header line.")
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
        raise InputError(f"{files[0].name} is not a readable Parquet file: {exc}") from exc


def parquet_rows(path: Path) -> int:
    """Row count from the Parquet footers: no data read."""
    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    try:
        return sum(pq.ParquetFile(f).metadata.num_rows for f in files)
    except pa.ArrowException as exc:
        raise InputError(f"{files[0].name} is not a readable Parquet file: {exc}") from exc


# --- pandas -----------------------------------------------------------------------------
def read_pandas(source: Source) -> tuple[pd.DataFrame, list[str]]:
    """Read one input table with every column of its contract normalised to text.

    Returns the frame (missing contract columns are all-null) and the list of missing
    columns, for the report's warnings.
    """
    spec = INPUTS[source.table]
    frames = []
    missing: set[str] = set(spec.columns)
    for path in source.paths:
        if source.fmt == "parquet":
            cmap = column_map(parquet_header(path), spec)
            _require_columns(path, cmap, spec)
            try:
                tbl = pq.read_table(path, columns=list(cmap.values()))
            except pa.ArrowException as exc:
                raise InputError(f"{path.name} is not a readable Parquet file: {exc}") from exc
        else:
            fmt = csv_format(path)
            cmap = column_map(fmt.header, spec)
            _require_columns(path, cmap, spec)
            tbl = _read_csv_arrow(path, fmt, list(cmap.values()))
        tbl = tbl.rename_columns([_canonical(cmap, c) for c in tbl.column_names])
        frames.append(_normalise(tbl, spec))
        missing &= set(spec.columns) - set(cmap)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return frame, sorted(missing)


def _require_columns(path: Path, cmap: dict[str, str], spec) -> None:
    """A file with none of its table's columns is a wrong file or a wrong separator."""
    if not cmap:
        expected = ", ".join(spec.columns[:6])
        raise InputError(
            f"{path.name} has none of the columns of {spec.name} (expected e.g. {expected}): "
            "check the file, its header line and its separator (; or ,)."
        )


def _canonical(cmap: dict[str, str], written: str) -> str:
    return next(k for k, v in cmap.items() if v == written)


def _read_csv_arrow(path: Path, fmt: CsvFormat, include: list[str]) -> pa.Table:
    try:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding=fmt.encoding, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=fmt.delimiter, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=include,
                column_types=dict.fromkeys(include, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise InputError(f"{path.name} is not a readable CSV file: {exc}") from exc


def _normalise(tbl: pa.Table, spec: InputTable) -> pd.DataFrame:
    data = {}
    n = tbl.num_rows
    for col in spec.columns:
        if col not in tbl.column_names:
            data[col] = pd.Series([None] * n, dtype="str")
            continue
        arr = tbl.column(col)
        if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
            arr = _to_text(arr)
        arr = pc.utf8_trim_whitespace(arr)
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)
        if col in spec.codes and not _all_match(arr, r"^(0|[1-9][0-9]*)$"):
            data[col] = map_uniques(arr.to_pandas(), numeric_code)
        elif col in spec.dates:  # few distinct dates: parse each once (rejects 2013-02-30)
            data[col] = map_uniques(arr.to_pandas(), parse_date)
        else:
            data[col] = arr.to_pandas().astype("str")
    return pd.DataFrame(data)


def _all_match(arr: pa.ChunkedArray, pattern: str) -> bool:
    """True when every non-null value matches (fast path: no Python per value)."""
    return bool(
        pc.all(pc.match_substring_regex(arr, pattern), skip_nulls=True).as_py() is not False
    )


def _to_text(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_timestamp(arr.type) or pa.types.is_date(arr.type):
        return arr.cast(pa.date32()).cast(pa.string())
    return arr.cast(pa.string())


def map_uniques(series: pd.Series, fn) -> pd.Series:
    """Apply a Python normaliser to each distinct value only (SNDS columns repeat a lot)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = np.array([fn(u) for u in np.asarray(uniques, dtype=object)] + [None], dtype=object)
    return pd.Series(mapped[codes], dtype="str", index=series.index)
