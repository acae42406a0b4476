# SQL is built from internal aliases (c0, c1…), quote_ident() names and _sql_str()
# literals; user values never reach it unquoted.
# ruff: noqa: S608
"""Profile a data file: statistics, quality indicators (Kahn) and chart data.

Why DuckDB (and not pyarrow or Spark)
-------------------------------------
DuckDB reads CSV and Parquet as a parallel stream, spills its hash tables to a temporary
directory when they outgrow ``memory_limit``, and runs in-process (no cluster to start,
nothing to serialise). pyarrow alone would make us write the aggregations by hand and
hold them in Python; Spark needs a JVM and seconds of start-up for every run, for tables
that a single machine profiles in seconds.

One pass over the file
----------------------
The file is read **once**, with a single ``GROUP BY GROUPING SETS`` query: one set per
column (its value counts), one for (birth year or age, sex) when the table has them, and
one for the primary key, whose groups are filtered on the fly so only duplicated or
incomplete keys are kept. The result — the *value-count table*, one row per distinct
value of each column — is much smaller than the file; everything else is computed exactly
from it: missing values, distinct values, mean, standard deviation, exact percentiles
(cumulated counts), histograms, top values, and the conformance and plausibility checks,
which thus run once per distinct value instead of once per row (a regular expression on
3,000 distinct dates instead of 10 million cells). Only foreign-key checks read the file
again (an anti-join against the referenced file).

Memory is bounded by ``memory_limit`` (hash tables spill to ``temp_directory``), so a file
larger than RAM profiles; the value-count table is as large as the number of distinct
values, which is what an exact distinct count or top-values list needs anyway.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import duckdb

from .errors import ProfilingError
from .reader import Source, open_source, quote_ident, translate_duckdb_error
from .results import (
    AgePyramid,
    Conformance,
    HistogramBin,
    KeyCheck,
    OrphanCheck,
    Plausibility,
    PyramidBand,
    RuleResult,
    Stats,
    TableProfile,
    ValueCount,
    VariableProfile,
)
from .scoring import table_scores
from .specs import (
    NUMERIC_TYPES,
    TEMPORAL_TYPES,
    ColumnSpec,
    CuratorRules,
    ForeignKeyCheck,
    Kind,
    completeness_score,
)

# ``progress(pct, step, subject)``: a step code (``read``, ``variable``…) and what it is about
# (a column or table name, or ""); the Django layer words it (catalogue/quality/labels.py).
Progress = Callable[[int, str, str], None]

DEFAULT_MEMORY_LIMIT = "1GB"
TOP_N = 10
HISTOGRAM_BINS = 20
DEFAULT_SEX_CODES = frozenset({"0", "1", "2", "9"})
SEX_LABELS = {"1": "Masculin", "2": "Féminin"}
QUANTILES = (("p10", 0.10), ("p25", 0.25), ("median", 0.50), ("p75", 0.75), ("p90", 0.90))
_EPOCH = dt.date(1970, 1, 1)
_SETS_PER_GID = 60  # grouping_id() is a BIGINT bit mask: split wide tables in chunks


def _sql_str(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _connect(memory_limit: str, temp_dir: str, threads: int | None):
    config = {
        "memory_limit": memory_limit,
        "temp_directory": temp_dir,
        "preserve_insertion_order": False,
    }
    if threads:
        config["threads"] = threads
    con = duckdb.connect(":memory:", config=config)
    # Progress is read with query_progress() (see _run), never printed.
    con.execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false")
    return con


def _run(con, sql: str, progress: Progress | None, lo: int, hi: int, step: str) -> None:
    """Execute ``sql``, reporting DuckDB's own progress scaled into ``lo``–``hi``."""
    if progress is None:
        con.execute(sql)
        return
    error: list[BaseException] = []

    def target() -> None:
        try:
            con.execute(sql)
        except BaseException as exc:  # re-raised in the caller's thread
            error.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    last = -1
    while thread.is_alive():
        thread.join(0.5)
        try:
            pct = con.query_progress()
        except Exception:  # noqa: BLE001 - progress is best effort
            pct = -1
        if pct is not None and pct >= 0:
            scaled = lo + int((hi - lo) * min(pct, 100) / 100)
            if scaled != last:
                progress(scaled, step, "")
                last = scaled
    if error:
        raise error[0]


@dataclass
class _Col:
    spec: ColumnSpec
    alias: str  # c0, c1… in the value-count table
    file_type: str  # DuckDB type of the column as read
    rules: CuratorRules | None


def profile_file(
    path: str | os.PathLike,
    columns: Sequence[ColumnSpec],
    *,
    primary_key: Sequence[str] | None = None,
    foreign_keys: Iterable[ForeignKeyCheck] = (),
    rules: Mapping[str, CuratorRules] | None = None,
    progress: Progress | None = None,
    small_cell_threshold: int = 10,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int | None = None,
    temp_directory: str | os.PathLike | None = None,
    reference_year: int | None = None,
    reference_date: dt.date | None = None,
    today: dt.date | None = None,
    top_n: int = TOP_N,
    allow_missing_columns: bool = False,
    allow_extra_columns: bool = False,
) -> TableProfile:
    """Profile the CSV or Parquet file ``path`` against its declared ``columns``.

    ``rules`` adds curator rules by variable name (on top of ``ColumnSpec.rules``);
    ``progress(pct, step, subject)`` is called as the work advances (0–100; see ``Progress``);
    ``memory_limit`` bounds DuckDB's memory (spilling to a private temporary directory
    under ``temp_directory``); ``reference_date`` is the date ages are computed at for the
    pyramid: the end of the data's coverage (``reference_year`` gives its 31 December;
    default: today, and the profile says so); ``today`` bounds "date not in the future".

    ``allow_missing_columns`` profiles a file that holds only some of the declared columns
    (real extracts do): the absent ones are listed, and keys on them are not checked.
    ``allow_extra_columns`` profiles the file's undeclared columns as text, flagged, and
    leaves them out of the table's scores.

    The returned profile holds exact counts: publish only
    :func:`catalogue.profiling.suppression.publishable` of it.
    Raises :class:`ProfilingError` (a code and what to fix) for bad input.
    """
    started = time.monotonic()
    today = today or dt.date.today()
    reference_basis = "given"
    if reference_date is None and reference_year:
        reference_date = dt.date(reference_year, 12, 31)
    if reference_date is None:
        reference_date, reference_basis = today, "today"
    reference_year = reference_date.year
    report = progress or (lambda pct, step, subject: None)
    if not columns:
        raise ProfilingError("missing_columns", reason="no_variables")
    base_tmp = str(temp_directory) if temp_directory else None
    temp_dir = tempfile.mkdtemp(prefix="hdh-profiling-", dir=base_tmp)
    try:
        con = _connect(memory_limit, temp_dir, threads)
        try:
            report(2, "header", "")
            source = open_source(
                con,
                path,
                [c.name for c in columns],
                allow_missing_columns=allow_missing_columns,
                allow_extra_columns=allow_extra_columns,
            )
            extra_rules = dict(rules or {})
            specs = [s for s in columns if s.name in source.columns] + [
                ColumnSpec(name=col, type="string", declared=False) for col in source.undeclared
            ]
            cols = [
                _Col(
                    spec=spec,
                    alias=f"c{i}",
                    file_type=source.file_types[spec.name],
                    rules=extra_rules.get(spec.name) or spec.rules,
                )
                for i, spec in enumerate(specs)
            ]
            by_name = {c.spec.name: c for c in cols if c.spec.declared}
            pk = list(primary_key or [])
            unknown_pk = [n for n in pk if n not in by_name]
            skipped_keys = []
            if unknown_pk and allow_missing_columns:
                skipped_keys.append(", ".join(pk))
                pk = []
            elif unknown_pk:
                raise ProfilingError("missing_columns", reason="primary_key", missing=unknown_pk)
            pyramid_cols = _pyramid_columns([c for c in cols if c.spec.declared])
            sets = [(c.alias,) for c in cols]
            if pyramid_cols:
                sets.append((pyramid_cols[0].alias, pyramid_cols[1].alias))
            pk_set = tuple(by_name[n].alias for n in pk) if pk else None
            if pk_set and len(pk_set) > 1:
                sets.append(pk_set)
            _build_value_counts(con, source, cols, sets, pk_set, report)
            aliases = [c.alias for c in cols]
            rows = _rows(con, aliases, cols[0].alias)
            variables = []
            for i, col in enumerate(cols):
                report(70 + int(20 * i / len(cols)), "variable", col.spec.name)
                var = _profile_variable(con, col, aliases, rows, today, top_n)
                expected, basis = col.spec.expected
                var.declared = col.spec.declared
                var.expected_completeness = expected
                var.expected_basis = str(basis)
                var.completeness_score = completeness_score(var.completeness_pct, expected)
                variables.append(var)
            key_check = _key_check(con, aliases, pk, pk_set, rows) if pk_set else None
            pyramid = _pyramid(con, aliases, pyramid_cols, reference_year) if pyramid_cols else None
            sex_col = next((c for c in cols if c.spec.declared and c.spec.kind == Kind.SEX), None)
            sex_split = _sex_split(con, aliases, sex_col, rows) if sex_col else None
            orphans = []
            present = {name.upper() for name in by_name}
            for fk in foreign_keys:
                if allow_missing_columns and not {c.upper() for c in fk.columns} <= present:
                    skipped_keys.append(
                        f"{', '.join(fk.columns)} → {fk.referenced_table or fk.referenced_path}"
                    )
                    continue
                report(92, "foreign_key", str(fk.referenced_table or fk.referenced_path))
                orphans.append(_orphans(con, source, fk))
        except duckdb.Error as exc:
            raise translate_duckdb_error(exc, source if "source" in locals() else None) from exc
        finally:
            con.close()
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)
    report(100, "done", "")
    return TableProfile(
        rows=rows,
        columns=variables,
        primary_key=key_check,
        foreign_keys=orphans,
        scores=table_scores([v for v in variables if v.declared], key_check, orphans),
        pyramid=pyramid,
        sex_split=sex_split,
        source=source.describe(),
        duration_s=round(time.monotonic() - started, 3),
        engine=f"duckdb {duckdb.__version__}",
        small_cell_threshold=small_cell_threshold,
        absent_columns=list(source.absent),
        undeclared_columns=list(source.undeclared),
        reference_date=reference_date.isoformat(),
        reference_basis=reference_basis,
        skipped_keys=skipped_keys,
    )


# --------------------------------------------------------------------------- the one pass


def _gid_columns(aliases: list[str]) -> list[str]:
    chunks = [aliases[i : i + _SETS_PER_GID] for i in range(0, len(aliases), _SETS_PER_GID)]
    return [f"grouping({', '.join(chunk)}) AS g{k}" for k, chunk in enumerate(chunks)]


def _set_filter(aliases: list[str], grouped: Sequence[str]) -> str:
    """SQL predicate selecting the rows of the value-count table for one grouping set."""
    chunks = [aliases[i : i + _SETS_PER_GID] for i in range(0, len(aliases), _SETS_PER_GID)]
    parts = []
    for k, chunk in enumerate(chunks):
        mask = 0
        for pos, alias in enumerate(chunk):
            if alias not in grouped:
                mask |= 1 << (len(chunk) - 1 - pos)
        parts.append(f"g{k} = {mask}")
    return " AND ".join(parts)


def _build_value_counts(con, source: Source, cols, sets, pk_set, report: Progress) -> None:
    aliases = [c.alias for c in cols]
    projection = ", ".join(f"{quote_ident(source.columns[c.spec.name])} AS {c.alias}" for c in cols)
    grouping = ", ".join("(" + ", ".join(s) + ")" for s in sets)
    keep = "TRUE"
    if pk_set and len(pk_set) > 1:  # a one-column key is that column's own set
        nulls = " OR ".join(f"{a} IS NULL" for a in pk_set)
        keep = f"NOT ({_set_filter(aliases, pk_set)}) OR n > 1 OR {nulls}"

    def sql() -> str:
        return (
            "CREATE OR REPLACE TEMP TABLE vc AS SELECT * FROM ("
            f"SELECT {', '.join(_gid_columns(aliases))}, {', '.join(aliases)}, "
            f"count(*)::BIGINT AS n FROM (SELECT {projection} FROM {source.relation_sql()}) "
            f"GROUP BY GROUPING SETS ({grouping})) WHERE {keep}"
        )

    report(5, "read", "")
    try:
        _run(con, sql(), report, 5, 70, "read")
    except duckdb.Error as exc:
        # The head looked like UTF-8 but a later line is not: the file is Latin-1.
        if source.format == "csv" and source.encoding == "utf-8" and "unicode" in str(exc).lower():
            source.encoding = "latin-1"
            _run(con, sql(), report, 5, 70, "read_latin1")
        else:
            raise


def _rows(con, aliases, alias) -> int:
    where = _set_filter(aliases, (alias,))
    value = con.execute(f"SELECT coalesce(sum(n), 0) FROM vc WHERE {where}").fetchone()[0]
    return int(value)


# --------------------------------------------------------------------------- one variable


def _is_native(spec: ColumnSpec, file_type: str) -> bool:
    """Whether a Parquet column already has the declared type (no parsing needed)."""
    ft = file_type.upper()
    ints = (
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
    )
    if spec.type in ("integer", "year"):
        return ft in ints
    if spec.type == "number":
        return ft in ints or ft in ("FLOAT", "DOUBLE", "REAL") or ft.startswith("DECIMAL")
    if spec.type == "date":
        return ft == "DATE"
    if spec.type == "datetime":
        return ft.startswith("TIMESTAMP")
    if spec.type == "boolean":
        return ft == "BOOLEAN"
    return False


def _typed_expr(spec: ColumnSpec, native: bool) -> str:
    """SQL giving the typed value of ``raw`` (NULL when it does not fit the type)."""
    if native:
        return "raw"
    s = "trim(s)"
    t = spec.type
    if t == "integer":
        return f"TRY_CAST({s} AS BIGINT)"
    if t == "number":
        return f"TRY_CAST(replace({s}, ',', '.') AS DOUBLE)"
    if t == "year":
        return f"CASE WHEN regexp_full_match({s}, '[0-9]{{4}}') THEN CAST({s} AS INTEGER) END"
    if t == "boolean":
        return (
            f"CASE WHEN lower({s}) IN ('true', '1', 'oui', 'o', 'vrai') THEN TRUE "
            f"WHEN lower({s}) IN ('false', '0', 'non', 'n', 'faux') THEN FALSE END"
        )
    if t == "date":
        if spec.format:
            return f"CAST(try_strptime({s}, {_sql_str(spec.format)}) AS DATE)"
        return (
            f"coalesce(TRY_CAST({s} AS DATE), "
            + ", ".join(
                f"CAST(try_strptime({s}, '{f}') AS DATE)"
                for f in ("%d/%m/%Y", "%Y%m%d", "%d%b%Y", "%d%b%Y:%H:%M:%S")
            )
            + ")"
        )
    if t == "datetime":
        if spec.format:
            return f"try_strptime({s}, {_sql_str(spec.format)})"
        return (
            f"coalesce(TRY_CAST({s} AS TIMESTAMP), try_strptime({s}, '%d/%m/%Y %H:%M:%S'), "
            f"try_strptime({s}, '%d%b%Y:%H:%M:%S'))"
        )
    if t == "yearmonth":
        return (
            f"coalesce(CAST(try_strptime({s}, '%Y%m') AS DATE), "
            f"CAST(try_strptime({s}, '%Y-%m') AS DATE))"
        )
    return "s"


def _numeric_expr(spec: ColumnSpec) -> str | None:
    """SQL turning ``typed`` into a DOUBLE for statistics (dates: days since 1970)."""
    if spec.type in NUMERIC_TYPES:
        return "CAST(typed AS DOUBLE)"
    if spec.type in ("date", "yearmonth"):
        return "CAST(date_diff('day', DATE '1970-01-01', CAST(typed AS DATE)) AS DOUBLE)"
    if spec.type == "datetime":
        return "epoch(CAST(typed AS TIMESTAMP)) / 86400.0"
    return None


def _code_key(spec: ColumnSpec, expr: str) -> str:
    """Normalise a code for comparison with a nomenclature: integers lose leading zeros."""
    if spec.type in ("integer", "year"):
        return f"coalesce(CAST(TRY_CAST({expr} AS BIGINT) AS VARCHAR), {expr})"
    return expr


def _norm_code(spec: ColumnSpec, code: str) -> str:
    code = str(code).strip()
    if spec.type in ("integer", "year"):
        try:
            return str(int(code))
        except ValueError:
            return code
    return code


def _register_codes(con, name: str, spec: ColumnSpec, codes: Iterable[str]) -> str:
    values = sorted({_norm_code(spec, c) for c in codes})
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (code VARCHAR)")
    if values:
        con.executemany(f"INSERT INTO {name} VALUES (?)", [(v,) for v in values])
    return name


def _bound_sql(spec: ColumnSpec, value) -> str:
    """A curator/declared bound as a DOUBLE comparable with the numeric expression."""
    if spec.type in TEMPORAL_TYPES:
        day = dt.date.fromisoformat(str(value)[:10])
        return str(float((day - _EPOCH).days))
    return repr(float(value))


def _rules_sql(con, col: _Col, today: dt.date) -> list[tuple[str, str, str]]:
    """Plausibility rules that apply to the column: (id, French label, SQL that is TRUE
    when a typed value passes)."""
    spec, rules = col.spec, col.rules
    out: list[tuple[str, str, str]] = []
    if spec.type in TEMPORAL_TYPES:
        day = float((today - _EPOCH).days)
        out.append(("date_not_future", "Date non future", f"x <= {day}"))
        first = float((dt.date(1900, 1, 1) - _EPOCH).days)
        out.append(("date_after_1900", "Date postérieure à 1900", f"x >= {first}"))
    if spec.kind == Kind.BIRTH_YEAR and spec.type in NUMERIC_TYPES:
        out.append(
            (
                "birth_year_range",
                f"Année de naissance entre 1900 et {today.year}",
                f"x BETWEEN 1900 AND {today.year}",
            )
        )
    if spec.kind == Kind.AGE and spec.type in NUMERIC_TYPES:
        out.append(("age_range", "Âge entre 0 et 120 ans", "x BETWEEN 0 AND 120"))
    if spec.kind == Kind.AMOUNT and spec.type in NUMERIC_TYPES:
        out.append(("amount_not_negative", "Montant positif ou nul", "x >= 0"))
    if spec.kind == Kind.SEX:
        table = _register_codes(
            con, f"sex_{col.alias}", spec, spec.nomenclature or DEFAULT_SEX_CODES
        )
        out.append(
            (
                "sex_code",
                "Code sexe de la nomenclature",
                f"{_code_key(spec, 'trim(s)')} IN (SELECT code FROM {table})",
            )
        )
    numeric = _numeric_expr(spec) is not None
    if numeric and spec.minimum is not None:
        out.append(
            ("declared_min", f"≥ {spec.minimum} (schéma)", f"x >= {_bound_sql(spec, spec.minimum)}")
        )
    if numeric and spec.maximum is not None:
        out.append(
            ("declared_max", f"≤ {spec.maximum} (schéma)", f"x <= {_bound_sql(spec, spec.maximum)}")
        )
    if rules is not None and not rules.is_empty():
        if rules.minimum is not None and numeric:
            out.append(
                ("curator_min", f"≥ {rules.minimum}", f"x >= {_bound_sql(spec, rules.minimum)}")
            )
        if rules.maximum is not None and numeric:
            out.append(
                ("curator_max", f"≤ {rules.maximum}", f"x <= {_bound_sql(spec, rules.maximum)}")
            )
        if rules.pattern:
            out.append(
                (
                    "curator_pattern",
                    f"Motif {rules.pattern}",
                    f"regexp_full_match(trim(s), {_sql_str(rules.pattern)})",
                )
            )
        if rules.allowed is not None:
            table = _register_codes(con, f"allowed_{col.alias}", spec, rules.allowed)
            out.append(
                (
                    "curator_allowed",
                    "Valeur autorisée",
                    f"{_code_key(spec, 'trim(s)')} IN (SELECT code FROM {table})",
                )
            )
    return out


def _profile_variable(con, col: _Col, aliases, rows: int, today, top_n) -> VariableProfile:
    spec = col.spec
    native = _is_native(spec, col.file_type)
    typed = _typed_expr(spec, native)
    numeric = _numeric_expr(spec)
    where = _set_filter(aliases, (col.alias,))
    checks = {
        "length_ok": "TRUE",
        "format_ok": "TRUE",
        "value_set_ok": "TRUE",
    }
    if spec.max_length is not None or spec.min_length is not None:
        target = "ltrim(trim(s), '+-')" if spec.type in ("integer", "year") else "trim(s)"
        conds = []
        if spec.max_length is not None:
            conds.append(f"length({target}) <= {spec.max_length}")
        if spec.min_length is not None:
            conds.append(f"length({target}) >= {int(spec.min_length)}")
        checks["length_ok"] = " AND ".join(conds)
    if spec.pattern:
        checks["format_ok"] = f"regexp_full_match(trim(s), {_sql_str(spec.pattern)})"
    value_sets = []
    if spec.nomenclature is not None:
        value_sets.append(_register_codes(con, f"nom_{col.alias}", spec, spec.nomenclature))
    if spec.enum is not None:
        value_sets.append(_register_codes(con, f"enum_{col.alias}", spec, spec.enum))
    if value_sets:
        key = _code_key(spec, "trim(s)")
        checks["value_set_ok"] = " AND ".join(
            f"{key} IN (SELECT code FROM {t})" for t in value_sets
        )
    rules = _rules_sql(con, col, today)
    rule_cols = "".join(f", ({sql}) AS r{i}" for i, (_, _, sql) in enumerate(rules))
    x = numeric or "NULL::DOUBLE"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE v AS "
        f"SELECT raw, s, n, raw IS NULL OR trim(s) = '' AS missing, typed, {x} AS x FROM ("
        f"SELECT raw, s, n, {typed} AS typed FROM ("
        f"SELECT {col.alias} AS raw, CAST({col.alias} AS VARCHAR) AS s, n "
        f"FROM vc WHERE {where}))"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE w AS SELECT *, "
        f"NOT missing AND typed IS NOT NULL AS type_ok, "
        f"coalesce(NOT missing AND ({checks['length_ok']}), FALSE) AS length_ok, "
        f"coalesce(NOT missing AND ({checks['format_ok']}), FALSE) AS format_ok, "
        f"coalesce(NOT missing AND ({checks['value_set_ok']}), FALSE) AS value_set_ok"
        f"{rule_cols} FROM v"
    )
    conform = "type_ok AND length_ok AND format_ok AND value_set_ok"
    rule_fail = [
        f"sum(n) FILTER (WHERE type_ok AND NOT coalesce(r{i}, FALSE))" for i in range(len(rules))
    ]
    all_rules = " AND ".join(f"coalesce(r{i}, FALSE)" for i in range(len(rules))) or "TRUE"
    agg = con.execute(
        "SELECT coalesce(sum(n) FILTER (WHERE missing), 0), "
        "coalesce(sum(n) FILTER (WHERE NOT missing), 0), "
        "count(DISTINCT coalesce(CAST(typed AS VARCHAR), trim(s))) FILTER (WHERE NOT missing), "
        f"coalesce(sum(n) FILTER (WHERE NOT missing AND NOT ({conform})), 0), "
        "coalesce(sum(n) FILTER (WHERE NOT missing AND NOT type_ok), 0), "
        "coalesce(sum(n) FILTER (WHERE NOT missing AND NOT length_ok), 0), "
        "coalesce(sum(n) FILTER (WHERE NOT missing AND NOT format_ok), 0), "
        "coalesce(sum(n) FILTER (WHERE NOT missing AND NOT value_set_ok), 0), "
        "coalesce(sum(n) FILTER (WHERE type_ok), 0), "
        f"coalesce(sum(n) FILTER (WHERE type_ok AND NOT ({all_rules})), 0)"
        + "".join(f", coalesce({f}, 0)" for f in rule_fail)
        + " FROM w"
    ).fetchone()
    missing, present, distinct, failed, type_f, len_f, fmt_f, set_f, typed_n, pl_failed = (
        int(v) for v in agg[:10]
    )
    rule_failed = [int(v) for v in agg[10:]]
    examples = [
        r[0]
        for r in con.execute(
            f"SELECT trim(s) FROM w WHERE NOT missing AND NOT ({conform}) "
            "ORDER BY n DESC, 1 LIMIT 5"
        ).fetchall()
    ]
    conformance = Conformance(
        checked=present,
        failed=failed,
        type_failed=type_f,
        length_failed=len_f,
        format_failed=fmt_f,
        value_set_failed=set_f,
        pct=_pct(present - failed, present),
        examples=examples,
    )
    plausibility = Plausibility(
        checked=typed_n if rules else 0,
        failed=pl_failed if rules else 0,
        pct=_pct(typed_n - pl_failed, typed_n) if rules else None,
        rules=[
            RuleResult(rule=rid, label=label, checked=typed_n, failed=f)
            for (rid, label, _), f in zip(rules, rule_failed, strict=True)
        ],
    )
    top = [
        ValueCount(
            value=str(v),
            count=int(c),
            label=SEX_LABELS.get(str(v), "") if spec.kind == Kind.SEX else "",
        )
        for v, c in con.execute(
            "SELECT trim(s) AS v, sum(n) AS c FROM w WHERE NOT missing "
            f"GROUP BY v ORDER BY c DESC, v LIMIT {int(top_n)}"
        ).fetchall()
    ]
    stats, histogram = (None, [])
    # Codes (a nomenclature, a sex code, an identifier) are categories even when declared
    # as integers: their top values say it all, a mean would mislead.
    categorical = (
        spec.nomenclature is not None
        or spec.enum is not None
        or spec.kind
        in (
            Kind.SEX,
            Kind.PERSON_ID,
        )
    )
    if numeric is not None and typed_n and not categorical:
        stats, histogram = _distribution(con, spec, typed_n)
    return VariableProfile(
        name=spec.name,
        type=spec.type,
        kind=str(spec.kind) if spec.kind else None,
        rows=rows,
        missing=missing,
        completeness_pct=_pct(present, rows),
        distinct=int(distinct),
        stats=stats,
        top_values=top,
        histogram=histogram,
        conformance=conformance,
        plausibility=plausibility,
    )


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 4) if whole else None


def _distribution(con, spec: ColumnSpec, count: int) -> tuple[Stats, list[HistogramBin]]:
    """Exact mean, std, percentiles and histogram from the (value, count) pairs."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE d AS SELECT x, sum(n) AS n FROM w "
        "WHERE type_ok AND x IS NOT NULL GROUP BY x"
    )
    mean, lo, hi, distinct = con.execute(
        "SELECT sum(x * n) / sum(n), min(x), max(x), count(*) FROM d"
    ).fetchone()
    var_num = con.execute("SELECT sum(n * (x - ?) * (x - ?)) FROM d", [mean, mean]).fetchone()[0]
    std = math.sqrt(var_num / (count - 1)) if count > 1 else None
    positions = []
    for _, q in QUANTILES:
        h = (count - 1) * q
        positions += [math.floor(h), math.ceil(h)]
    select = ", ".join(f"min(x) FILTER (WHERE cum > {k})" for k in positions)
    found = con.execute(
        f"SELECT {select} FROM (SELECT x, sum(n) OVER (ORDER BY x "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum FROM d)"
    ).fetchone()
    quantiles = {}
    for i, (name, q) in enumerate(QUANTILES):
        h = (count - 1) * q
        a, b = found[2 * i], found[2 * i + 1]
        quantiles[name] = a + (h - math.floor(h)) * (b - a)
    fmt = _formatter(spec)
    stats = Stats(
        mean=fmt(mean),
        std=None if std is None else round(std, 6),
        min=fmt(lo),
        p10=fmt(quantiles["p10"]),
        p25=fmt(quantiles["p25"]),
        median=fmt(quantiles["median"]),
        p75=fmt(quantiles["p75"]),
        p90=fmt(quantiles["p90"]),
        max=fmt(hi),
    )
    return stats, _histogram(con, spec, lo, hi, distinct)


def _formatter(spec: ColumnSpec):
    if spec.type in ("date", "yearmonth"):
        return lambda v: None if v is None else (_EPOCH + dt.timedelta(days=round(v))).isoformat()
    if spec.type == "datetime":
        return lambda v: (
            None
            if v is None
            else (dt.datetime(1970, 1, 1) + dt.timedelta(days=v)).isoformat(timespec="seconds")
        )
    return lambda v: None if v is None else (int(v) if float(v).is_integer() else round(v, 6))


def _histogram(con, spec: ColumnSpec, lo: float, hi: float, distinct: int) -> list[HistogramBin]:
    if spec.type in TEMPORAL_TYPES:
        return _date_histogram(con, lo, hi)
    integral = spec.type in ("integer", "year") or (
        float(lo).is_integer()
        and float(hi).is_integer()
        and distinct <= 40
        and con.execute("SELECT bool_and(x = floor(x)) FROM d").fetchone()[0]
    )
    if integral and hi - lo < 40:
        edges = [lo + k for k in range(int(hi - lo) + 2)]
        width = 1.0
    elif integral and (spec.type == "year" or spec.kind == Kind.BIRTH_YEAR):
        width = 5.0
        start = math.floor(lo / 5) * 5
        edges = [start + 5 * k for k in range(int((hi - start) // 5) + 2)]
    else:
        width = (hi - lo) / HISTOGRAM_BINS if hi > lo else 1.0
        if integral:
            width = max(1.0, math.ceil(width))
        edges = [lo + width * k for k in range(HISTOGRAM_BINS + 1)]
        if integral:
            edges = [e for e in edges if e <= hi] + [edges[-1] if edges[-1] > hi else hi + 1]
            edges = sorted(set(edges))
    nbins = max(1, len(edges) - 1)
    counts = dict(
        con.execute(
            f"SELECT least(CAST(floor((x - ?) / ?) AS BIGINT), {nbins - 1}) AS b, "
            "sum(n) FROM d GROUP BY b",
            [edges[0], width],
        ).fetchall()
    )
    fmt = _formatter(spec)
    bins = []
    for k in range(nbins):
        a, b = edges[k], edges[k + 1] if k + 1 < len(edges) else edges[k] + width
        if integral and width == 1.0:
            label = str(fmt(a))
        elif integral:
            label = f"{fmt(a)}–{fmt(b - 1)}"
        else:
            label = f"{fmt(a)} – {fmt(b)}"
        bins.append(
            HistogramBin(label=label, lower=fmt(a), upper=fmt(b), count=int(counts.get(k, 0)))
        )
    return bins


def _date_histogram(con, lo: float, hi: float) -> list[HistogramBin]:
    """Monthly bins over two years or less, yearly bins otherwise (5-year beyond 60)."""
    first = _EPOCH + dt.timedelta(days=round(lo))
    last = _EPOCH + dt.timedelta(days=round(hi))
    day = "(DATE '1970-01-01' + CAST(round(x) AS INTEGER))"
    if (last - first).days <= 731:
        rows = con.execute(
            f"SELECT year({day}) * 12 + month({day}) - 1 AS b, sum(n) FROM d GROUP BY b"
        ).fetchall()
        counts = dict(rows)
        bins = []
        for k in range(first.year * 12 + first.month - 1, last.year * 12 + last.month):
            y, m = divmod(k, 12)
            start = dt.date(y, m + 1, 1)
            ny, nm = divmod(k + 1, 12)
            bins.append(
                HistogramBin(
                    label=f"{y}-{m + 1:02d}",
                    lower=start.isoformat(),
                    upper=dt.date(ny, nm + 1, 1).isoformat(),
                    count=int(counts.get(k, 0)),
                )
            )
        return bins
    step = 1 if last.year - first.year <= 60 else 5
    counts = dict(
        con.execute(
            f"SELECT CAST(floor(year({day}) / {step}) AS BIGINT) * {step} AS b, sum(n) "
            "FROM d GROUP BY b"
        ).fetchall()
    )
    start_year = first.year // step * step
    return [
        HistogramBin(
            label=str(y) if step == 1 else f"{y}–{y + step - 1}",
            lower=dt.date(y, 1, 1).isoformat(),
            upper=dt.date(y + step, 1, 1).isoformat(),
            count=int(counts.get(y, 0)),
        )
        for y in range(start_year, last.year + 1, step)
    ]


# --------------------------------------------------------------------------- table level


def _key_check(con, aliases, pk: list[str], pk_set, rows: int) -> KeyCheck:
    where = _set_filter(aliases, pk_set)
    nulls = " OR ".join(f"{a} IS NULL" for a in pk_set)
    dup_keys, dups, null_rows = con.execute(
        f"SELECT count(*) FILTER (WHERE n > 1 AND NOT ({nulls})), "
        f"coalesce(sum(n - 1) FILTER (WHERE n > 1 AND NOT ({nulls})), 0), "
        f"coalesce(sum(n) FILTER (WHERE {nulls}), 0) FROM vc WHERE {where}"
    ).fetchone()
    return KeyCheck(
        columns=list(pk),
        checked=rows,
        duplicates=int(dups),
        null_keys=int(null_rows),
        duplicated_keys=int(dup_keys),
    )


def _pyramid_columns(cols: list[_Col]) -> tuple[_Col, _Col] | None:
    age = next((c for c in cols if c.spec.kind == Kind.BIRTH_YEAR), None) or next(
        (c for c in cols if c.spec.kind == Kind.AGE), None
    )
    sex = next((c for c in cols if c.spec.kind == Kind.SEX), None)
    return (age, sex) if age and sex else None


def _pyramid(con, aliases, cols: tuple[_Col, _Col], reference_year: int) -> AgePyramid:
    age_col, sex_col = cols
    where = _set_filter(aliases, (age_col.alias, sex_col.alias))
    value = f"TRY_CAST(trim(CAST({age_col.alias} AS VARCHAR)) AS DOUBLE)"
    age = f"{reference_year} - {value}" if age_col.spec.kind == Kind.BIRTH_YEAR else value
    sex = f"{_code_key(sex_col.spec, f'trim(CAST({sex_col.alias} AS VARCHAR))')}"
    rows = con.execute(
        f"SELECT CASE WHEN a BETWEEN 0 AND 120 THEN least(CAST(floor(a / 5) AS BIGINT) * 5, 95) "
        f"END AS band, sx, sum(n) FROM (SELECT {age} AS a, {sex} AS sx, n FROM vc "
        f"WHERE {where}) GROUP BY ALL"
    ).fetchall()
    cells: dict[tuple[int, str], int] = {}
    unknown = 0
    for band, sx, n in rows:
        if band is None or sx not in ("1", "2"):
            unknown += int(n)
        else:
            cells[(int(band), sx)] = cells.get((int(band), sx), 0) + int(n)
    bands = [
        PyramidBand(
            label=f"{b}-{b + 4}" if b < 95 else "95+",
            age_min=b,
            male=cells.get((b, "1"), 0),
            female=cells.get((b, "2"), 0),
        )
        for b in range(0, 100, 5)
    ]
    return AgePyramid(
        source_column=age_col.spec.name,
        sex_column=sex_col.spec.name,
        reference_year=reference_year,
        bands=bands,
        unknown=unknown,
    )


def _sex_split(con, aliases, sex_col: _Col, rows: int) -> list[ValueCount]:
    where = _set_filter(aliases, (sex_col.alias,))
    key = _code_key(sex_col.spec, f"trim(CAST({sex_col.alias} AS VARCHAR))")
    male, female = con.execute(
        f"SELECT coalesce(sum(n) FILTER (WHERE {key} = '1'), 0), "
        f"coalesce(sum(n) FILTER (WHERE {key} = '2'), 0) FROM vc WHERE {where}"
    ).fetchone()
    male, female = int(male), int(female)
    other = rows - male - female
    return [
        ValueCount(value="1", count=male, label=SEX_LABELS["1"]),
        ValueCount(value="2", count=female, label=SEX_LABELS["2"]),
        ValueCount(value="other", count=other, label="Inconnu ou manquant"),
    ]


def _key_sql(alias: str, columns: Sequence[str], mapping: Mapping[str, str]) -> list[str]:
    return [
        f"NULLIF(trim(CAST({alias}.{quote_ident(mapping[c])} AS VARCHAR)), '')" for c in columns
    ]


def _orphans(con, source: Source, fk: ForeignKeyCheck) -> OrphanCheck:
    try:
        ref = open_source(con, fk.referenced_path, None)
    except ProfilingError as exc:
        # the cause keeps its own code and parameters: the web layer words it after the table
        raise ProfilingError(
            "referenced_file",
            **exc.params,
            table=fk.referenced_table or "",
            cause=exc.code,
        ) from exc
    ref_cols = {c.upper(): c for c in ref.columns}
    missing = [c for c in fk.referenced_columns if c.upper() not in ref_cols]
    if missing:
        raise ProfilingError(
            "referenced_file",
            reason="missing_columns",
            table=fk.referenced_table or os.path.basename(fk.referenced_path),
            missing=missing,
        )
    here_cols = {c.upper(): f for c, f in source.columns.items()}
    unknown = [c for c in fk.columns if c.upper() not in here_cols]
    if unknown:
        raise ProfilingError("missing_columns", reason="foreign_key", missing=unknown)
    here = _key_sql("s", fk.columns, {c: here_cols[c.upper()] for c in fk.columns})
    there = _key_sql(
        "r", fk.referenced_columns, {c: ref_cols[c.upper()] for c in fk.referenced_columns}
    )
    on = " AND ".join(f"k{i} = r{i}" for i in range(len(here)))
    checked, orphans = con.execute(
        f"WITH s AS (SELECT {', '.join(f'{e} AS k{i}' for i, e in enumerate(here))} "
        f"FROM {source.relation_sql()} s), "
        f"r AS (SELECT DISTINCT {', '.join(f'{e} AS r{i}' for i, e in enumerate(there))} "
        f"FROM {ref.relation_sql()} r) "
        f"SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM r WHERE {on})) "
        f"FROM s WHERE {' AND '.join(f'k{i} IS NOT NULL' for i in range(len(here)))}"
    ).fetchone()
    return OrphanCheck(
        columns=list(fk.columns),
        referenced_table=fk.referenced_table,
        referenced_columns=list(fk.referenced_columns),
        checked=int(checked),
        orphans=int(orphans),
        pct_ok=_pct(int(checked) - int(orphans), int(checked)),
    )


def orphan_rows(
    path: str | os.PathLike,
    columns: Sequence[str],
    referenced_path: str | os.PathLike,
    referenced_columns: Sequence[str],
    *,
    referenced_table: str = "",
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    temp_directory: str | os.PathLike | None = None,
) -> OrphanCheck:
    """Count rows of ``path`` whose key ``columns`` (all non-null) are absent from
    ``referenced_columns`` of ``referenced_path`` (values compared as trimmed text)."""
    temp_dir = tempfile.mkdtemp(prefix="hdh-orphans-", dir=temp_directory)
    try:
        con = _connect(memory_limit, temp_dir, None)
        source = None
        try:
            source = open_source(con, path, None)
            return _orphans(
                con,
                source,
                ForeignKeyCheck(
                    columns=tuple(columns),
                    referenced_path=str(referenced_path),
                    referenced_columns=tuple(referenced_columns),
                    referenced_table=referenced_table,
                ),
            )
        except duckdb.Error as exc:
            raise translate_duckdb_error(exc, source) from exc
        finally:
            con.close()
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)
