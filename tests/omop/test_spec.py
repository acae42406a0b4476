import csv
import sqlite3

from omop.etl.spec import SPEC_FILE, TABLES, columns, ddl, fields


def test_every_output_table_has_the_columns_of_the_v54_specification_in_order():
    with SPEC_FILE.open(encoding="utf-8") as f:
        spec = list(csv.DictReader(f))
    for table in TABLES:
        assert columns(table) == [r["cdmFieldName"] for r in spec if r["cdmTableName"] == table]


def test_ids_are_widened_to_bigint_but_concept_ids_stay_integer():
    visit = {f.name: f.datatype for f in fields("visit_occurrence")}
    assert visit["visit_occurrence_id"] == "bigint"
    assert visit["person_id"] == "bigint"
    assert visit["preceding_visit_occurrence_id"] == "bigint"
    assert visit["visit_concept_id"] == "integer"


def test_sqlite_ddl_creates_tables_with_required_columns_not_null():
    con = sqlite3.connect(":memory:")
    for table in TABLES:
        con.execute(ddl(table, "sqlite"))
    info = {row[1]: row for row in con.execute("PRAGMA table_info(person)")}
    assert info["person_id"][2] == "BIGINT" and info["person_id"][3] == 1
    assert info["month_of_birth"][3] == 0
    assert "VARCHAR(50)" in ddl("person", "postgresql")
