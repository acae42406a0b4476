"""The one place where DuckDB and Spark SQL are spelled differently.

Every step of the mapping is one SQL file (``omop/etl/sql/<step>.sql``) written in DuckDB's
dialect over named views. :func:`render` fills its ``{{ name }}`` parameters (constants of
``mapping.py``, the window, flags about the extract) as SQL literals, expands the project's
own functions, and prints the query for the engine with SQLGlot:

* ``stable_id(a, b, …)`` — the id recipe of OMOP_MAPPING.md: each value as text (dates ISO,
  missing → empty), joined with ``|``, MD5, first 8 bytes big-endian, shifted right by one
  bit;
* ``add_days(date, n)`` — date arithmetic;
* ``days_between(a, b)`` — whole days from date ``a`` to date ``b``;
* ``round_half_even(x)`` — numpy's (and Spark's ``bround``) rounding;
* ``flux_key(alias)`` — the nine flux keys as one text join key;
* ``clean_code(x)`` — a code as vocabularies write it without punctuation: upper case, only
  letters and digits (``m54.5 `` → ``M545``), empty → NULL;
* ``source_vocabulary(value, vocabulary)`` — the vocabulary a prefixed source value names
  (``NGAP:3125`` → NGAP, ``SPE:1`` → IR_SPE_V, ``ACT:26`` → IR_ACT_V), else ``vocabulary``;
* ``concept_code(vocabulary, value)`` — a source value as ``vocabulary`` writes it in Athena
  (OMOP_MAPPING.md Part 2): CIM-10 with its dot (``M545`` → ``M54.5``), a prefixed value
  without its prefix (``NGAP:3125`` → ``3125``), a CIP13 (34009 + CIP7 + check digit) as its
  CIP7 in BDPM. The conversion (``code_map``) and the alignment report both read codes so.

Regular expressions are written with ``regexp_matches`` (a search, anchored with ``^…$``
where a whole value must match), which SQLGlot turns into Spark's ``RLIKE``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

import sqlglot
from sqlglot import exp

from . import mapping as m

SQL_DIR = Path(__file__).resolve().parent / "sql"
_PARAM = re.compile(r"\{\{\s*(\w+)\s*\}\}")


class Raw(str):
    """A parameter inserted as SQL text, not as a literal."""


def literal(value: object) -> str:
    """A Python value as a SQL literal (DuckDB spelling; SQLGlot adapts it)."""
    if isinstance(value, Raw):
        return str(value)
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, tuple | list | set | frozenset):
        return "(" + ", ".join(literal(v) for v in value) + ")"
    return "'" + str(value).replace("'", "''") + "'"


def output_source(output: Path, table: str) -> str | None:
    """The DuckDB function that reads ``table`` of a conversion's output folder: its Parquet
    file, else its CSV as text; None when the output has no such table."""
    for suffix, reader in ((".parquet", "read_parquet"), (".csv", "read_csv")):
        path = output / f"{table}{suffix}"
        if path.exists():
            options = ", all_varchar=true, header=true" if suffix == ".csv" else ""
            return f"{reader}({literal(path)}{options})"
    return None


def constants() -> dict[str, object]:
    """The mapping's constants (concept ids, codes) that the SQL files name."""
    return {k: v for k, v in vars(m).items() if k.isupper() and isinstance(v, int | str | tuple)}


@functools.cache
def source(step: str) -> str:
    return (SQL_DIR / f"{step}.sql").read_text(encoding="utf-8")


def render(sql: str, dialect: str, params: dict[str, object] | None = None) -> str:
    """The SQL of a step for ``dialect`` (``duckdb`` or ``spark``)."""
    values = constants() | (params or {})

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"SQL parameter {name!r} has no value")
        return literal(values[name])

    return _transpile(_PARAM.sub(fill, sql), dialect)


@functools.lru_cache(maxsize=1024)
def _transpile(text: str, dialect: str) -> str:
    """Parsing is most of a small conversion's overhead (1.1 s of 12 s at 10,000 persons):
    a worker converting again, or the tests, reuse the same texts."""
    tree = sqlglot.parse_one(text, read="duckdb")
    tree = tree.transform(functools.partial(_expand, dialect=dialect))
    return tree.sql(dialect=dialect)


def step(name: str, dialect: str, params: dict[str, object] | None = None) -> str:
    return render(source(name), dialect, params)


# --- the project's functions ------------------------------------------------------------
_FUNCTIONS = frozenset({
    "stable_id", "add_days", "days_between", "round_half_even", "clean_code", "flux_key",
    "source_vocabulary", "concept_code",
})  # fmt: skip


def _expand(node: exp.Expression, dialect: str) -> exp.Expression:
    if not isinstance(node, exp.Anonymous) or node.name.lower() not in _FUNCTIONS:
        return node
    name = node.name.lower()
    args = node.expressions
    if name == "stable_id":
        return _stable_id(args, dialect)
    if name == "add_days":
        added = exp.DateAdd(this=args[0], expression=args[1], unit=exp.var("DAY"))
        return exp.Cast(this=added, to=exp.DataType.build("DATE"))
    if name == "days_between":
        if dialect == "spark":
            return exp.Anonymous(this="DATEDIFF", expressions=[args[1], args[0]])
        return exp.Anonymous(
            this="DATE_DIFF", expressions=[exp.Literal.string("day"), args[0], args[1]]
        )
    if name == "round_half_even":
        if dialect == "spark":
            return exp.Anonymous(this="BROUND", expressions=[args[0]])
        return exp.Anonymous(this="ROUND_EVEN", expressions=[args[0], exp.Literal.number(0)])
    if name == "clean_code":
        upper = exp.Upper(this=args[0])
        pattern, empty = exp.Literal.string("[^A-Z0-9]"), exp.Literal.string("")
        flags = [exp.Literal.string("g")] if dialect == "duckdb" else []
        cleaned = exp.Anonymous(this="REGEXP_REPLACE", expressions=[upper, pattern, empty, *flags])
        return exp.Nullif(this=cleaned, expression=exp.Literal.string(""))
    if name == "flux_key":
        alias = args[0].name if args else ""
        return _parse(flux_key_sql(alias))
    # written in DuckDB's spelling, their arguments may call the project's functions too
    # (a replaced node is not visited again): expand the replacement
    text = [a.sql("duckdb") for a in args]
    if name == "source_vocabulary":
        return _expanded(source_vocabulary_sql(*text), dialect)
    return _expanded(concept_code_sql(*text), dialect)


def _expanded(sql: str, dialect: str) -> exp.Expression:
    return _parse(sql).transform(functools.partial(_expand, dialect=dialect))


def expand(sql: str, dialect: str) -> str:
    """One SQL expression with the project's functions expanded, for ``dialect``."""
    return _expanded(sql, dialect).sql(dialect=dialect)


def _parse(sql: str) -> exp.Expression:
    return sqlglot.parse_one(sql, read="duckdb")


def _stable_id(args: list[exp.Expression], dialect: str) -> exp.Expression:
    parts = ", ".join(f"COALESCE(CAST(({a.sql('duckdb')}) AS VARCHAR), '')" for a in args)
    key = _parse(f"CONCAT_WS('|', {parts})").sql(dialect)
    if dialect == "spark":
        h = f"MD5({key})"
        return _parse_spark(
            f"SHIFTLEFT(CAST(CONV(SUBSTRING({h}, 1, 15), 16, 10) AS BIGINT), 3)"
            f" | SHIFTRIGHT(CAST(CONV(SUBSTRING({h}, 16, 1), 16, 10) AS BIGINT), 1)"
        )
    return _parse(f"CAST((CAST('0x' || SUBSTRING(MD5({key}), 1, 16) AS UBIGINT) >> 1) AS BIGINT)")


def _parse_spark(sql: str) -> exp.Expression:
    return exp.Paren(this=sqlglot.parse_one(sql, read="spark"))


def flux_key_sql(alias: str = "") -> str:
    """The nine flux keys as one text join key (dates as ISO text, missing → empty)."""
    prefix = f"{alias}." if alias else ""
    parts = ", ".join(f"COALESCE(CAST({prefix}{k} AS VARCHAR), '')" for k in m.FLUX_KEYS)
    return f"CONCAT_WS('|', {parts})"


def source_vocabulary_sql(value: str, vocabulary: str) -> str:
    """``source_vocabulary(value, vocabulary)`` (see the module docstring)."""
    cases = " ".join(
        f"WHEN {value} LIKE {literal(prefix + '%')} THEN {literal(name)}"
        for prefix, name in m.PREFIXED_VOCABULARIES.items()
    )
    return f"CASE {cases} ELSE {vocabulary} END"


def concept_code_sql(vocabulary: str, value: str) -> str:
    """``concept_code(vocabulary, value)`` (see the module docstring)."""
    prefixed = " ".join(
        f"WHEN {vocabulary} = {literal(name)} AND {value} LIKE {literal(prefix + '%')} "
        f"THEN SUBSTRING({value}, {len(prefix) + 1})"
        for prefix, name in m.PREFIXED_VOCABULARIES.items()
    )
    cip7_start = len(m.CIP13_PREFIX) + 1
    return (
        f"CASE WHEN {vocabulary} = 'CIM10' AND LENGTH({value}) > 3 AND {value} NOT LIKE '%.%' "
        f"THEN SUBSTRING({value}, 1, 3) || '.' || SUBSTRING({value}, 4) "
        f"{prefixed} "
        f"WHEN {vocabulary} = 'BDPM' AND LENGTH({value}) = 13 "
        f"AND {value} LIKE {literal(m.CIP13_PREFIX + '%')} "
        f"THEN SUBSTRING({value}, {cip7_start}, 7) "
        f"ELSE {value} END"
    )


# --- input normalisation (the SQL twin of values.numeric_code / clean_text) --------------
def text_sql(col: str) -> str:
    """Trimmed text, empty → NULL."""
    return f"NULLIF(TRIM(CAST({col} AS VARCHAR)), '')"


def numeric_code_sql(col: str) -> str:
    """``values.numeric_code``: ``'01.0'`` → ``'1'``, non-numbers kept as written."""
    t = text_sql(col)
    digits = f"COALESCE(NULLIF(LTRIM(REGEXP_EXTRACT({t}, '^[+-]?([0-9]+)', 1), '0'), ''), '0')"
    return (
        f"CASE WHEN CAST(TRY_CAST({t} AS BIGINT) AS VARCHAR) = {t} THEN {t} "
        f"WHEN REGEXP_MATCHES({t}, '^[+-]?[0-9]+([.]0*)?$') THEN "
        f"CASE WHEN {digits} = '0' THEN '0' "
        f"WHEN {t} LIKE '-%' THEN '-' || {digits} ELSE {digits} END "
        f"ELSE {t} END"
    )
