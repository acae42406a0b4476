"""What a conversion may use of the machine, passed in by the caller (built once from the
Django settings by ``omop.services.engine_config``); the engines read no environment."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class EngineConfig:
    # DuckDB: memory cap (spills to temp_dir beyond it) and threads (None = every core)
    memory_limit: str = "2GB"
    threads: int | None = None
    # DuckDB: keep the intermediate tables in a compressed database file of temp_dir rather
    # than in memory (None = when the extract would not fit in memory_limit once decoded)
    tables_on_disk: bool | None = None
    # where engines spill and stage intermediate Parquet (None = next to the output)
    temp_dir: str | None = None
    # Spark: local[*] or spark://host:7077 (input and output then on storage every node reads)
    spark_master_url: str = "local[*]"
    spark_driver_memory: str = "2g"
    spark_partitions: int | None = None  # None = from the input size (spark.partitions_for)
    # the day of the run (cdm_release_date, plausibility limits); None = today
    release_date: dt.date | None = None
    # the vocabulary applied to the events: a loaded Athena bundle's Parquet copy
    # (concept.parquet, concept_relationship.parquet, concept_ancestor.parquet,
    # vocabulary.parquet) and the curated SOURCE_TO_CONCEPT_MAP as (source_vocabulary_id,
    # source_code, target_concept_id); None / empty: no mapping, every concept 0
    vocabulary_dir: str | None = None
    stcm: tuple[tuple[str, str, int], ...] = ()

    def release(self) -> dt.date:
        return self.release_date or dt.date.today()

    def cores(self) -> int:
        return self.threads or os.cpu_count() or 2


def release_date_from_epoch(epoch: str | int | None) -> dt.date | None:
    """``SOURCE_DATE_EPOCH`` (seconds) → the release date it pins, for reproducible output."""
    if epoch in (None, ""):
        return None
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
