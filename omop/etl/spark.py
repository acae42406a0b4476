"""The one SparkSession factory: ``local[*]`` unless the configuration names a cluster.

Needs Java 17. Memory stays modest by default (``EngineConfig.spark_driver_memory``, 2g)
because the worker shares its machine; on a cluster, size executors with the usual
``spark.*`` settings (``SPARK_CONF_DIR``). Input and output paths must then be on storage
every node can read.
"""

from __future__ import annotations

from .config import EngineConfig


def get_spark(config: EngineConfig | None = None, app_name: str = "hdh-omop-etl",
              shuffle_partitions: int | None = None):  # fmt: skip
    from pyspark.sql import SparkSession

    config = config or EngineConfig()
    partitions = shuffle_partitions or config.spark_partitions or 2 * config.cores()
    builder = (
        SparkSession.builder.appName(app_name)
        .master(config.spark_master_url or "local[*]")
        .config("spark.driver.memory", config.spark_driver_memory)
        .config("spark.sql.shuffle.partitions", str(partitions))
        # input splits of at most 16 MB: a 300 MB ER_PRS_F is ~20 tasks of ~500,000 lines,
        # whose sorts fit a small heap (4 splits of 2.5 M lines ran out of it)
        .config("spark.sql.files.maxPartitionBytes", str(16 * 1024 * 1024))
        .config("spark.default.parallelism", str(partitions))
        # cached frames are read back once or twice: compressing their columns costs more
        # than it saves (caching ten million lines took twice as long as computing them)
        .config("spark.sql.inMemoryColumnarStorage.compressed", "false")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # invalid dates and casts give null (as DuckDB's TRY_CAST), not an error
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.legacy.timeParserPolicy", "CORRECTED")
        .config("spark.sql.sources.partitionOverwriteMode", "static")
        # the person and dimension sides of joins are small: broadcast them, never shuffle
        # the ten million event lines for them
        .config("spark.sql.autoBroadcastJoinThreshold", str(64 * 1024 * 1024))
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.driver.extraJavaOptions", "-Dlog4j2.level=ERROR")
    )
    if config.temp_dir:
        builder = builder.config("spark.local.dir", config.temp_dir)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def partitions_for(input_bytes: int, config: EngineConfig | None = None) -> int:
    """Shuffle partitions for an extract of ``input_bytes`` (compressed Parquet or CSV on
    disk): at least two per core, and one per 8 MB of input so that a task never sorts
    millions of lines at once (four partitions ran out of heap on 10 million ER_PRS_F
    lines; two hundred made a small extract four times slower).
    ``EngineConfig.spark_partitions`` overrides it."""
    config = config or EngineConfig()
    if config.spark_partitions:
        return config.spark_partitions
    return max(2 * config.cores(), -(-input_bytes // (8 * 1024 * 1024)))
