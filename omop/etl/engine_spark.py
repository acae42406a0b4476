"""The Spark backend: the same SQL steps as DuckDB, run by Spark SQL on ``local[*]`` or the
cluster of ``EngineConfig.spark_master_url``.

The SQL of ``omop/etl/sql/`` is printed in Spark's dialect by ``dialect.render``; each
step becomes a temporary view, cached when later steps read it more than once. Tables are
written as Parquet folders (one part file per task) that the publish step reads.
"""

from __future__ import annotations

from pathlib import Path

from .config import EngineConfig
from .errors import InputError
from .readers import Source, input_bytes
from .spark import get_spark, partitions_for

_SPARK_TYPES = {"VARCHAR": "string", "DATE": "date", "BIGINT": "bigint", "DOUBLE": "double"}


class SparkBackend:
    dialect = "spark"

    def __init__(self, config: EngineConfig, sources: dict[str, Source]):
        self.spark = get_spark(config)
        partitions = partitions_for(input_bytes(sources), config)
        self.spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
        self.cached: list = []
        self.views: list[str] = []

    def register_file(self, view: str, fmt: str, path: Path, csv) -> dict[str, str]:
        from pyspark.errors import PySparkException
        from pyspark.sql import types as T

        try:
            if fmt == "parquet":
                df = self.spark.read.parquet(str(path))
            else:
                df = self.spark.read.csv(
                    str(path), sep=csv.delimiter, header=True,
                    encoding="UTF-8" if csv.encoding == "utf-8" else "ISO-8859-1",
                    inferSchema=False, quote='"', escape='"', mode="PERMISSIVE",
                )  # fmt: skip
        except PySparkException as exc:
            kind = "Parquet" if fmt == "parquet" else "CSV"
            raise InputError("unreadable_file", file=path.name, kind=kind, detail=str(exc)) from exc
        self._view(view, df)
        kinds = {}
        for field in df.schema.fields:
            t = field.dataType
            if isinstance(t, T.DateType):
                kinds[field.name] = "date"
            elif isinstance(t, T.TimestampType | T.TimestampNTZType):
                kinds[field.name] = "timestamp"
            elif isinstance(t, T.IntegralType):
                kinds[field.name] = "integer"
            else:
                kinds[field.name] = "other"
        return kinds

    def count(self, view: str) -> int:
        return self.spark.table(view).count()

    def create(self, name: str, sql: str, *, materialize: bool) -> None:
        df = self.spark.sql(sql)
        if materialize:
            # computed once, its lineage cut: later steps read the blocks, not the plan
            df = df.localCheckpoint(eager=True)
        self._view(name, df)

    def query(self, sql: str) -> list[tuple]:
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def load(self, name: str, schema: list[tuple[str, str]], rows: list[tuple]) -> None:
        ddl = ", ".join(f"{c} {_SPARK_TYPES[t]}" for c, t in schema)
        self._view(name, self.spark.createDataFrame(rows, ddl))

    def export(self, sql: str, path: Path, order_by: list[str] | None = None) -> None:
        if order_by:
            sql += f" ORDER BY {', '.join(order_by)}"
        self.spark.sql(sql).write.mode("error").parquet(str(path))
        for extra in path.iterdir():
            if extra.name.endswith(".crc") or extra.name.startswith("_"):
                extra.unlink()

    def _view(self, name: str, df) -> None:
        df.createOrReplaceTempView(name)
        self.views.append(name)

    def close(self) -> None:
        for df in self.cached:
            df.unpersist()
        for name in set(self.views):
            self.spark.catalog.dropTempView(name)


__all__ = ["SparkBackend"]
