"""The OMOP CDM v5.4 target schema, read from the OHDSI field-level specification.

Every output column (name, order, type, required) comes from
``omop/reference/omop_cdm/OMOP_CDMv5.4_Field_Level.csv``. Like the HDH conversion, this
project widens every id column (primary keys, keys to non-vocabulary tables and ids of
events such as ``cost_event_id``) from
``integer`` to ``bigint``: our ids are 63-bit hashes.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
SPEC_FILE = REFERENCE_DIR / "omop_cdm" / "OMOP_CDMv5.4_Field_Level.csv"

# Output tables in dependency order (referenced tables first).
TABLES = (
    "location",
    "care_site",
    "provider",
    "person",
    "death",
    "visit_occurrence",
    "visit_detail",
    "condition_occurrence",
    "drug_exposure",
    "procedure_occurrence",
    "device_exposure",
    "measurement",
    "observation",
    "observation_period",
    "cost",
    "drug_era",
    "condition_era",
    "cdm_source",
)


@dataclass(frozen=True)
class Field:
    table: str
    name: str
    datatype: str  # bigint, integer, float, date, datetime, varchar(n), varchar(max)
    required: bool
    primary_key: bool
    fk_table: str | None

    @property
    def kind(self) -> str:
        """One of int, float, date, datetime, text — what engines and writers need."""
        if self.datatype in ("bigint", "integer"):
            return "int"
        if self.datatype.startswith("varchar"):
            return "text"
        return self.datatype


@functools.cache
def fields(table: str) -> tuple[Field, ...]:
    """The fields of one OMOP table, in the order of the specification."""
    out = []
    with SPEC_FILE.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["cdmTableName"].lower() != table:
                continue
            fk = row["fkTableName"] if row["isForeignKey"] == "Yes" else None
            datatype = row["cdmDatatype"].lower()
            name = row["cdmFieldName"].lower()
            is_pk = row["isPrimaryKey"] == "Yes"
            event_key = name.endswith("_event_id")  # the id of an event of another table
            if datatype == "integer" and (is_pk or event_key or (fk and fk.upper() != "CONCEPT")):
                datatype = "bigint"
            out.append(
                Field(
                    table=table,
                    name=name,
                    datatype=datatype,
                    required=row["isRequired"] == "Yes",
                    primary_key=is_pk,
                    fk_table=fk.lower() if fk else None,
                )
            )
    if not out:
        raise KeyError(f"{table} is not an OMOP CDM v5.4 table")
    return tuple(out)


def columns(table: str) -> list[str]:
    return [f.name for f in fields(table)]


def primary_key(table: str) -> str | None:
    return next((f.name for f in fields(table) if f.primary_key), None)


def sort_key(table: str) -> list[str]:
    """Columns that order a table's rows deterministically on output."""
    pk = primary_key(table)
    if pk:
        return [pk]
    return {"death": ["person_id"], "cdm_source": ["cdm_source_name"]}[table]


_SQL_TYPES = {
    "sqlite": {"bigint": "BIGINT", "integer": "INTEGER", "float": "REAL", "date": "DATE",
               "datetime": "DATETIME"},
    "postgresql": {"bigint": "BIGINT", "integer": "INTEGER", "float": "NUMERIC",
                   "date": "DATE", "datetime": "TIMESTAMP"},
}  # fmt: skip


def sql_type(field: Field, dialect: str) -> str:
    if field.datatype.startswith("varchar"):
        size = field.datatype[len("varchar(") : -1]
        if size == "max":
            return "TEXT"
        return f"VARCHAR({size})"
    return _SQL_TYPES[dialect][field.datatype]


def ddl(table: str, dialect: str, schema: str | None = None) -> str:
    """``CREATE TABLE`` for one OMOP table, generated from the specification."""
    name = f"{schema}.{table}" if schema else table
    lines = [
        f"  {f.name} {sql_type(f, dialect)}{' NOT NULL' if f.required else ' NULL'}"
        for f in fields(table)
    ]
    pk = primary_key(table)
    if pk:
        lines.append(f"  CONSTRAINT xpk_{table} PRIMARY KEY ({pk})")
    return f"CREATE TABLE {name} (\n" + ",\n".join(lines) + "\n);"
