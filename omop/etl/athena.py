"""OHDSI Athena vocabulary bundles: check them, stream them, turn them into Parquet.

An Athena download is a folder (or its zip) of tab-separated files named ``CONCEPT.csv``,
``CONCEPT_RELATIONSHIP.csv``… with a header line, no quoting, dates as ``YYYYMMDD``, UTF-8.
A full bundle has tens of millions of relationship rows, so nothing here holds a file in
memory: DuckDB reads each file in one streaming pass (typed, strict about the number of
fields and the dates) and writes the Parquet copy the engines read; the portal's database
then streams the same checked file (``COPY`` on PostgreSQL).

Errors are :class:`VocabularyError`: a code and its parameters (the file, the line), which
the Django layer turns into a sentence in the page's language. No Django import here.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .dialect import literal
from .errors import InputError

# Athena's files, their columns in file order, and the DuckDB type of each.
DATE = "DATE"
FILES: dict[str, tuple[tuple[str, str], ...]] = {
    "CONCEPT": (
        ("concept_id", "BIGINT"), ("concept_name", "VARCHAR"), ("domain_id", "VARCHAR"),
        ("vocabulary_id", "VARCHAR"), ("concept_class_id", "VARCHAR"),
        ("standard_concept", "VARCHAR"), ("concept_code", "VARCHAR"),
        ("valid_start_date", DATE), ("valid_end_date", DATE), ("invalid_reason", "VARCHAR"),
    ),
    "CONCEPT_RELATIONSHIP": (
        ("concept_id_1", "BIGINT"), ("concept_id_2", "BIGINT"), ("relationship_id", "VARCHAR"),
        ("valid_start_date", DATE), ("valid_end_date", DATE), ("invalid_reason", "VARCHAR"),
    ),
    "CONCEPT_ANCESTOR": (
        ("ancestor_concept_id", "BIGINT"), ("descendant_concept_id", "BIGINT"),
        ("min_levels_of_separation", "INTEGER"), ("max_levels_of_separation", "INTEGER"),
    ),
    "VOCABULARY": (
        ("vocabulary_id", "VARCHAR"), ("vocabulary_name", "VARCHAR"),
        ("vocabulary_reference", "VARCHAR"), ("vocabulary_version", "VARCHAR"),
        ("vocabulary_concept_id", "BIGINT"),
    ),
    "DOMAIN": (("domain_id", "VARCHAR"), ("domain_name", "VARCHAR"), ("domain_concept_id", "BIGINT")),
    "CONCEPT_CLASS": (
        ("concept_class_id", "VARCHAR"), ("concept_class_name", "VARCHAR"),
        ("concept_class_concept_id", "BIGINT"),
    ),
    "RELATIONSHIP": (
        ("relationship_id", "VARCHAR"), ("relationship_name", "VARCHAR"),
        ("is_hierarchical", "VARCHAR"), ("defines_ancestry", "VARCHAR"),
        ("reverse_relationship_id", "VARCHAR"), ("relationship_concept_id", "BIGINT"),
    ),
    "CONCEPT_SYNONYM": (
        ("concept_id", "BIGINT"), ("concept_synonym_name", "VARCHAR"),
        ("language_concept_id", "BIGINT"),
    ),
}  # fmt: skip
# Loaded first to last: the small files first, so that a bad bundle fails fast.
ORDER = ("VOCABULARY", "DOMAIN", "CONCEPT_CLASS", "RELATIONSHIP", "CONCEPT",
         "CONCEPT_SYNONYM", "CONCEPT_RELATIONSHIP", "CONCEPT_ANCESTOR")  # fmt: skip
NOT_NULL = {  # Athena's required fields (OMOP CDM v5.4 vocabulary tables)
    "CONCEPT": {"concept_id", "concept_name", "domain_id", "vocabulary_id", "concept_class_id",
                "concept_code", "valid_start_date", "valid_end_date"},
    "CONCEPT_RELATIONSHIP": {"concept_id_1", "concept_id_2", "relationship_id",
                             "valid_start_date", "valid_end_date"},
    "CONCEPT_ANCESTOR": {"ancestor_concept_id", "descendant_concept_id",
                         "min_levels_of_separation", "max_levels_of_separation"},
    "VOCABULARY": {"vocabulary_id", "vocabulary_name", "vocabulary_concept_id"},
    "DOMAIN": {"domain_id", "domain_name", "domain_concept_id"},
    "CONCEPT_CLASS": {"concept_class_id", "concept_class_name", "concept_class_concept_id"},
    "RELATIONSHIP": {"relationship_id", "relationship_name", "is_hierarchical",
                     "reverse_relationship_id", "relationship_concept_id"},
    "CONCEPT_SYNONYM": {"concept_id", "concept_synonym_name", "language_concept_id"},
}  # fmt: skip
LOCAL_RANGE = 2_000_000_000  # OMOP's range for concepts made by a site, never Athena's
MAX_MEMBER_BYTES = 20 * 1024**3  # one Athena file, uncompressed (CONCEPT_ANCESTOR is ~10 GB)
MAX_RATIO = 200  # text compresses ~10×; a zip bomb compresses thousands of times


class VocabularyError(InputError):
    """A bundle or a mapping file that cannot be loaded: ``code`` and ``params`` say why
    (worded by ``omop/vocabulary/messages.py``)."""


@dataclass(frozen=True)
class Bundle:
    folder: Path
    files: dict[str, Path]  # table name → its file

    def fingerprint(self) -> str:
        """Identifies the bundle's content cheaply: the VOCABULARY file and every size."""
        digest = hashlib.sha256(self.files["VOCABULARY"].read_bytes())
        for name in ORDER:
            digest.update(f"{name}:{self.files[name].stat().st_size}".encode())
        return digest.hexdigest()


def open_bundle(path: str | Path, workdir: Path) -> Bundle:
    """The bundle at ``path`` (a folder, or a zip unpacked into ``workdir``), its files found
    by name whatever their case, each one checked for its header line."""
    path = Path(path)
    if not path.exists():
        raise VocabularyError("bundle_not_found", path=str(path))
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise VocabularyError("bundle_not_a_folder_or_zip", path=str(path))
        folder = workdir / "bundle"
        _unzip(path, folder)
    else:
        folder = path
    by_name = {p.stem.upper(): p for p in _candidates(folder)}
    files = {}
    for name in ORDER:
        if name not in by_name:
            raise VocabularyError("missing_file", file=f"{name}.csv")
        files[name] = by_name[name]
        check_header(name, files[name])
    return Bundle(folder=folder, files=files)


def _candidates(folder: Path) -> Iterator[Path]:
    for p in folder.rglob("*"):
        if p.is_file() and p.suffix.lower() in (".csv", ".tsv", ".txt"):
            yield p


def _unzip(archive: Path, target: Path) -> None:
    """Unpack through the portal's one safe archive reader: sizes, ratio, links and paths
    bounded; what it wrote is removed when it refuses."""
    from portal.archives import ArchiveError, Limits, SafeZip

    limits = Limits(
        entry_bytes=MAX_MEMBER_BYTES, total_bytes=4 * MAX_MEMBER_BYTES, ratio=MAX_RATIO,
        entries=100,
    )  # fmt: skip
    try:
        with SafeZip(archive, limits) as zf:
            zf.extract(target)
    except ArchiveError as exc:
        raise VocabularyError("archive_refused", file=archive.name, reason=exc.code) from exc


def header(path: Path) -> list[str]:
    """The column names of a file's first line, lower-case, in file order."""
    with path.open("rb") as f:
        first = f.readline().decode("utf-8-sig", errors="replace").rstrip("\r\n")
    return [c.strip().lower() for c in first.split("\t")]


def check_header(name: str, path: Path) -> None:
    columns = header(path)
    expected = [c for c, _ in FILES[name]]
    missing = [c for c in expected if c not in columns]
    if missing:
        raise VocabularyError("missing_columns", file=path.name, columns=", ".join(missing))


def to_parquet(
    bundle: Bundle,
    parquet_dir: Path,
    *,
    memory_limit: str = "1GB",
    temp_dir: Path | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Check every file in one streaming pass and write ``<table>.parquet``; returns rows."""
    import duckdb

    parquet_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    if temp_dir is not None:
        con.execute(f"SET temp_directory = '{temp_dir}'")
    counts = {}
    try:
        for name in ORDER:
            path = bundle.files[name]
            types = dict(FILES[name])
            columns = ", ".join(
                f"'{c}': '{'VARCHAR' if types.get(c, 'VARCHAR') == DATE else types.get(c, 'VARCHAR')}'"
                for c in header(path)
            )
            select = ", ".join(
                f"strptime({c}, '%Y%m%d')::DATE AS {c}" if t == DATE else c for c, t in FILES[name]
            )
            nulls = " OR ".join(f"{c} IS NULL" for c in sorted(NOT_NULL[name]))
            source = (
                f"read_csv({literal(path)}, delim='\t', quote='', escape='', header=true, "
                f"columns={{{columns}}}, strict_mode=true, null_padding=false, "
                f"auto_detect=false, parallel=true)"
            )
            out = parquet_dir / f"{name.lower()}.parquet"
            try:
                con.execute(
                    f"COPY (SELECT {select} FROM {source}) TO {literal(out)} "  # noqa: S608 (identifiers from the fixed Athena spec)
                    "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)"
                )
            except duckdb.Error as exc:
                line, what = locate_bad_line(path, name)
                raise VocabularyError(what, file=path.name, line=line) from exc
            # required fields: checked on the columnar copy, not by parsing the text again
            bad = con.execute(f"SELECT count(*) FROM {literal(out)} WHERE {nulls}").fetchone()[0]  # noqa: S608 (identifiers from the fixed Athena spec)
            if bad:
                raise VocabularyError(
                    "required_value_missing", file=path.name, line=_first_null_line(path, name)
                )
            counts[name] = con.execute(f"SELECT count(*) FROM {literal(out)}").fetchone()[0]  # noqa: S608 (identifiers from the fixed Athena spec)
            if progress:
                progress(name, counts[name])
    finally:
        con.close()
    return counts


_DATE = re.compile(r"^\d{8}$")


def locate_bad_line(path: Path, name: str) -> tuple[int | None, str]:
    """The first line (1 = the header) whose fields DuckDB refused, and why; only run after
    a failure, so a bad bundle costs one more pass and a good one none."""
    types = dict(FILES[name])
    kinds = [types.get(column, "VARCHAR") for column in header(path)]
    width = len(kinds)
    with path.open("rb") as f:
        f.readline()
        for number, raw in enumerate(f, start=2):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                return number, "not_utf8"
            fields = text.rstrip("\r\n").split("\t")
            if len(fields) != width:
                return number, "wrong_field_count"
            for kind, value in zip(kinds, fields, strict=True):
                if kind == DATE and value and not _valid_date(value):
                    return number, "bad_date"
                if kind in ("BIGINT", "INTEGER") and value and not value.lstrip("-").isdigit():
                    return number, "bad_number"
    return None, "unreadable_file"


def _valid_date(value: str) -> bool:
    import datetime as dt

    if not _DATE.match(value):
        return False
    try:
        dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return False
    return True


def _first_null_line(path: Path, name: str) -> int | None:
    required = [i for i, c in enumerate(header(path)) if c in NOT_NULL[name]]
    with path.open("rb") as f:
        f.readline()
        for number, raw in enumerate(f, start=2):
            fields = raw.decode("utf-8", errors="replace").rstrip("\r\n").split("\t")
            if any(i >= len(fields) or fields[i] == "" for i in required):
                return number
    return None


def versions(parquet_dir: Path) -> dict[str, str]:
    """vocabulary_id → vocabulary_version, from the VOCABULARY file of a loaded bundle."""
    import duckdb

    rows = duckdb.sql(
        f"SELECT vocabulary_id, coalesce(vocabulary_version, '') "  # noqa: S608 (identifiers from the fixed Athena spec)
        f"FROM {literal(parquet_dir / 'vocabulary.parquet')} ORDER BY 1"
    ).fetchall()
    return dict(rows)


def version_string(by_vocabulary: dict[str, str], used: set[str] | None = None) -> str:
    """What ``cdm_source.vocabulary_version`` says: the versions of the vocabularies used
    (all when ``used`` is None), ``vocabulary_id version`` joined by ``; ``."""
    items = sorted((k, v) for k, v in by_vocabulary.items() if used is None or k in used)
    return "; ".join(f"{k} {v}".strip() for k, v in items)[:255]


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
