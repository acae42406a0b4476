"""The Spark engine: the same plan as ``engine_pandas``, as Spark column expressions.

Rows are identical to the pandas engine's (a test compares them): the text normalisation
re-implements ``values.numeric_code`` / ``values.parse_date``, ids use the same MD5 recipe
(computed natively: no Python UDF), and rows dropped by a rule are tagged with the same
reason, in the same order, so the report counts match too.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from functools import reduce

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from . import mapping as m
from .dq import run_checks
from .errors import InputError
from .frames import conform
from .readers import Source, column_map, csv_format, parquet_header, parquet_rows
from .report import Run
from .spark import get_spark, partitions_for
from .spec import fields, sort_key
from .values import parse_date, stable_id
from .writers import FolderTarget

DQ_MEMORY = os.environ.get("OMOP_DQ_MEMORY", "1GB")
# the affined tables whose rows become events: (table, target, code column, quantity column)
EVENT_TABLES = (
    ("ER_PHA_F", "drug_exposure", "PHA_PRS_C13", "PHA_ACT_QSN"),
    ("ER_CAM_F", "procedure_occurrence", "CAM_PRS_IDE", None),
)
BIG_TABLES = (
    "person",
    "death",
    "visit_occurrence",
    "drug_exposure",
    "procedure_occurrence",
    "observation_period",
)


# --- normalisation and ids ------------------------------------------------------------
def _text(c: Column) -> Column:
    t = F.trim(c)
    return F.when(t != "", t)


def _numeric_code(c: Column) -> Column:
    t = _text(c)
    plain = t.cast("long").cast("string") == t  # most codes: no regex needed
    digits = F.regexp_replace(F.regexp_extract(t, r"^[+-]?([0-9]+)", 1), "^0+", "")
    digits = F.when(digits == "", F.lit("0")).otherwise(digits)
    sign = F.when(t.startswith("-") & (digits != "0"), F.lit("-")).otherwise(F.lit(""))
    return (
        F.when(plain, t).when(t.rlike(r"^[+-]?[0-9]+(\.0*)?$"), F.concat(sign, digits)).otherwise(t)
    )


def _normalise_dates(spark, df: DataFrame, cols: list[str]) -> DataFrame:
    """Dates repeat a lot: parse each distinct value once with ``values.parse_date`` (the
    pandas engine's function, so both engines agree) and join the result back."""
    if not cols:
        return df
    raw = df.select(F.explode(F.array(*[_c(c) for c in cols])).alias("raw"))
    values = [r[0] for r in raw.where(_c("raw").isNotNull()).distinct().collect()]
    mapping = spark.createDataFrame(
        [(v, parse_date(v)) for v in values] or [("", None)], "raw string, iso string"
    ).select("raw", F.to_date("iso").alias("iso"))
    for col in cols:
        lookup = F.broadcast(
            mapping.select(_c("raw").alias(f"_r_{col}"), _c("iso").alias(f"_i_{col}"))
        )
        df = df.join(lookup, df[col] == lookup[f"_r_{col}"], "left")
        df = df.withColumn(col, _c(f"_i_{col}")).drop(f"_r_{col}", f"_i_{col}")
    return df


def hash_id(*cols: Column) -> Column:
    """The MD5 id recipe: first 8 bytes of MD5, big-endian, shifted right by one bit."""
    key = F.concat_ws("|", *[F.coalesce(c.cast("string"), F.lit("")) for c in cols])
    h = F.md5(key)
    high = F.conv(F.substring(h, 1, 15), 16, 10).cast("long")
    low = F.conv(F.substring(h, 16, 1), 16, 10).cast("long")
    return F.shiftleft(high, 3).bitwiseOR(F.shiftright(low, 1))


def _c(name: str) -> Column:
    return F.col(name)


# --- reading -----------------------------------------------------------------------------
def read_spark(spark, source: Source) -> tuple[DataFrame, list[str]]:
    spec = m.INPUTS[source.table]
    frames, missing = [], set(spec.columns)
    for path in source.paths:
        clean: set[str] = set()  # typed Parquet columns whose text is already normalised
        if source.fmt == "parquet":
            cmap = column_map(parquet_header(path), spec)
            df = spark.read.parquet(str(path))
            exprs = []
            for c, w in cmap.items():
                kind = df.schema[w].dataType
                col = F.col(f"`{w}`")
                if isinstance(kind, T.DateType):
                    pass  # dates stay DateType: text only where an id hashes them
                elif isinstance(kind, T.TimestampType):
                    col = F.to_date(col)
                elif isinstance(kind, T.IntegralType) and c not in spec.dates:
                    col = col.cast("string")  # an integer is its own normalised code
                else:
                    exprs.append(col.cast("string").alias(c))
                    continue
                clean.add(c)
                exprs.append(col.alias(c))
            df = df.select(exprs)
        else:
            fmt = csv_format(path)
            cmap = column_map(fmt.header, spec)
            df = spark.read.csv(
                str(path), sep=fmt.delimiter, header=True,
                encoding="UTF-8" if fmt.encoding == "utf-8" else "ISO-8859-1",
                inferSchema=False, quote='"', escape='"', mode="PERMISSIVE",
            )  # fmt: skip
            df = df.select([F.col(f"`{w}`").alias(c) for c, w in cmap.items()])
        missing &= set(spec.columns) - set(cmap)
        exprs = []
        for col in spec.columns:
            if col not in cmap:
                exprs.append(F.lit(None).cast("date" if col in spec.dates else "string").alias(col))
            elif col in clean:
                exprs.append(F.col(col))
            elif col in spec.codes:
                exprs.append(_numeric_code(F.col(col)).alias(col))
            else:
                exprs.append(_text(F.col(col)).alias(col))
        df = df.select(exprs)
        to_parse = [c for c in spec.dates if c in cmap and c not in clean]
        frames.append(_normalise_dates(spark, df, to_parse))
    return reduce(DataFrame.unionByName, frames), sorted(missing)


# --- the engine --------------------------------------------------------------------------
def run_spark(sources: dict[str, Source], plan: m.Plan, run: Run, target) -> None:
    spark = get_spark()
    size = sum(f.stat().st_size for s in sources.values() for f in _files(s.paths))
    spark.conf.set("spark.sql.shuffle.partitions", str(partitions_for(size)))
    conv = _SparkConversion(spark, sources, plan, run)
    try:
        out = conv.convert()
        conv.write(out, target)
    finally:
        for df in conv.cached:
            df.unpersist()


def _files(paths):
    for path in paths:
        yield from (p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]


class _SparkConversion:
    def __init__(self, spark, sources, plan: m.Plan, run: Run):
        self.spark, self.sources, self.plan, self.run = spark, sources, plan, run
        self.report = run.report
        self.cached: list[DataFrame] = []
        self.f: dict[str, DataFrame] = {}
        self.missing: dict[str, list[str]] = {}
        self.lines = None
        self._linked: dict[str, DataFrame] | None = None
        self.used_providers: set[str] = set()
        self.used_finess: set[str] = set()

    def cache(self, df: DataFrame) -> DataFrame:
        df = df.persist()
        self.cached.append(df)
        return df

    # --- helpers mirroring the pandas engine --------------------------------------------
    def _tally(self, df: DataFrame, table: str) -> DataFrame:
        """Count the rows tagged with a reject reason, return the others (cached)."""
        df = self.cache(df)
        for row in df.groupBy("_reason").count().collect():
            if row["_reason"] is not None:
                self.report.reject(table, row["_reason"], row["count"])
        return df.filter(_c("_reason").isNull()).drop("_reason")

    def _reason(self, rules: list[tuple[Column, str]]) -> Column:
        expr = None
        for cond, reason in rules:
            expr = F.when(cond, F.lit(reason)) if expr is None else expr.when(cond, F.lit(reason))
        return expr if expr is not None else F.lit(None).cast("string")

    def _date_rules(self, start: Column, end: Column) -> list[tuple[Column, str]]:
        rules = [(start.isNull(), m.R_NO_START), (start > end, m.R_START_AFTER_END)]
        w = self.plan.window
        outside = F.lit(False)
        if w.start:
            outside = outside | (start < F.lit(w.start).cast("date"))
        if w.end:
            outside = outside | (start > F.lit(w.end).cast("date"))
        if w:
            rules.append((outside, m.R_OUTSIDE_WINDOW))
        return rules

    def _patient_rules(self) -> list[tuple[Column, str]]:
        return [
            (_c("person_id").isNull() & _c("_dropped"), m.R_PATIENT_DROPPED),
            (_c("person_id").isNull(), m.R_PATIENT_UNKNOWN),
        ]

    def _has_rank(self, table: str) -> bool:
        return "BEN_RNG_GEM" not in self.missing.get("IR_BEN_R", ["BEN_RNG_GEM"]) and (
            "BEN_RNG_GEM" not in self.missing.get(table, ["BEN_RNG_GEM"])
        )

    def _linkable(self, table: str, target: str) -> bool:
        absent = {
            k for t in (table, "ER_PRS_F") for k in m.FLUX_KEYS if k in self.missing.get(t, [])
        }
        if absent:
            self.report.warn(
                f"{table} cannot be linked to ER_PRS_F for {target}: flux key columns "
                f"missing ({', '.join(sorted(absent))})."
            )
            return False
        return True

    def _with_id(self, df: DataFrame, dimension: str, values: set[str]) -> DataFrame:
        """``<dimension>_id`` from ``<dimension>_source_value``: the few distinct values are
        hashed once here and looked up, instead of hashing the same value on every row."""
        source, ident = f"{dimension}_source_value", f"{dimension}_id"
        ids = self.spark.createDataFrame(
            [(v, stable_id(v)) for v in sorted(values)], f"{source} string, {ident} long"
        )
        return df.join(F.broadcast(ids), source, "left")

    # --- steps ----------------------------------------------------------------------------
    def convert(self) -> dict:
        run = self.run
        run.step("read", "reading the extract")
        if "IR_BEN_R" not in self.sources:
            raise InputError(
                "IR_BEN_R is missing from the extract: PERSON cannot be built without the "
                "beneficiary table (add IR_BEN_R.csv or IR_BEN_R.parquet to the input folder)."
            )
        for name, source in self.sources.items():
            if name not in m.INPUTS:
                continue
            df, missing = read_spark(self.spark, source)
            self.missing[name] = missing
            needed = [c for c in m.INPUTS[name].needed if c in missing]
            self.report.rows_read[name] = (
                sum(parquet_rows(p) for p in source.paths)
                if source.fmt == "parquet"
                else df.count()
            )
            if needed:
                if name == "IR_BEN_R":
                    raise InputError(
                        f"IR_BEN_R has no column {' or '.join(needed)} (or NUM_ENQ): "
                        "add the patient pseudonym column."
                    )
                self.report.warn(f"{name} has no column {', '.join(needed)}: table ignored.")
                continue
            if missing:
                self.report.warn(f"{name}: columns absent, read as empty: {', '.join(missing)}")
            self.f[name] = df
            run.progress(5, self.report.rows_read[name], f"read {name}")
        run.done(sum(self.report.rows_read.values()))

        out = {}
        run.step("person")
        out["person"], out["death"] = self.persons()
        run.done()
        parts = []
        if "ER_PRS_F" in self.f:
            parts.append(self.dcir_visits())
        if "T_MCOAAC" in self.f:
            parts.append(self.pmsi_visits())
        if parts:
            # not cached: the DCIR visits are a filter of the cached lines
            visits = reduce(DataFrame.unionByName, parts)
            for row in (
                visits.select("provider_source_value", "care_site_source_value")
                .distinct()
                .collect()
            ):
                if row[0]:
                    self.used_providers.add(row[0])
                if row[1]:
                    self.used_finess.add(row[1])
            visits = self._with_id(visits, "provider", self.used_providers)
            visits = self._with_id(visits, "care_site", self.used_finess)
        else:
            run.step("visit_occurrence")
            visits = self.spark.createDataFrame(
                [], _schema("visit_occurrence", dates_as_text=False)
            )
        out["visit_occurrence"] = visits
        run.done()
        run.step("drug_exposure")
        out["drug_exposure"] = self.drugs()
        run.done()
        run.step("procedure_occurrence")
        out["procedure_occurrence"] = self.procedures()
        run.done()
        run.step("observation_period")
        out["observation_period"] = self.observation_periods(out)
        run.done()
        run.step("dimensions", "location, care site, provider, CDM source")
        out.update(self.dimensions())
        run.done()
        return out

    def persons(self):
        ben = self.f["IR_BEN_R"]
        psv = F.when(
            _c("BEN_RNG_GEM").isNotNull() & (_c("BEN_RNG_GEM") != "1"),
            F.concat(_c("BEN_NIR_PSA"), F.lit("_"), _c("BEN_RNG_GEM")),
        ).otherwise(_c("BEN_NIR_PSA"))
        ben = ben.withColumn("psv", psv)
        order = [F.coalesce(_c(k), F.lit("")).desc() for k in m.BEN_TIE_ORDER]
        win = Window.partitionBy("psv").orderBy(*order)
        year = _c("BEN_NAI_ANN").cast("double")
        ben = ben.withColumn("_n", F.row_number().over(win)).withColumn(
            "_reason",
            self._reason(
                [
                    (_c("BEN_NIR_PSA").isNull(), m.R_NO_PSEUDONYM),
                    (_c("_n") > 1, m.R_SUPERSEDED),
                    (
                        year.isNull()
                        | (year < m.MIN_BIRTH_YEAR)
                        | (year > m.max_birth_year())
                        | (year % 1 != 0),
                        m.R_NO_BIRTH_YEAR,
                    ),
                ]
            ),
        )
        ben = self.cache(ben)
        for row in ben.groupBy("_reason").count().collect():
            if row["_reason"]:
                self.report.reject("person", row["_reason"], row["count"])
        self.person_status = self.cache(
            ben.filter(_c("_reason").isNull() | (_c("_reason") == m.R_NO_BIRTH_YEAR)).select(
                "psv",
                F.when(_c("_reason").isNull(), hash_id(_c("psv"))).alias("person_id"),
                _c("_reason").isNotNull().alias("_dropped"),
            )
        )
        kept = ben.filter(_c("_reason").isNull())
        pairs = (
            kept.select(
                F.coalesce(_c("BEN_RES_DPT"), F.lit("")).alias("d"),
                F.coalesce(_c("BEN_RES_COM"), F.lit("")).alias("c"),
            )
            .distinct()
            .collect()
        )
        lsv_rows = [(r["d"], r["c"], m.location_source_value(r["d"], r["c"])) for r in pairs]
        self.person_lsv = {r[2] for r in lsv_rows if r[2]}
        lsv_df = self.spark.createDataFrame(lsv_rows, "d string, c string, lsv string")
        kept = kept.join(
            F.broadcast(lsv_df),
            (F.coalesce(_c("BEN_RES_DPT"), F.lit("")) == _c("d"))
            & (F.coalesce(_c("BEN_RES_COM"), F.lit("")) == _c("c")),
            "left",
        )
        month = _c("BEN_NAI_MOI").cast("double")
        gender = F.when(_c("BEN_SEX_COD") == "1", F.lit(m.MALE)).when(
            _c("BEN_SEX_COD") == "2", F.lit(m.FEMALE)
        )
        person = kept.select(
            hash_id(_c("psv")).alias("person_id"),
            F.coalesce(gender, F.lit(m.NO_MATCH)).alias("gender_concept_id"),
            _c("BEN_NAI_ANN").cast("double").cast("long").alias("year_of_birth"),
            F.when((month >= 1) & (month <= 12) & (month % 1 == 0), month.cast("long")).alias(
                "month_of_birth"
            ),
            F.lit(m.NO_MATCH).alias("race_concept_id"),
            F.lit(m.NO_MATCH).alias("ethnicity_concept_id"),
            F.when(_c("lsv").isNotNull(), hash_id(_c("lsv"))).alias("location_id"),
            _c("psv").alias("person_source_value"),
            _c("BEN_SEX_COD").alias("gender_source_value"),
            _c("BEN_DCD_DTE").alias("_dcd"),
        )
        person = self.cache(person)
        birth = F.make_date(
            _c("year_of_birth"), F.coalesce(_c("month_of_birth"), F.lit(1)), F.lit(1)
        )
        dcd = _c("_dcd")
        ok = (
            (dcd != F.lit(m.DEATH_PLACEHOLDER).cast("date"))
            & (dcd >= birth)
            & (dcd <= F.lit(m.release_date()))
        )
        present = person.filter(dcd.isNotNull()).withColumn("_ok", ok)
        present = self.cache(present)
        bad = present.filter(~_c("_ok")).count()
        self.report.reject("death", m.R_DEATH_IMPLAUSIBLE, bad)
        death = present.filter(_c("_ok")).select(
            "person_id",
            _c("_dcd").alias("death_date"),
            F.lit(m.CLAIM).alias("death_type_concept_id"),
        )
        return person.drop("_dcd"), death

    def _link(self, df: DataFrame, psv: Column) -> DataFrame:
        status = self.person_status
        return (
            df.withColumn("psv", psv)
            .join(status, "psv", "left")
            .withColumn("_dropped", F.coalesce(_c("_dropped"), F.lit(False)))
        )

    def dcir_visits(self):
        self.run.step("visit_occurrence", "DCIR lines")
        t = "visit_occurrence"
        prs = self.f["ER_PRS_F"]
        rank = self._has_rank("ER_PRS_F")
        psv = (
            F.when(
                _c("BEN_RNG_GEM").isNotNull() & (_c("BEN_RNG_GEM") != "1"),
                F.concat(_c("BEN_NIR_PSA"), F.lit("_"), _c("BEN_RNG_GEM")),
            ).otherwise(_c("BEN_NIR_PSA"))
            if rank
            else _c("BEN_NIR_PSA")
        )
        prs = self._link(prs, psv)
        start = F.coalesce(_c("EXE_SOI_DTD"), _c("PRE_PRE_DTD"))
        prs = prs.withColumn("start", start).withColumn(
            "end", F.coalesce(_c("EXE_SOI_DTF"), _c("start"))
        )
        info = (F.coalesce(_c("DPN_QLF"), F.lit("")) == m.INFO_ONLY_QUALIFIER) | (
            F.coalesce(_c("PRS_DPN_QLP"), F.lit("")) == m.INFO_ONLY_QUALIFIER
        )
        rules = [(info, m.R_INFO_LINE), (_c("BEN_NIR_PSA").isNull(), m.R_NO_PSEUDONYM)]
        rules += self._patient_rules() + self._date_rules(_c("start"), _c("end"))
        # Every column the later steps need is computed in one pass over the lines, and only
        # those are cached: one narrow cache instead of the wide input twice.
        prs = prs.withColumn("_reason", self._reason(rules)).withColumn("fkey", _flux_key())
        ete = self.f.get("ER_ETE_F")
        if ete is not None and self._linkable("ER_ETE_F", "the care site of visits"):
            by_key = (
                ete.withColumn("fkey", _flux_key())
                .where(_c("ETB_EXE_FIN").isNotNull())
                .groupBy("fkey")
                .agg(F.min(F.substring("ETB_EXE_FIN", 1, 8)).alias("care_site_source_value"))
            )
            prs = prs.join(by_key, "fkey", "left")
        else:
            prs = prs.withColumn("care_site_source_value", F.lit(None).cast("string"))
        spe, act = _c("PSE_SPE_COD"), _c("PSE_ACT_NAT")
        filled = lambda c: c.isNotNull() & ~c.isin(*m.NOT_FILLED)  # noqa: E731
        provider = F.when(filled(spe), F.concat(F.lit("SPE:"), spe)).when(
            filled(act), F.concat(F.lit("ACT:"), act)
        )
        order = _flux_order()
        prs = prs.select(
            "_reason", "fkey", "person_id", "start", "end", "PRS_NAT_REF",
            "care_site_source_value", "PRS_ACT_QTE",
            hash_id(
                _c("psv"), _c("start"), _c("end"), _c("PRS_NAT_REF"), _c("PFS_EXE_NUM"),
                _c("care_site_source_value"),
            ).alias("visit_occurrence_id"),
            provider.alias("_provider"),
            *[col.alias(f"_o{i}") for i, col in enumerate(order)],
        )  # fmt: skip
        self.run.progress(35, 0, "grouping lines into visits")
        # One sort of the lines by visit: its first line in flux order names the visit's
        # provider, and every line learns it, so events never join the visits back. All the
        # other visit fields are in the visit id's hash: the same on every line of a visit.
        # Rejected lines go through the same pass in windows of their own and are counted
        # from its cache: the ten million lines are cached once.
        w = Window.partitionBy("visit_occurrence_id", "_reason").orderBy(
            *[f"_o{i}" for i in range(len(order))], F.coalesce(_c("_provider"), F.lit(""))
        )
        lines = prs.select(
            "_reason", "fkey", "visit_occurrence_id", "person_id", "start", "end",
            "PRS_NAT_REF", "care_site_source_value", "PRS_ACT_QTE",
            F.first("_provider").over(w).alias("provider_source_value"),
            (F.row_number().over(w) == 1).alias("_head"),
        )  # fmt: skip
        self.lines = self._tally(lines, t)
        concepts = F.create_map(*[F.lit(x) for kv in m.visit_concepts().items() for x in kv])
        visits = self.lines.filter(_c("_head")).select(
            "visit_occurrence_id",
            "person_id",
            F.coalesce(concepts[_c("PRS_NAT_REF")], F.lit(m.OUTPATIENT)).alias("visit_concept_id"),
            _c("start").alias("visit_start_date"),
            _c("end").alias("visit_end_date"),
            F.lit(m.CLAIM).alias("visit_type_concept_id"),
            "provider_source_value",
            "care_site_source_value",
            _c("PRS_NAT_REF").alias("visit_source_value"),
        )
        return visits

    def pmsi_visits(self):
        self.run.step("visit_occurrence", "PMSI MCO stays")
        t = "visit_occurrence"
        c = self.f["T_MCOAAC"]
        ret = reduce(
            lambda a, b: a | b,
            [_c(col).isNotNull() & (_c(col) != "0") for col in m.PMSI_RETURN_CODES],
        )
        c = self._link(c, _c("NIR_ANO_17"))
        c = c.withColumn("start", F.coalesce(_c("EXE_SOI_DTD"), _c("ENT_DAT")))
        c = c.withColumn("end", F.coalesce(_c("EXE_SOI_DTF"), _c("SOR_DAT"), _c("start")))
        rules = [(ret, m.R_PMSI_RETURN)] + self._patient_rules()
        rules += self._date_rules(_c("start"), _c("end"))
        c = self._tally(c.withColumn("_reason", self._reason(rules)), t)
        win = Window.partitionBy("ETA_NUM", "RSA_NUM").orderBy("person_id", "start", "end")
        c = c.withColumn("_n", F.row_number().over(win)).withColumn(
            "_reason", F.when(_c("_n") > 1, F.lit("duplicate T_MCOaaC row for the same stay"))
        )
        c = self._tally(c, t)
        b = self.f.get("T_MCOAAB")
        if b is not None:
            prv = b.groupBy("ETA_NUM", "RSA_NUM").agg(F.min("ENT_PRV").alias("ENT_PRV"))
            c = c.join(prv, ["ETA_NUM", "RSA_NUM"], "left")
        else:
            c = c.withColumn("ENT_PRV", F.lit(None).cast("string"))
        e = self.f.get("T_MCOAAE")
        if e is not None:
            eta = (
                e.where(_c("ETB_EXE_FIN").isNotNull())
                .groupBy("ETA_NUM")
                .agg(F.substring(F.min("ETB_EXE_FIN"), 1, 8).alias("_fin"))
            )
            c = c.join(eta, "ETA_NUM", "left")
        else:
            c = c.withColumn("_fin", F.lit(None).cast("string"))
        visits = c.select(
            hash_id(_c("ETA_NUM"), _c("RSA_NUM")).alias("visit_occurrence_id"),
            "person_id",
            F.when(_c("ENT_PRV") == "5", F.lit(m.ER_INPATIENT))
            .otherwise(F.lit(m.INPATIENT))
            .alias("visit_concept_id"),
            _c("start").alias("visit_start_date"),
            _c("end").alias("visit_end_date"),
            F.lit(m.CLAIM).alias("visit_type_concept_id"),
            F.lit(None).cast("string").alias("provider_source_value"),
            F.coalesce(_c("_fin"), F.substring("ETA_NUM", 1, 8)).alias("care_site_source_value"),
            F.lit("MCO").alias("visit_source_value"),
        )
        return visits

    def _events(self, target: str) -> DataFrame | None:
        """The kept ER_PHA_F (drug_exposure) or ER_CAM_F (procedure_occurrence) rows, each
        with the visit of its ER_PRS_F line. Both tables go through one join with the
        lines, already grouped by flux key: the ten million lines are shuffled once."""
        if self._linked is None:
            self._linked = self._link_events()
        return self._linked.get(target)

    def _link_events(self) -> dict[str, DataFrame]:
        parts, targets = [], []
        for table, target, code, qsn in EVENT_TABLES:
            frame = self.f.get(table)
            if frame is None:
                continue
            if self.lines is None or not self._linkable(table, target):
                self.report.reject(target, m.R_NO_LINE, self.report.rows_read[table])
                continue
            targets.append(target)
            parts.append(
                frame.select(
                    _flux_key().alias("fkey"),
                    F.lit(target).alias("_target"),
                    _c(code).alias("_code"),
                    (_c(qsn) if qsn else F.lit(None).cast("string")).alias("_qsn"),
                )
            )
        if not parts:
            return {}
        # joined on (hash, key): the sorts compare the 64-bit hash, not the key's text,
        # whose first characters (a date) are the same on most lines
        df = reduce(DataFrame.unionByName, parts).withColumn("_fh", F.xxhash64("fkey"))
        df = df.join(self._line_visits(), ["_fh", "fkey"], "left")
        df = df.withColumn(
            "_reason",
            self._reason([(_c("_code").isNull(), m.R_NO_CODE), (_c("_v").isNull(), m.R_NO_LINE)]),
        )
        df = self.cache(df.drop("_fh", "fkey"))
        for row in df.groupBy("_target", "_reason").count().collect():
            if row["_reason"] is not None:
                self.report.reject(row["_target"], row["_reason"], row["count"])
        kept = df.filter(_c("_reason").isNull()).withColumnRenamed("_v", "visit_occurrence_id")
        return {
            target: kept.filter(_c("_target") == target).drop("_reason", "_target")
            for target in targets
        }

    def _line_visits(self) -> DataFrame:
        """Per flux key, the visit of its kept ER_PRS_F line (the first one if several) with
        what events take from it."""
        first = self.lines.groupBy(F.xxhash64("fkey").alias("_fh"), "fkey").agg(
            F.min(
                F.struct(
                    _c("visit_occurrence_id").alias("v"),
                    F.coalesce(_c("PRS_ACT_QTE"), F.lit("")).alias("q"),
                    _c("person_id").alias("p"),
                    _c("start").alias("s"),
                    _c("provider_source_value").alias("pr"),
                )
            ).alias("_l")
        )
        first = first.select(
            "_fh",
            "fkey",
            _c("_l.v").alias("_v"),
            F.when(_c("_l.q") != "", _c("_l.q")).alias("PRS_ACT_QTE_LINE"),
            _c("_l.p").alias("person_id"),
            _c("_l.s").alias("visit_start_date"),
            _c("_l.pr").alias("provider_source_value"),
        )
        first = self._with_id(first, "provider", self.used_providers)
        return first.drop("provider_source_value")

    def drugs(self):
        t = "drug_exposure"
        pha = self._events(t)
        if pha is None:
            return self.spark.createDataFrame([], _schema(t, dates_as_text=False))
        pha = pha.withColumn(
            "drug_exposure_id",
            hash_id(_c("visit_occurrence_id").cast("string"), _c("_code")),
        )
        # everything but the sums is fixed by the id (its visit and code): grouping on it
        # keeps the buffers numeric, so Spark aggregates in a hash map instead of sorting
        agg = pha.groupBy(
            "drug_exposure_id", "person_id", _c("visit_start_date").alias("start"),
            "provider_id", "visit_occurrence_id", _c("_code").alias("drug_source_value"),
        ).agg(
            F.count(F.lit(1)).alias("rows"),
            F.sum(_c("_qsn").cast("double")).alias("quantity"),
        )  # fmt: skip
        agg = self.cache(agg)
        cancelled = agg.filter(_c("quantity") <= 0).agg(F.sum("rows")).collect()[0][0] or 0
        self.report.reject(t, m.R_CANCELLED, cancelled)
        agg = agg.filter(_c("quantity").isNull() | (_c("quantity") > 0))
        return agg.select(
            "drug_exposure_id",
            "person_id",
            F.lit(m.NO_MATCH).alias("drug_concept_id"),
            _c("start").alias("drug_exposure_start_date"),
            F.date_add("start", m.DRUG_DAYS).alias("drug_exposure_end_date"),
            F.lit(m.CLAIM).alias("drug_type_concept_id"),
            "quantity",
            F.lit(m.DRUG_DAYS + 1).alias("days_supply"),
            "provider_id",
            "visit_occurrence_id",
            "drug_source_value",
        )

    def procedures(self):
        t = "procedure_occurrence"
        cam = self._events(t)
        if cam is None:
            return self.spark.createDataFrame([], _schema(t, dates_as_text=False))
        cam = cam.withColumn(
            "procedure_occurrence_id",
            hash_id(_c("visit_occurrence_id").cast("string"), _c("_code"), _c("visit_start_date")),
        )
        agg = cam.groupBy(
            "procedure_occurrence_id",
            "person_id",
            _c("visit_start_date").alias("procedure_date"),
            "provider_id",
            "visit_occurrence_id",
            _c("_code").alias("procedure_source_value"),
        ).agg(
            F.bround(F.sum(_c("PRS_ACT_QTE_LINE").cast("double"))).cast("long").alias("quantity"),
        )
        return self.cache(agg).select(
            "*",
            F.lit(m.NO_MATCH).alias("procedure_concept_id"),
            F.lit(m.CLAIM).alias("procedure_type_concept_id"),
        )

    def observation_periods(self, out):
        spans = (
            out["visit_occurrence"]
            .select("person_id", _c("visit_start_date").alias("s"), _c("visit_end_date").alias("e"))
            .unionByName(
                out["drug_exposure"].select(
                    "person_id",
                    _c("drug_exposure_start_date").alias("s"),
                    _c("drug_exposure_end_date").alias("e"),
                )
            )
            .unionByName(
                out["procedure_occurrence"].select(
                    "person_id", _c("procedure_date").alias("s"), _c("procedure_date").alias("e")
                )
            )
        )
        # on dates, min and max aggregate in a hash map (on text they would need a sort)
        g = spans.groupBy("person_id").agg(
            F.min("s").alias("s"),
            F.max("e").alias("e"),
        )
        g = self.cache(g)
        # the last event end, before clipping, as the pandas engine reports it
        self.last_event = g.agg(F.max("e").cast("string")).collect()[0][0]
        w = self.plan.window
        if w.start:
            start = F.lit(w.start).cast("date")
            g = g.withColumn("s", F.when(_c("s") >= start, _c("s")).otherwise(start))
        if w.end:
            end = F.lit(w.end).cast("date")
            g = g.withColumn("e", F.when(_c("e") <= end, _c("e")).otherwise(end))
        period = self.cache(
            g.select(
                hash_id(_c("person_id").cast("string"), _c("s"), _c("e")).alias(
                    "observation_period_id"
                ),
                "person_id",
                _c("s").alias("observation_period_start_date"),
                _c("e").alias("observation_period_end_date"),
                F.lit(m.OBSERVATION_PERIOD_TYPE).alias("period_type_concept_id"),
            )
        )
        persons = out["person"].count()
        self.report.persons_without_events = int(persons - period.count())
        return period

    def dimensions(self):
        establishments = (
            [r.asDict() for r in self.f["T_MCOAAE"].collect()] if "T_MCOAAE" in self.f else []
        )
        care_site = m.care_site_rows(set(self.used_finess), establishments)
        lsv = self.person_lsv | m.care_site_departements(set(care_site["care_site_source_value"]))
        spe = [r.asDict() for r in self.f["IR_SPE_V"].collect()] if "IR_SPE_V" in self.f else []
        act = [r.asDict() for r in self.f["IR_ACT_V"].collect()] if "IR_ACT_V" in self.f else []
        return {
            "location": m.location_rows(lsv),
            "care_site": care_site,
            "provider": m.provider_rows(self.used_providers, m.nomenclature_labels(spe, act)),
            "cdm_source": m.cdm_source_rows(self.last_event),
        }

    # --- output -----------------------------------------------------------------------------
    def write(self, out: dict, target) -> None:
        from .api import COVERAGE, coverage

        run, plan = self.run, self.plan
        run.step("write", "writing the OMOP tables")
        if isinstance(target, FolderTarget) and target.fmt == "parquet":
            self._write_parquet(out, target)
            return
        views = {}
        for i, table in enumerate(plan.tables):
            run.check_cancelled()
            data = out[table]
            col = COVERAGE.get(table)
            if table in BIG_TABLES:
                # a checkpoint cuts the lineage: the DQ query over all tables stays small
                df = _conform(data, table).localCheckpoint(eager=True)
                mapped_expr = (
                    F.sum(F.when(F.coalesce(_c(col), F.lit(0)) != 0, 1).otherwise(0))
                    if col
                    else F.lit(0)
                )
                n, mapped = df.agg(F.count(F.lit(1)), mapped_expr).collect()[0]
                mapped = mapped or 0
                if n and isinstance(target, FolderTarget):
                    _write_folder(df, table, target)
                elif n:
                    ordered = df.orderBy(*sort_key(table))
                    target.write_rows(table, (tuple(r) for r in ordered.toLocalIterator()))
                else:
                    target.write_frame(table, conform(data.limit(0).toPandas(), table))
            else:
                n = len(data)
                target.write_frame(table, data)
                mapped = int((data[col].fillna(0) != 0).sum()) if col else 0
                df = (
                    self.spark.createDataFrame(
                        data.astype(object).where(data.notna(), None), _schema(table)
                    )
                    if n
                    else self.spark.createDataFrame([], _schema(table))
                )
                df = _conform(df, table).localCheckpoint(eager=True)
            views[table] = df
            self.report.rows_written[table] = n
            if col:
                self.report.coverage[table] = coverage(col, mapped, n)
            run.progress(72 + 20 * (i + 1) // len(plan.tables), n, f"wrote {table}")
        run.step("dq", "data-quality checks")
        for table, df in views.items():
            df.createOrReplaceTempView(table)
        self.report.dq = run_checks(
            set(plan.tables), lambda sql: [tuple(r) for r in self.spark.sql(sql).collect()]
        )
        run.done()

    def _write_parquet(self, out: dict, target: FolderTarget) -> None:
        """Parquet output: Spark writes each table once, then the row counts, the mapping
        coverage and the data-quality checks are read from the written files with DuckDB
        (the same SQL as the pandas engine's checks) — no second materialisation in Spark,
        and the checks are about exactly what the user gets."""
        import duckdb

        spill = tempfile.TemporaryDirectory(prefix="omop-dq-")
        # bounded, like the JVM: DuckDB spills its joins and distinct counts past 1 GB
        con = duckdb.connect(config={"memory_limit": DQ_MEMORY, "temp_directory": spill.name})
        try:
            self._check_written(con, out, target)
        finally:
            con.close()
            spill.cleanup()

    def _check_written(self, con, out: dict, target: FolderTarget) -> None:
        from .api import COVERAGE, coverage

        run, plan = self.run, self.plan
        for i, table in enumerate(plan.tables):
            run.check_cancelled()
            data = out[table]
            if table in BIG_TABLES:
                _write_folder(_conform(data, table), table, target)
                final = target.path(table)
                if not any(final.glob("*.parquet")):  # an empty table: one typed empty file
                    shutil.rmtree(final)
                    target.write_frame(table, conform(data.limit(0).toPandas(), table))
                    files = str(final)
                else:
                    files = str(final / "*.parquet")
            else:
                target.write_frame(table, data)
                files = str(target.path(table))
            con.read_parquet(files).create_view(table)
            col = COVERAGE.get(table)
            mapped = f"COUNT(*) FILTER (WHERE COALESCE({col}, 0) <> 0)" if col else "0"
            n, mapped = con.execute(f"SELECT COUNT(*), {mapped} FROM {table}").fetchall()[0]  # noqa: S608
            self.report.rows_written[table] = n
            if col:
                self.report.coverage[table] = coverage(col, mapped, n)
            run.progress(72 + 20 * (i + 1) // len(plan.tables), n, f"wrote {table}")
        run.step("dq", "data-quality checks")
        self.report.dq = run_checks(set(plan.tables), lambda sql: con.execute(sql).fetchall())
        run.done()


_FLUX_DATES = frozenset(m.INPUTS["ER_PRS_F"].dates) & frozenset(m.FLUX_KEYS)


def _flux_key() -> Column:
    """The nine flux keys as one join key (internal: dates as day numbers, no formatting)."""
    return F.concat_ws(
        "|",
        *[
            F.coalesce(F.unix_date(_c(k)).cast("string") if k in _FLUX_DATES else _c(k), F.lit(""))
            for k in m.FLUX_KEYS
        ],
    )


def _flux_order() -> list[Column]:
    """Flux-key order as sort columns, as in ``engine_pandas``: text keys as text (dates in
    date order, missing first, as their ISO text would sort), numeric codes by their
    number of digits, then as text."""
    cols = []
    for k in m.FLUX_KEYS:
        col = F.coalesce(_c(k), F.lit(""))
        if k in _FLUX_DATES:
            cols.append(_c(k))  # ascending: nulls first
        else:
            cols += [col] if k in m.FLUX_TEXT_KEYS else [F.length(col), col]
    return cols


_SPARK_TYPES = {
    "bigint": T.LongType(),
    "integer": T.IntegerType(),
    "float": T.DoubleType(),
    "date": T.DateType(),
    "datetime": T.TimestampType(),
}


def _schema(table: str, dates_as_text: bool = True) -> T.StructType:
    return T.StructType(
        [
            T.StructField(
                f.name,
                T.StringType()
                if f.kind == "text" or (f.kind == "date" and dates_as_text)
                else _SPARK_TYPES[f.datatype],
            )
            for f in fields(table)
        ]
    )


def _conform(df: DataFrame, table: str) -> DataFrame:
    """Spec columns in spec order with the spec types (dates as DateType)."""
    exprs = []
    for f in fields(table):
        col = _c(f.name) if f.name in df.columns else F.lit(None)
        if f.kind == "text":
            size = f.datatype[len("varchar(") : -1]
            col = col.cast("string")
            if size.isdigit():
                col = F.substring(col, 1, int(size))
        elif f.kind == "date":
            col = col.cast("date")  # a no-op on the engine's dates; parses the dimensions' text
        else:
            col = col.cast(_SPARK_TYPES[f.datatype])
        exprs.append(col.alias(f.name))
    return df.select(exprs)


def _write_folder(df: DataFrame, table: str, target: FolderTarget) -> None:
    """Spark writes into the staging folder; CSV becomes one sorted file per table."""
    final = target.path(table)
    if target.fmt == "parquet":
        # no global sort (a sampling pass and a range shuffle): each part file is sorted
        df.sortWithinPartitions(*sort_key(table)).write.mode("error").parquet(str(final))
        for extra in final.glob("*.crc"):
            extra.unlink()
        for extra in final.glob("_*"):
            extra.unlink()
        return
    tmp = target.staging / f"_{table}_{uuid.uuid4().hex[:6]}"
    df.orderBy(*sort_key(table)).coalesce(1).write.csv(
        str(tmp), header=True, sep=",", quote='"', escape='"', nullValue="", emptyValue="",
        dateFormat="yyyy-MM-dd", lineSep="\n", ignoreLeadingWhiteSpace=False,
        ignoreTrailingWhiteSpace=False, encoding="UTF-8",
    )  # fmt: skip
    part = next(tmp.glob("part-*.csv"))
    part.replace(final)
    shutil.rmtree(tmp)
