"""The conversion, engine-independent: reads the extract, runs the SQL steps of
``omop/etl/sql/`` in order on a backend (DuckDB or Spark), counts what each rule rejects,
builds the small dimension tables in Python (``mapping.py``) and leaves every OMOP table as
Parquet in a work folder. Writing the output, counting rows, coverage and DQ is the publish
step's job (``publish.py``), shared by both engines.

A backend only knows how to read files into views, run a query into a view or a table,
return a few rows, load a few rows, and write a query as Parquet (``engine_duckdb`` and
``engine_spark``); every row rule is SQL, the same text for both.
"""

# ruff: noqa: S608 -- table and column names come from the mapping and the CDM specification
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from . import mapping as m
from .athena import FILES, version_string
from .dialect import Raw, flux_key_sql, numeric_code_sql, step, text_sql
from .errors import InputError
from .readers import Source, column_map, csv_format, parquet_header, parquet_rows
from .report import Run
from .spec import TABLES, fields, sort_key
from .values import parse_date

SMALL_TABLES = ("location", "care_site", "provider", "cdm_source")
# the tables written from the stem: an event whose standard concept's domain has another
# table (Drug) stays in its natural table
STEM_TABLES = ("condition_occurrence", "procedure_occurrence", "measurement", "device_exposure",
               "observation")  # fmt: skip
# the vocabulary tables the engines read (views voc_<table>) and the columns they use
VOCABULARY_TABLES = {
    "concept": ("concept_id", "domain_id", "vocabulary_id", "concept_class_id",
                "standard_concept", "concept_code", "invalid_reason"),
    "concept_relationship": ("concept_id_1", "concept_id_2", "relationship_id",
                             "invalid_reason"),
    "concept_ancestor": ("ancestor_concept_id", "descendant_concept_id"),
    "vocabulary": ("vocabulary_id", "vocabulary_version"),
}  # fmt: skip
# the affined tables whose rows become events: (table, target, code column, quantity column)
EVENT_TABLES = (
    ("ER_PHA_F", "drug_exposure", "PHA_PRS_C13", "PHA_ACT_QSN"),
    ("ER_CAM_F", "procedure_occurrence", "CAM_PRS_IDE", None),
    ("ER_BIO_F", "measurement", "BIO_PRS_IDE", "BIO_ACT_QSN"),
    ("ER_TIP_F", "device_exposure", "TIP_PRS_IDE", "TIP_ACT_QSN"),
)
_EVENT_ROWS = {"drug_exposure": "drug_rows", "procedure_occurrence": "procedure_rows",
               "measurement": "bio_rows", "device_exposure": "tip_rows"}  # fmt: skip
_EVENT_DATES = {"ER_TIP_F": ("TIP_ACL_DTD", "TIP_ACL_DTF")}
# the optional inputs of Part 2 and the tables that stay empty without them
OPTIONAL_INPUTS = {
    "T_MCOAAD": ("condition_occurrence",),
    "T_MCOAAA": ("procedure_occurrence",),
    "T_MCOAAUM": ("visit_detail",),
    "IR_IMB_R": ("condition_occurrence",),
    "ER_BIO_F": ("measurement",),
    "ER_TIP_F": ("device_exposure",),
}
_SQL_TYPES = {"bigint": "BIGINT", "integer": "INTEGER", "float": "DOUBLE", "date": "DATE",
              "datetime": "TIMESTAMP"}  # fmt: skip


class Backend(Protocol):
    dialect: str  # duckdb | spark

    def register_file(self, view: str, fmt: str, path: Path, csv) -> dict[str, str]:
        """A view over one input file (every column as written); returns each column's kind:
        ``date``, ``timestamp``, ``integer`` or ``other``."""

    def create(self, name: str, sql: str, *, materialize: bool) -> None: ...

    def query(self, sql: str) -> list[tuple]: ...

    def load(self, name: str, schema: list[tuple[str, str]], rows: list[tuple]) -> None: ...

    def export(self, sql: str, path: Path, order_by: list[str] | None = None) -> None:
        """Write the query's rows as Parquet at ``path`` (a file or a folder of parts),
        in the order of ``order_by`` when given."""

    def close(self) -> None: ...


@dataclass
class Converted:
    """What an engine hands to the publish step: each OMOP table as Parquet."""

    files: dict[str, Path]


def convert(backend: Backend, sources: dict[str, Source], plan: m.Plan, run: Run,
            workdir: Path, *, sort: bool = True) -> Converted:  # fmt: skip
    """Run the mapping; ``sort``: write each table sorted by its key (when the Parquet files
    are the output; other formats are sorted by the publish step as it writes them)."""
    return _Conversion(backend, sources, plan, run, workdir, sort).convert()


class _Conversion:
    def __init__(self, backend, sources, plan: m.Plan, run: Run, workdir: Path, sort: bool):
        self.b, self.sources, self.plan, self.run = backend, sources, plan, run
        self.report = run.report
        self.workdir, self.sort = workdir, sort
        self.missing: dict[str, list[str]] = {}
        self.present: set[str] = set()
        w = plan.window
        self.params: dict[str, object] = {
            "window_start": dt.date.fromisoformat(w.start)
            if w.start
            else Raw("CAST(NULL AS DATE)"),
            "window_end": dt.date.fromisoformat(w.end) if w.end else Raw("CAST(NULL AS DATE)"),
            "release_date": plan.release,
            "max_birth_year": m.max_birth_year(plan.release),
            # an event's table from its standard concept's domain, and back
            "domain_cases": Raw(" ".join(
                f"WHEN '{domain}' THEN '{table}'"
                for domain, table in m.DOMAIN_TABLES.items()
                if table in STEM_TABLES
            )),
            "table_domains": Raw(" ".join(
                f"WHEN '{table}' THEN '{domain}'" for domain, table in m.DOMAIN_TABLES.items()
            )),
        }  # fmt: skip

    # --- helpers ---------------------------------------------------------------------
    def sql(self, name: str, *, as_: str | None = None, materialize: bool = True,
            **params) -> None:  # fmt: skip
        """Run the SQL file ``name`` into the view or table ``as_`` (default: ``name``)."""
        self.run.check_cancelled()
        t0 = time.perf_counter()
        self.b.create(as_ or name, step(name, self.b.dialect, self.params | params),
                      materialize=materialize)  # fmt: skip
        self.report.time_sql(as_ or name, time.perf_counter() - t0)

    def tally(self, name: str, table: str, weight: str = "COUNT(*)") -> None:
        """Count the rows of step ``name`` rejected by each rule, for ``table``."""
        for reason, count in self.b.query(
            f"SELECT _reason, {weight} FROM {name} WHERE _reason IS NOT NULL GROUP BY _reason"
        ):
            self.report.reject(table, reason, int(count or 0))

    def linkable(self, table: str, target: str) -> bool:
        absent = {k for t in (table, "ER_PRS_F") for k in m.FLUX_KEYS
                  if k in self.missing.get(t, [])}  # fmt: skip
        if absent:
            self.report.notice("unlinkable", table=table, target=target, columns=sorted(absent))
            return False
        return True

    def has_rank(self, table: str) -> bool:
        return "BEN_RNG_GEM" not in self.missing.get("IR_BEN_R", ["BEN_RNG_GEM"]) and (
            "BEN_RNG_GEM" not in self.missing.get(table, ["BEN_RNG_GEM"])
        )

    # --- the steps --------------------------------------------------------------------
    def convert(self) -> Converted:
        try:
            return self._steps()
        except InputError as exc:
            # a query (not a named SQL step) that ran out of memory: say which step it served
            if exc.code == "out_of_memory" and exc.params.get("step") == "query":
                exc.params["step"] = self.run.current or "query"
            raise

    def _steps(self) -> Converted:
        run = self.run
        run.step("read", "reading the extract")
        self.read()
        run.done(sum(self.report.rows_read.values()))

        run.step("person")
        self.persons()
        run.done(self.count("person"))

        run.step("visit_occurrence", "DCIR lines")
        self.dcir_visits()
        run.step("visit_occurrence", "PMSI MCO stays")
        self.pmsi_visits()
        self.sql("visits")
        run.done(self.count("visits"))

        self.sql("line_costs")
        self.sql("line_visits")
        run.step("drug_exposure")
        self.events("drug_exposure")
        self.sql("drug_groups")
        self.tally("drug_groups", "drug_exposure", "SUM(_rows)")
        drugs = "(SELECT 'BDPM' AS vocabulary, drug_source_value AS source_value FROM drug_groups)"
        self.sql("code_map", as_="drug_codes", codes=Raw(drugs))
        self.sql("drug_events")
        self.sql("drug_exposure", materialize=False)
        run.done(self.count("drug_exposure"))

        run.step("procedure_occurrence")
        self.events("procedure_occurrence")
        run.done()

        run.step("events", "diagnoses, hospital and NGAP acts, biology, devices, visit details")
        self.clinical_events()
        run.done(self.count("event_routes"))

        run.step("observation_period")
        self.sql("event_spans")
        self.sql("observation_period")
        self.report.persons_without_events = int(self.b.query(
            "SELECT COUNT(*) FROM person AS p LEFT JOIN observation_period AS o "
            "ON o.person_id = p.person_id WHERE o.person_id IS NULL"
        )[0][0])  # fmt: skip
        last = self.b.query("SELECT MAX(e) FROM event_spans")[0][0]
        self.eras()  # the eras read the events, each SQL step timed in the report
        self.mapping_counts()
        run.done(self.count("observation_period"))

        run.step("dimensions", "location, care site, provider, CDM source")
        files = self.export()
        files.update(self.dimensions(last.isoformat() if last else None))
        run.done()
        return Converted({t: files[t] for t in self.plan.tables})

    def count(self, name: str) -> int:
        return int(self.b.query(f"SELECT COUNT(*) FROM {name}")[0][0])

    # --- reading ----------------------------------------------------------------------
    def read(self) -> None:
        if "IR_BEN_R" not in self.sources:
            raise InputError("no_beneficiary_table")
        for name, source in self.sources.items():
            if name not in m.INPUTS:
                continue
            self.run.check_cancelled()
            missing, rows = self.read_table(source)
            self.missing[name] = missing
            self.report.rows_read[name] = rows
            needed = [c for c in m.INPUTS[name].needed if c in missing]
            if needed:
                if name == "IR_BEN_R":
                    raise InputError("no_pseudonym_column", columns=needed)
                self.report.notice("input_ignored", table=name, columns=needed)
            else:
                if missing:
                    self.report.notice("columns_absent", table=name, columns=list(missing))
                self.present.add(name)
            self.run.progress(5, rows, f"read {name}")
        for name, spec in m.INPUTS.items():
            if name not in self.present:  # absent or ignored: an empty view with its columns
                cols = ", ".join(
                    f"CAST(NULL AS {'DATE' if c in spec.dates else 'VARCHAR'}) AS {c}"
                    for c in spec.columns
                )
                sql = f"SELECT {cols} FROM (SELECT 1 AS one) AS e WHERE 1 = 0"
                self.b.create(name.lower(), _render(sql, self.b.dialect), materialize=False)
        self.read_vocabulary()

    def read_vocabulary(self) -> None:
        """The vocabulary as views ``voc_concept``, ``voc_concept_relationship``,
        ``voc_concept_ancestor``, ``voc_vocabulary`` and the curated map as ``stcm``; without
        a vocabulary they are empty, so that every rule reads them the same way."""
        folder = Path(self.plan.vocabulary_dir) if self.plan.vocabulary_dir else None
        self.params["vocabulary_applied"] = folder is not None
        types = {c: t for spec in FILES.values() for c, t in spec}
        for table, columns in VOCABULARY_TABLES.items():
            view = f"voc_{table}"
            cols = ", ".join(columns)
            if folder is not None:
                path = folder / f"{table}.parquet"
                if not path.exists():
                    raise InputError("vocabulary_file_missing", file=path.name)
                self.b.register_file(f"_raw_{view}", "parquet", path, None)
                sql = f"SELECT {cols} FROM _raw_{view}"
            else:
                nulls = ", ".join(f"CAST(NULL AS {types[c]}) AS {c}" for c in columns)
                sql = f"SELECT {nulls} FROM (SELECT 1 AS one) AS e WHERE 1 = 0"
            self.b.create(view, _render(sql, self.b.dialect), materialize=False)
        schema = [("source_vocabulary_id", "VARCHAR"), ("source_code", "VARCHAR"),
                  ("target_concept_id", "BIGINT")]  # fmt: skip
        rows = sorted({(str(v), str(c), int(t)) for v, c, t in self.plan.stcm})
        self.b.load("stcm", schema, rows)

    def read_table(self, source: Source) -> tuple[list[str], int]:
        """The normalised view of one input table: every contract column, codes without
        leading zeros, dates as DATE (text dates parsed once per distinct value by
        ``values.parse_date``), text trimmed, empty → NULL."""
        spec = m.INPUTS[source.table]
        name = source.table.lower()
        parts, missing, rows = [], set(spec.columns), 0
        for i, path in enumerate(source.paths):
            csv = None
            if source.fmt == "parquet":
                cmap = column_map(parquet_header(path), spec)
            else:
                csv = csv_format(path)
                cmap = column_map(csv.header, spec)
            _require_columns(path, cmap, spec)
            missing &= set(spec.columns) - set(cmap)
            raw = f"_raw_{name}_{i}"
            kinds = self.b.register_file(raw, source.fmt, path, csv)
            parts.append(self._normalise(raw, spec, cmap, kinds))
            rows += parquet_rows(path) if source.fmt == "parquet" else self.b.count(raw)
        self.b.create(name, " UNION ALL ".join(parts), materialize=False)
        return sorted(missing), rows

    def _normalise(self, raw: str, spec, cmap: dict[str, str], kinds: dict[str, str]) -> str:
        exprs, joins, text_dates = [], [], []
        for col in spec.columns:
            written = cmap.get(col)
            if written is None:
                kind = "DATE" if col in spec.dates else "VARCHAR"
                exprs.append(f"CAST(NULL AS {kind}) AS {col}")
                continue
            ref = f"r.{_quote(written)}"
            kind = kinds[written]
            if col in spec.dates:
                if kind == "date":
                    exprs.append(f"{ref} AS {col}")
                elif kind == "timestamp":
                    exprs.append(f"CAST({ref} AS DATE) AS {col}")
                else:
                    alias = f"d{len(joins)}"
                    joins.append(
                        f"LEFT JOIN {raw}_dates AS {alias} ON {alias}.raw = {text_sql(ref)}"
                    )
                    exprs.append(f"{alias}.iso AS {col}")
                    text_dates.append(ref)
            elif col in spec.codes:
                if kind == "integer":
                    exprs.append(f"CAST({ref} AS VARCHAR) AS {col}")
                else:
                    exprs.append(f"{numeric_code_sql(ref)} AS {col}")
            else:
                exprs.append(f"{text_sql(ref)} AS {col}")
        if text_dates:
            union = " UNION ".join(f"SELECT {text_sql(c)} AS v FROM {raw} AS r" for c in text_dates)
            values = [
                row[0]
                for row in self.b.query(
                    _render(
                        f"SELECT DISTINCT v FROM ({union}) AS u WHERE v IS NOT NULL", self.b.dialect
                    )
                )
            ]
            rows = [
                (v, dt.date.fromisoformat(iso) if (iso := parse_date(v)) else None) for v in values
            ]
            self.b.load(f"{raw}_dates", [("raw", "VARCHAR"), ("iso", "DATE")], rows)
        return _render(
            f"SELECT {', '.join(exprs)} FROM {raw} AS r {' '.join(joins)}", self.b.dialect
        )

    # --- person, visits, events -------------------------------------------------------
    def persons(self) -> None:
        order = ", ".join(f"COALESCE(CAST(r.{c} AS VARCHAR), '') DESC" for c in m.BEN_TIE_ORDER)
        self.sql("person_rows", ben_tie_order=Raw(order))
        self.tally("person_rows", "person")
        self.sql("person_status")
        pairs = self.b.query(
            "SELECT DISTINCT COALESCE(BEN_RES_DPT, ''), COALESCE(BEN_RES_COM, '') "
            "FROM person_rows WHERE _reason IS NULL"
        )
        rows = [(d, c, m.location_source_value(d, c)) for d, c in sorted(pairs)]
        self.b.load("location_lookup", [("d", "VARCHAR"), ("c", "VARCHAR"), ("lsv", "VARCHAR")],
                    rows)  # fmt: skip
        self.sql("person")
        self.sql("death", as_="death_rows")
        self.tally("death_rows", "death")

    def dcir_visits(self) -> None:
        prs = "ER_PRS_F" in self.present
        ete = (
            prs
            and "ER_ETE_F" in self.present
            and self.linkable("ER_ETE_F", "the care site of visits")
        )
        self.b.load("visit_concept", [("code", "VARCHAR"), ("concept_id", "BIGINT")],
                    sorted(m.visit_concepts().items()))  # fmt: skip
        self.sql("ete_finess", ete_linkable=ete)
        order = []  # flux-key order as struct fields: dates and text keys as text, numeric
        for i, k in enumerate(m.FLUX_KEYS):  # codes by their number of digits, then as text
            text = f"COALESCE(CAST(l.{k} AS VARCHAR), '')"
            if k not in m.FLUX_TEXT_KEYS:
                order.append(f"'n{i}': LENGTH({text})")
            order.append(f"'k{i}': {text}")
        self.params["flux_order"] = Raw(", ".join(order))
        self.sql("dcir_lines", flux_keys=Raw(", ".join(f"v.{k}" for k in m.FLUX_KEYS)),
                 prs_has_rank=self.has_rank("ER_PRS_F"))  # fmt: skip
        self.tally("dcir_lines", "visit_occurrence")
        self.sql("visit_dcir", materialize=False)

    def pmsi_visits(self) -> None:
        failed = " OR ".join(f"(c.{c} IS NOT NULL AND c.{c} <> '0')" for c in m.PMSI_RETURN_CODES)
        self.sql("pmsi_stays", pmsi_return_failed=Raw(f"({failed})"))
        self.tally("pmsi_stays", "visit_occurrence")
        self.sql("pmsi_unique")
        self.tally("pmsi_unique", "visit_occurrence")
        self.sql("visit_pmsi", materialize=False)

    def events(self, target: str) -> None:
        table, _, code, quantity = next(e for e in EVENT_TABLES if e[1] == target)
        present = table in self.present
        linkable = present and "ER_PRS_F" in self.present and self.linkable(table, target)
        rows = _EVENT_ROWS[target]
        start, end = _EVENT_DATES.get(table, (None, None))
        self.sql(
            "event_rows",
            as_=rows,
            event_table=Raw(table.lower()),
            linkable=linkable,
            code=Raw(f"e.{code}"),
            quantity=Raw(f"e.{quantity}" if quantity else "CAST(NULL AS VARCHAR)"),
            event_start=Raw(f"e.{start}" if start else "CAST(NULL AS DATE)"),
            event_end=Raw(f"e.{end}" if end else "CAST(NULL AS DATE)"),
        )
        self.tally(rows, target)

    def clinical_events(self) -> None:
        """Part 2: PMSI visit details, diagnoses and acts, ALD, NGAP acts, biology and
        devices, through the domain-agnostic stem (``events``) to their tables."""
        for name, tables in OPTIONAL_INPUTS.items():
            wanted = [t for t in tables if t in self.plan.tables]
            if name not in self.present and wanted:
                self.report.notice("input_absent", table=name, outputs=wanted)
        if "T_MCOAAC" not in self.present:
            for name in ("T_MCOAAD", "T_MCOAAA", "T_MCOAAUM"):
                if name in self.present:  # every row is rejected: no_stay
                    self.report.notice("input_without_stays", table=name)
        self.sql("pmsi_kept")
        self.sql("visit_detail_rows")
        self.tally("visit_detail_rows", "visit_detail")
        self.sql("visit_detail")
        self.sql("unit_diagnoses")
        self.sql("diagnosis_rows")
        self.tally("diagnosis_rows", "condition_occurrence")
        last = self.b.query("SELECT MAX(visit_end_date) FROM visits")[0][0]
        self.sql(
            "ald_rows",
            ald_placeholders=tuple(dt.date.fromisoformat(d) for d in m.ALD_END_PLACEHOLDERS),
            imb_has_rank=self.has_rank("IR_IMB_R"),
            last_event_date=last if last else Raw("CAST(NULL AS DATE)"),
        )
        self.tally("ald_rows", "condition_occurrence")
        self.sql("pmsi_act_rows")
        self.tally("pmsi_act_rows", "procedure_occurrence")
        self.events("measurement")
        self.events("device_exposure")
        self.sql("event_stem")
        codes = (
            "(SELECT vocabulary, source_value FROM event_stem WHERE _reason IS NULL "
            "UNION ALL SELECT 'CCAM', code FROM procedure_rows WHERE _reason IS NULL)"
        )
        self.sql("code_map", codes=Raw(codes))
        self.sql("events")
        for table, reason, rows in self.b.query(
            "SELECT natural_table, _reason, SUM(_rows) FROM events "
            "WHERE _reason IS NOT NULL GROUP BY natural_table, _reason"
        ):
            self.report.reject(table, reason, int(rows or 0))
        self.sql("dcir_acts")
        self.sql("event_routes")
        self.route_counts()
        for table in ("procedure_occurrence", "condition_occurrence", "measurement",
                      "device_exposure", "observation", "cost_targets",
                      "drug_line_keys", "drug_line_costs", "drug_costs", "act_costs",
                      "stem_lines", "stem_costs", "cost"):  # fmt: skip
            self.sql(table)

    def eras(self) -> None:
        """drug_era and condition_era by the OHDSI rules (``era_islands``): drugs through
        their ingredients, overlaps merged first, then a 30-day persistence window."""
        for table in ("drug_era", "condition_era"):
            if not self.plan.vocabulary_dir and table in self.plan.tables:
                self.report.notice("eras_without_vocabulary", table=table)
        self.sql("drug_ingredients")
        self.sql("era_islands", as_="drug_subexposures", spans=Raw("drug_ingredients"), pad=0,
                 days=Raw("0"))  # fmt: skip
        self.sql("era_islands", as_="drug_eras", spans=Raw("drug_subexposures"),
                 pad=m.ERA_PERSISTENCE_DAYS, days=Raw("x.span"))  # fmt: skip
        self.sql("drug_era")
        self.sql("condition_spans")
        self.sql("era_islands", as_="condition_eras", spans=Raw("condition_spans"),
                 pad=m.ERA_PERSISTENCE_DAYS, days=Raw("0"))  # fmt: skip
        self.sql("condition_era")

    def mapping_counts(self) -> None:
        """Per output table and source vocabulary, the codes and rows that reach a standard
        concept (``report.vocabulary_mapping``)."""
        self.sql("mapping_counts")
        out: dict[str, dict[str, dict[str, int]]] = {}
        for table, vocabulary, codes, codes_mapped, rows, rows_mapped in sorted(
            self.b.query("SELECT * FROM mapping_counts")
        ):
            out.setdefault(table, {})[vocabulary] = {
                "codes": int(codes), "codes_mapped": int(codes_mapped),
                "rows": int(rows), "rows_mapped": int(rows_mapped or 0),
            }  # fmt: skip
        self.report.vocabulary_mapping = out

    def route_counts(self) -> None:
        """Rows per (source table → target table), and the rows whose source code is not
        well formed for its vocabulary (kept with concept 0), for the report."""
        checks = " ".join(
            f"WHEN '{vocabulary}' THEN NOT regexp_matches(source_value, '{pattern}')"
            for vocabulary, pattern in m.CODE_PATTERNS.items()
        )
        sql = (
            "SELECT source_table, target_table, vocabulary, COUNT(*), "
            f"SUM(CASE WHEN CASE vocabulary {checks} ELSE FALSE END THEN 1 ELSE 0 END) "
            "FROM event_routes GROUP BY source_table, target_table, vocabulary"
        )
        routed: dict[str, dict[str, int]] = {}
        for source, target, vocabulary, rows, unknown in self.b.query(_render(sql, self.b.dialect)):
            bucket = routed.setdefault(source, {})
            bucket[target] = bucket.get(target, 0) + int(rows)
            if unknown:
                codes = self.report.unknown_codes.setdefault(target, {})
                codes[vocabulary] = codes.get(vocabulary, 0) + int(unknown)
        drugs = routed.setdefault("ER_PHA_F", {})  # those sent to another table are routes
        drugs["drug_exposure"] = self.count("drug_exposure")
        acts = routed.setdefault("ER_CAM_F", {})
        acts["procedure_occurrence"] = int(self.b.query(
            "SELECT COUNT(*) FROM dcir_acts WHERE target_table = 'procedure_occurrence'"
        )[0][0])  # fmt: skip
        self.report.routed = {
            source: {target: n for target, n in sorted(targets.items()) if n}
            for source, targets in sorted(routed.items())
            if any(targets.values())
        }

    # --- output -----------------------------------------------------------------------
    def export(self) -> dict[str, Path]:
        """Every large OMOP table, conformed to the CDM specification, as Parquet."""
        files = {}
        sources = {"visit_occurrence": "visits", "death": "death_rows"}
        for table in TABLES:
            if table in SMALL_TABLES or table not in self.plan.tables:
                continue
            self.run.check_cancelled()
            where = " WHERE _reason IS NULL" if table == "death" else ""
            vocabulary = bool(self.plan.vocabulary_dir)
            sql = f"SELECT {conform_select(table, vocabulary=vocabulary)} FROM {sources.get(table, table)}{where}"
            files[table] = self.workdir / f"{table}.parquet"
            order = sort_key(table) if self.sort else None
            self.b.export(_render(sql, self.b.dialect), files[table], order)
        return files

    def dimensions(self, last_event: str | None) -> dict[str, Path]:
        def rows(table: str) -> list[dict]:
            spec = m.INPUTS[table]
            cols = ", ".join(spec.columns)
            return [dict(zip(spec.columns, r, strict=True))
                    for r in self.b.query(f"SELECT {cols} FROM {table.lower()}")]  # fmt: skip

        used = self.b.query(
            "SELECT DISTINCT provider_source_value, care_site_source_value FROM visits"
        )
        providers = {p for p, _ in used if p}
        finess = {f for _, f in used if f}
        finess |= {r[0] for r in self.b.query(
            "SELECT DISTINCT care_site_source_value FROM visit_detail "
            "WHERE care_site_source_value IS NOT NULL"
        )}  # fmt: skip
        care_site = m.care_site_rows(finess, rows("T_MCOAAE"))
        persons = {r[0] for r in self.b.query(
            "SELECT DISTINCT location_source_value FROM person "
            "WHERE location_source_value IS NOT NULL"
        )}  # fmt: skip
        lsv = persons | m.care_site_departements(set(care_site["care_site_source_value"]))
        labels = m.nomenclature_labels(rows("IR_SPE_V"), rows("IR_ACT_V"))
        frames = {
            "location": m.location_rows(lsv),
            "care_site": care_site,
            "provider": m.provider_rows(providers, labels, self.plan.stcm),
            "cdm_source": m.cdm_source_rows(
                last_event, self.plan.release, self.vocabulary_version()
            ),
        }
        files = {}
        for table, frame in frames.items():
            if table not in self.plan.tables:
                continue
            files[table] = self.workdir / f"{table}.parquet"
            write_small(frame, table, files[table])
        return files

    def vocabulary_version(self) -> str | None:
        """The applied vocabulary's version: its ``None`` row (Athena's release, as the CDM
        asks), else the one version all its vocabularies share, else each vocabulary's
        version joined; None without a vocabulary."""
        if not self.plan.vocabulary_dir:
            return None
        versions = dict(self.b.query(
            "SELECT vocabulary_id, COALESCE(vocabulary_version, '') FROM voc_vocabulary"
        ))  # fmt: skip
        if versions.get("None"):
            return versions["None"]
        if len(set(versions.values())) == 1:
            return next(iter(versions.values())) or "unknown"
        return version_string(versions) or "unknown"


def write_small(frame, table: str, path: Path) -> None:
    """A small dimension table (built in Python) as Parquet with the CDM types."""
    from .writers import arrow_schema

    frame = frame.sort_values(sort_key(table), kind="stable")
    schema = arrow_schema(table)
    tbl = (
        pa.Table.from_pandas(frame, preserve_index=False).cast(schema)
        if len(frame)
        else schema.empty_table()
    )
    pq.write_table(tbl, path)


def conform_select(table: str, *, vocabulary: bool = False) -> str:
    """The CDM columns of ``table`` in specification order, with their types; text cut to
    its ``varchar(n)`` length; columns the mapping does not fill are NULL (the source
    concept ids are only filled when a vocabulary was applied)."""
    exprs = []
    for f in fields(table):
        if f.kind == "text":
            size = f.datatype[len("varchar(") : -1]
            col = f"CAST({f.name} AS VARCHAR)" if _fills(table, f.name) else "CAST(NULL AS VARCHAR)"
            exprs.append(f"SUBSTRING({col}, 1, {size}) AS {f.name}" if size.isdigit()
                         else f"{col} AS {f.name}")  # fmt: skip
        else:
            filled = _fills(table, f.name) or (vocabulary and f.name in _SOURCE_CONCEPTS)
            col = f.name if filled else "NULL"
            exprs.append(f"CAST({col} AS {_SQL_TYPES[f.datatype]}) AS {f.name}")
    return ", ".join(exprs)


_FILLED = {
    "person": ("person_id", "gender_concept_id", "year_of_birth", "month_of_birth",
               "race_concept_id", "ethnicity_concept_id", "location_id", "person_source_value",
               "gender_source_value"),
    "death": ("person_id", "death_date", "death_type_concept_id"),
    "visit_occurrence": ("visit_occurrence_id", "person_id", "visit_concept_id",
                         "visit_start_date", "visit_end_date", "visit_type_concept_id",
                         "provider_id", "care_site_id", "visit_source_value"),
    "drug_exposure": ("drug_exposure_id", "person_id", "drug_concept_id",
                      "drug_exposure_start_date", "drug_exposure_end_date",
                      "drug_type_concept_id", "quantity", "days_supply", "provider_id",
                      "visit_occurrence_id", "drug_source_value"),
    "procedure_occurrence": ("procedure_occurrence_id", "person_id", "procedure_concept_id",
                             "procedure_date", "procedure_end_date",
                             "procedure_type_concept_id", "quantity", "provider_id",
                             "visit_occurrence_id", "visit_detail_id",
                             "procedure_source_value"),
    "visit_detail": ("visit_detail_id", "person_id", "visit_detail_concept_id",
                     "visit_detail_start_date", "visit_detail_end_date",
                     "visit_detail_type_concept_id", "care_site_id", "visit_detail_source_value",
                     "preceding_visit_detail_id", "visit_occurrence_id"),
    "condition_occurrence": ("condition_occurrence_id", "person_id", "condition_concept_id",
                             "condition_start_date", "condition_end_date",
                             "condition_type_concept_id", "condition_status_concept_id",
                             "provider_id", "visit_occurrence_id", "visit_detail_id",
                             "condition_source_value", "condition_status_source_value"),
    "measurement": ("measurement_id", "person_id", "measurement_concept_id", "measurement_date",
                    "measurement_type_concept_id", "provider_id", "visit_occurrence_id",
                    "visit_detail_id", "measurement_source_value"),
    "observation": ("observation_id", "person_id", "observation_concept_id", "observation_date",
                    "observation_type_concept_id", "provider_id", "visit_occurrence_id",
                    "visit_detail_id", "observation_source_value"),
    "cost": ("cost_id", "cost_event_id", "cost_domain_id", "cost_type_concept_id",
             "currency_concept_id", "total_charge", "paid_by_payer", "amount_allowed"),
    "device_exposure": ("device_exposure_id", "person_id", "device_concept_id",
                        "device_exposure_start_date", "device_exposure_end_date",
                        "device_type_concept_id", "quantity", "provider_id",
                        "visit_occurrence_id", "visit_detail_id", "device_source_value"),
    "drug_era": ("drug_era_id", "person_id", "drug_concept_id", "drug_era_start_date",
                 "drug_era_end_date", "drug_exposure_count", "gap_days"),
    "condition_era": ("condition_era_id", "person_id", "condition_concept_id",
                      "condition_era_start_date", "condition_era_end_date",
                      "condition_occurrence_count"),
    "observation_period": ("observation_period_id", "person_id",
                           "observation_period_start_date", "observation_period_end_date",
                           "period_type_concept_id"),
}  # fmt: skip


_SOURCE_CONCEPTS = {"drug_source_concept_id", "procedure_source_concept_id",
                    "condition_source_concept_id", "measurement_source_concept_id",
                    "device_source_concept_id", "observation_source_concept_id"}  # fmt: skip


def _fills(table: str, column: str) -> bool:
    return column in _FILLED[table]


def _render(sql: str, dialect: str) -> str:
    from .dialect import render

    return render(sql, dialect)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _require_columns(path: Path, cmap: dict[str, str], spec) -> None:
    """A file with none of its table's columns is a wrong file or a wrong separator."""
    if not cmap:
        expected = ", ".join(spec.columns[:6])
        raise InputError("no_known_columns", file=path.name, table=spec.name, expected=expected)


__all__ = ["Backend", "Converted", "convert", "flux_key_sql"]
