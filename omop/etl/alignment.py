"""Quality of the terminology alignment of an OMOP output (OMOP_MAPPING.md, Part 2).

For every source vocabulary in each output table: distinct source codes and those that reach
a standard concept, rows and those that reach one, and the unmapped codes ranked by rows,
with the number of persons behind each (the caller publishes those through the small-cell
rule). "Reaches a standard concept" means: a valid ``Maps to`` of the loaded vocabulary to a
standard concept, else a non-zero target in the curated SOURCE_TO_CONCEPT_MAP.

It reads the written output (CSV or Parquet) with DuckDB, so it measures exactly what the
user receives, and works on any earlier run once a vocabulary is loaded. No Django import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .dialect import expand, literal, output_source
from .dq import MAPPED
from .mapping import CODE_PATTERNS


@dataclass(frozen=True)
class SourceField:
    """Where a source vocabulary's codes sit in the output."""

    table: str
    column: str
    vocabulary: str  # the vocabulary_id of its values, unless a prefix names another


# One declaration of every source vocabulary of the conversion. How a value reads in Athena
# (its vocabulary when prefixed, its concept_code) is the conversion's own rule:
# ``source_vocabulary`` and ``concept_code`` of ``dialect``, which ``code_map.sql`` uses.
SOURCE_FIELDS = (
    SourceField("drug_exposure", "drug_source_value", "BDPM"),
    SourceField("procedure_occurrence", "procedure_source_value", "CCAM"),  # or NGAP:…
    SourceField("condition_occurrence", "condition_source_value", "CIM10"),
    SourceField("measurement", "measurement_source_value", "NABM"),
    SourceField("device_exposure", "device_source_value", "LPP"),
    SourceField("observation", "observation_source_value", "CIM10"),
    SourceField("provider", "provider_source_value", "IR_SPE_V"),  # SPE:… or ACT:…
)
# With a vocabulary, an event goes to the table of its concept's domain (an ECG act to
# measurement, a CIM-10 Z code to observation, test strips bought with a CIP13 to
# device_exposure): in an event table, a value that is not written like its table's own
# vocabulary is read as the vocabulary its form names.
ROUTED_FORMS = {**CODE_PATTERNS, "BDPM": "^[0-9]{13}$"}


def _vocabulary_sql(field: SourceField) -> str:
    """SQL giving the vocabulary of a value ``v`` of ``field`` (see ``ROUTED_FORMS``)."""
    default = literal(field.vocabulary)
    if field.table in MAPPED:  # the event tables, as the DQ checks declare them
        own = ROUTED_FORMS.get(field.vocabulary)
        cases = "".join(
            f" WHEN regexp_matches(v, {literal(pattern)}) THEN {literal(vocabulary)}"
            for vocabulary, pattern in ROUTED_FORMS.items()
            if vocabulary not in (field.vocabulary, "NGAP")  # NGAP: named by its prefix
        )
        if own and cases:
            default = f"(CASE WHEN regexp_matches(v, {literal(own)}) THEN {default}{cases} ELSE {default} END)"
    return expand(f"source_vocabulary(v, {default})", "duckdb")


UNMAPPED_LIMIT = 200


def measure(
    output: Path,
    *,
    vocabulary_dir: Path | None,
    stcm: Iterable[tuple[str, str, int]] = (),
    labels: dict[str, dict[str, str]] | None = None,
    memory_limit: str = "1GB",
) -> dict:
    """The alignment of the output folder ``output`` (one file per OMOP table).

    ``stcm``: (source_vocabulary_id, source_code, target_concept_id) of the curated map;
    ``labels``: vocabulary → code → label, for the unmapped codes (SNDS nomenclatures)."""
    import duckdb

    labels = labels or {}
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("CREATE TABLE stcm (vocabulary_id VARCHAR, code VARCHAR, target BIGINT)")
    rows = [(v, c, int(t)) for v, c, t in stcm]
    if rows:
        con.executemany("INSERT INTO stcm VALUES (?, ?, ?)", rows)
    if vocabulary_dir is not None:
        concept = literal(vocabulary_dir / "concept.parquet")
        relationship = literal(vocabulary_dir / "concept_relationship.parquet")
        con.execute(f"""
            CREATE TABLE maps AS
            SELECT s.vocabulary_id, s.concept_code AS code, count(t.concept_id) AS targets
            FROM {concept} s
            JOIN {relationship} r ON r.concept_id_1 = s.concept_id
                 AND r.relationship_id = 'Maps to' AND r.invalid_reason IS NULL
            JOIN {concept} t ON t.concept_id = r.concept_id_2
                 AND t.standard_concept = 'S' AND t.invalid_reason IS NULL
            GROUP BY 1, 2""")  # noqa: S608 (paths quoted, the rest fixed)
    else:
        con.execute("CREATE TABLE maps (vocabulary_id VARCHAR, code VARCHAR, targets BIGINT)")

    summary, unmapped = [], {}
    for field in SOURCE_FIELDS:
        source = output_source(output, field.table)
        if source is None:
            continue
        columns = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}  # noqa: S608
        if field.column not in columns:
            continue
        has_persons = "person_id" in columns
        person = "person_id" if has_persons else "NULL"
        vocabulary = _vocabulary_sql(field)
        code = expand("concept_code(vocabulary_id, v)", "duckdb")
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE codes AS
            WITH v AS (
                SELECT CAST({field.column} AS VARCHAR) AS v, {person} AS person_id
                FROM {source} WHERE {field.column} IS NOT NULL AND {field.column} <> ''
            ), voc AS (SELECT {vocabulary} AS vocabulary_id, v, person_id FROM v)
            SELECT vocabulary_id, {code} AS code, v AS source_value,
                   count(*) AS rows, count(DISTINCT person_id) AS persons
            FROM voc GROUP BY ALL""")  # noqa: S608 (identifiers from SOURCE_FIELDS)
        stats = con.execute("""
            SELECT c.vocabulary_id, count(*) AS codes,
                   count(*) FILTER (WHERE m.targets > 0 OR s.target > 0) AS codes_mapped,
                   sum(c.rows) AS rows,
                   coalesce(sum(c.rows) FILTER (WHERE m.targets > 0 OR s.target > 0), 0)
                       AS rows_mapped
            FROM codes c
            LEFT JOIN maps m USING (vocabulary_id, code)
            LEFT JOIN (SELECT vocabulary_id, code, max(target) AS target FROM stcm GROUP BY 1, 2)
                 s USING (vocabulary_id, code)
            GROUP BY 1 ORDER BY 1""").fetchall()
        for vocabulary, codes, codes_mapped, n_rows, rows_mapped in stats:
            summary.append({
                "table": field.table, "vocabulary": vocabulary,
                "codes": codes, "codes_mapped": codes_mapped,
                "codes_share": round(100 * codes_mapped / codes, 1) if codes else 0.0,
                "rows": int(n_rows), "rows_mapped": int(rows_mapped),
                "rows_share": round(100 * rows_mapped / n_rows, 1) if n_rows else 0.0,
            })  # fmt: skip
        ranked = con.execute(f"""
            SELECT c.vocabulary_id, c.code, c.source_value, c.rows, c.persons
            FROM codes c
            LEFT JOIN maps m USING (vocabulary_id, code)
            LEFT JOIN (SELECT vocabulary_id, code, max(target) AS target FROM stcm GROUP BY 1, 2)
                 s USING (vocabulary_id, code)
            WHERE coalesce(m.targets, 0) = 0 AND coalesce(s.target, 0) = 0
            ORDER BY c.rows DESC, c.code LIMIT {UNMAPPED_LIMIT}""").fetchall()  # noqa: S608
        for vocabulary, code, value, n_rows, persons in ranked:
            unmapped.setdefault(vocabulary, []).append({
                "table": field.table, "code": code, "source_value": value,
                "label": labels.get(vocabulary, {}).get(code)
                or labels.get(vocabulary, {}).get(value, ""),
                "rows": int(n_rows), "persons": int(persons) if has_persons else None,
            })  # fmt: skip
    con.close()
    return {
        "vocabulary_loaded": vocabulary_dir is not None,
        "by_vocabulary": summary,
        "unmapped": unmapped,
    }


def compare(before: dict, after: dict) -> list[dict]:
    """Side by side, per (table, vocabulary): the shares of two runs and their change."""
    index = {(s["table"], s["vocabulary"]): s for s in before.get("by_vocabulary", [])}
    out = []
    for s in after.get("by_vocabulary", []):
        b = index.pop((s["table"], s["vocabulary"]), None)
        out.append({
            "table": s["table"], "vocabulary": s["vocabulary"], "after": s, "before": b,
            "rows_share_change": round(s["rows_share"] - b["rows_share"], 1) if b else None,
        })  # fmt: skip
    for (table, vocabulary), b in sorted(index.items()):
        out.append({"table": table, "vocabulary": vocabulary, "after": None, "before": b,
                    "rows_share_change": None})  # fmt: skip
    return out
