"""The vocabulary tables in the portal's database, loaded whole and swapped in at once.

PostgreSQL (production): a schema of its own, ``vocab``. A load fills ``vocab_load`` with
``COPY … FROM STDIN`` straight from the checked Athena files (streamed in 1 MiB chunks:
nothing is held in memory), indexes it, then one transaction drops ``vocab`` and renames
``vocab_load`` — a failed load leaves the previous vocabulary in use.

SQLite (embedded default): the same tables named ``vocab_<table>``, filled from the Parquet
copy in batches, swapped by renaming in one transaction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connection, transaction

from omop.etl.athena import DATE, FILES, ORDER, Bundle

logger = logging.getLogger(__name__)
SCHEMA, STAGING = "vocab", "vocab_load"
CHUNK = 1024 * 1024
SQL_TYPES = {"BIGINT": "bigint", "INTEGER": "integer", "VARCHAR": "text", DATE: "date"}
INDEXES = {
    "CONCEPT": (("concept_id",), ("vocabulary_id", "concept_code")),
    "CONCEPT_RELATIONSHIP": (("concept_id_1", "relationship_id"),),
    "CONCEPT_ANCESTOR": (("ancestor_concept_id",), ("descendant_concept_id",)),
    "CONCEPT_SYNONYM": (("concept_id",),),
}


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def table_name(name: str) -> str:
    """The qualified name of a vocabulary table in use (``CONCEPT`` → ``vocab.concept``)."""
    return f"{SCHEMA}.{name.lower()}" if is_postgresql() else f"vocab_{name.lower()}"


def _ddl(name: str, qualified: str) -> str:
    columns = ", ".join(f"{c} {SQL_TYPES[t]}" for c, t in FILES[name])
    return f"CREATE TABLE {qualified} ({columns})"


def load(
    bundle: Bundle, parquet_dir: Path, *, progress: Callable[[str, int], None] | None = None
) -> None:
    """Fill the staging tables from ``bundle`` and swap them in; nothing changes on failure."""
    if is_postgresql():
        stage_postgresql(bundle, progress)
        swap_postgresql()
    else:
        _load_sqlite(parquet_dir, progress)


def stage_postgresql(bundle: Bundle, progress=None) -> None:
    """COPY every checked file into the ``vocab_load`` schema (dropped again on failure).
    Outside a transaction (a command, a job) each statement commits as it goes, so the
    staging tables never hold a long transaction open; it can then run in a thread of its
    own, beside the Parquet pass."""
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {STAGING} CASCADE")
        cur.execute(f"CREATE SCHEMA {STAGING}")
    try:
        for name in ORDER:
            path = bundle.files[name]
            with path.open("rb") as f:
                header = f.readline().decode("utf-8-sig").rstrip("\r\n").split("\t")
            columns = ", ".join(c.strip().lower() for c in header)
            with raw.cursor() as cur:
                cur.execute(_ddl(name, f"{STAGING}.{name.lower()}"))
                # CSV mode with a quote character that Athena never writes: tabs separate,
                # nothing is quoted or escaped, an empty field is NULL
                copy_sql = (
                    f"COPY {STAGING}.{name.lower()} ({columns}) FROM STDIN "
                    "WITH (FORMAT csv, DELIMITER E'\\t', QUOTE E'\\x01', HEADER true)"
                )
                t0 = time.perf_counter()
                with path.open("rb") as f, cur.copy(copy_sql) as copy:
                    while chunk := f.read(CHUNK):
                        copy.write(chunk)
                t1 = time.perf_counter()
                for i, cols in enumerate(INDEXES.get(name, ())):
                    cur.execute(
                        f"CREATE INDEX {name.lower()}_{i} ON {STAGING}.{name.lower()} "
                        f"({', '.join(cols)})"
                    )
                t2 = time.perf_counter()
                cur.execute(f"ANALYZE {STAGING}.{name.lower()}")
            # the phases that bench/vocabulary.py prints beside its floor (COPY alone)
            logger.info("vocabulary %s: COPY %.1f s, indexes %.1f s, ANALYZE %.1f s",
                        name, t1 - t0, t2 - t1, time.perf_counter() - t2)  # fmt: skip
            if progress:
                progress(name, 0)
    except Exception:
        drop_staging()
        raise


def drop_staging() -> None:
    if is_postgresql() and not connection.in_atomic_block:
        # inside a transaction, the caller's rollback undoes it all
        with connection.connection.cursor() as cur:
            cur.execute(f"DROP SCHEMA IF EXISTS {STAGING} CASCADE")


def swap_postgresql() -> None:
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cur.execute(f"ALTER SCHEMA {STAGING} RENAME TO {SCHEMA}")
    logger.info("vocabulary swap: %.1f s", time.perf_counter() - t0)


def _load_sqlite(parquet_dir: Path, progress) -> None:
    import duckdb

    staging = {name: f"vocab_load_{name.lower()}" for name in ORDER}
    reader = duckdb.connect()
    with connection.cursor() as cur:
        for name in ORDER:
            cur.execute(f"DROP TABLE IF EXISTS {staging[name]}")
            cur.execute(_ddl(name, staging[name]))
            columns = [c for c, _ in FILES[name]]
            marks = ", ".join("%s" for _ in columns)
            insert = f"INSERT INTO {staging[name]} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 (identifiers from the fixed Athena spec)
            result = reader.execute(
                f"SELECT {', '.join(columns)} FROM '{parquet_dir / (name.lower() + '.parquet')}'"  # noqa: S608 (identifiers from the fixed Athena spec)
            )
            while batch := result.fetchmany(50_000):
                cur.executemany(insert, batch)
            if progress:
                progress(name, 0)
    with transaction.atomic(), connection.cursor() as cur:
        for name in ORDER:
            final = f"vocab_{name.lower()}"
            cur.execute(f"DROP TABLE IF EXISTS {final}")  # its indexes go with it
            cur.execute(f"ALTER TABLE {staging[name]} RENAME TO {final}")
            for i, cols in enumerate(INDEXES.get(name, ())):
                cur.execute(f"CREATE INDEX {final}_{i} ON {final} ({', '.join(cols)})")


def is_loaded() -> bool:
    with connection.cursor() as cur:
        if is_postgresql():
            cur.execute(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = %s "
                "AND table_name = 'concept'",
                [SCHEMA],
            )
        else:
            cur.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='vocab_concept'")
        return cur.fetchone() is not None


def concepts_by_id(ids: list[int]) -> dict[int, dict]:
    """The concepts of ``ids`` that exist in the loaded vocabulary."""
    if not ids or not is_loaded():
        return {}
    found = {}
    with connection.cursor() as cur:
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            cur.execute(
                f"SELECT concept_id, concept_name, domain_id, vocabulary_id, standard_concept, "  # noqa: S608 (identifiers from the fixed Athena spec)
                f"concept_code FROM {table_name('CONCEPT')} WHERE concept_id IN "
                f"({', '.join('%s' for _ in part)})",
                part,
            )
            for row in cur.fetchall():
                found[row[0]] = dict(zip(
                    ("concept_id", "concept_name", "domain_id", "vocabulary_id",
                     "standard_concept", "concept_code"), row, strict=True))  # fmt: skip
    return found


def concept_rows(where: str, params: list, limit: int = 200) -> list[dict]:
    """Standard concepts matching ``where`` (a condition on ``c.`` or ``s.`` columns), with
    their synonyms' names concatenated."""
    if not is_loaded():
        return []
    concept, synonym = table_name("CONCEPT"), table_name("CONCEPT_SYNONYM")
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT c.concept_id, c.concept_name, c.domain_id, c.vocabulary_id, "  # noqa: S608 (identifiers from the fixed Athena spec)
            f"c.concept_class_id, c.concept_code, s.concept_synonym_name "
            f"FROM {concept} c LEFT JOIN {synonym} s ON s.concept_id = c.concept_id "
            f"WHERE c.standard_concept = 'S' AND c.invalid_reason IS NULL AND ({where}) "
            f"LIMIT {int(limit)}",
            params,
        )
        keys = ("concept_id", "concept_name", "domain_id", "vocabulary_id", "concept_class_id",
                "concept_code", "synonym")  # fmt: skip
        return [dict(zip(keys, row, strict=True)) for row in cur.fetchall()]


def concepts_of(vocabulary_ids: list[str], *, after_id: int = 0, limit: int = 5000) -> list[dict]:
    """Valid concepts of ``vocabulary_ids`` (standard or not), by concept_id after
    ``after_id``: a page of a walk through whole vocabularies."""
    if not vocabulary_ids or not is_loaded():
        return []
    keys = ("concept_id", "concept_name", "vocabulary_id", "concept_class_id", "concept_code")
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {', '.join(keys)} FROM {table_name('CONCEPT')} "  # noqa: S608 (identifiers from the fixed Athena spec)
            f"WHERE vocabulary_id IN ({', '.join('%s' for _ in vocabulary_ids)}) "
            f"AND invalid_reason IS NULL AND concept_id > %s ORDER BY concept_id LIMIT {int(limit)}",
            [*vocabulary_ids, after_id],
        )
        return [dict(zip(keys, row, strict=True)) for row in cur.fetchall()]
