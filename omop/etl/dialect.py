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
  letters and digits (``m54.5 `` → ``M545``), empty → NULL.

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

    text = _PARAM.sub(fill, sql)
    tree = sqlglot.parse_one(text, read="duckdb")
    tree = tree.transform(functools.partial(_expand, dialect=dialect))
    return tree.sql(dialect=dialect)


def step(name: str, dialect: str, params: dict[str, object] | None = None) -> str:
    return render(source(name), dialect, params)


# --- the project's functions ------------------------------------------------------------
def _expand(node: exp.Expression, dialect: str) -> exp.Expression:
    if not isinstance(node, exp.Anonymous):
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
    return node


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
