import pytest

from omop.etl.values import numeric_code, parse_date, stable_id


def test_the_worked_example_of_the_id_recipe_gives_the_documented_person_id():
    assert stable_id("DPXX:0000000000000000001X") == 8190092190961932619


def test_ids_of_several_source_fields_join_them_with_a_pipe():
    assert stable_id("a", None, "2013-03-04") == stable_id("a||2013-03-04")
    assert stable_id("a", "b") != stable_id("ab")


@pytest.mark.parametrize(
    ("raw", "code"),
    [("01", "1"), ("1111", "1111"), ("1111.0", "1111"), (" 26 ", "26"), ("0", "0"),
     ("00", "0"), ("", None), (None, None), ("2A", "2A"), (3313, "3313")],
)  # fmt: skip
def test_numeric_codes_lose_leading_zeros_and_decimals(raw, code):
    assert numeric_code(raw) == code


@pytest.mark.parametrize(
    "raw", ["2013-03-04", "04/03/2013", "4/3/2013", "04MAR2013:00:00:00", "04mar2013",
            "20130304", "2013-03-04 00:00:00", "2013-03-04T10:00:00"],
)  # fmt: skip
def test_dates_are_read_in_iso_french_and_sas_forms(raw):
    assert parse_date(raw) == "2013-03-04"


@pytest.mark.parametrize("raw", ["2013-02-30", "31/02/2013", "04XYZ2013", "hier", "", None])
def test_impossible_or_unreadable_dates_are_missing(raw):
    assert parse_date(raw) is None


def test_the_sql_spelling_of_the_id_recipe_gives_the_documented_person_id():
    import duckdb

    from omop.etl.dialect import render
    from omop.etl.values import stable_id

    sql = render(
        "SELECT stable_id('DPXX:0000000000000000001X'), stable_id('a', NULL, DATE '2013-03-04')",
        "duckdb",
    )
    assert duckdb.sql(sql).fetchall() == [(8190092190961932619, stable_id("a", None, "2013-03-04"))]


def test_sql_normalises_codes_like_python():
    import duckdb

    from omop.etl.dialect import numeric_code_sql, render
    from omop.etl.values import numeric_code

    raw = ["01", "1111", "1111.0", " 26 ", "0", "00", "-05", "+7", "2A", "1.5", "", None, "-0"]
    con = duckdb.connect()
    con.execute("CREATE TABLE codes (i INTEGER, v VARCHAR)")
    con.executemany("INSERT INTO codes VALUES (?, ?)", list(enumerate(raw)))
    sql = render("SELECT " + numeric_code_sql("v") + " FROM codes ORDER BY i", "duckdb")  # noqa: S608
    assert [r[0] for r in con.execute(sql).fetchall()] == [numeric_code(v) for v in raw]


@pytest.mark.parametrize(
    ("value", "default", "vocabulary", "code"),
    [
        ("M545", "CIM10", "CIM10", "M54.5"),  # Athena writes CIM-10 with its dot
        ("M54.5", "CIM10", "CIM10", "M54.5"),
        ("E11", "CIM10", "CIM10", "E11"),
        ("NGAP:3125", "CCAM", "NGAP", "3125"),
        ("LFQK002", "CCAM", "CCAM", "LFQK002"),
        ("3400930027905", "BDPM", "BDPM", "3002790"),  # CIP13 → its CIP7
        ("3002790", "BDPM", "BDPM", "3002790"),
        ("SPE:1", "IR_SPE_V", "IR_SPE_V", "1"),
        ("ACT:26", "IR_SPE_V", "IR_ACT_V", "26"),
    ],
)
def test_a_source_value_reads_in_athena_by_one_rule(value, default, vocabulary, code):
    """The conversion (code_map.sql) and the alignment report share these two functions."""
    import duckdb

    from omop.etl.dialect import expand, literal

    found = expand(f"source_vocabulary({literal(value)}, {literal(default)})", "duckdb")
    assert duckdb.sql(f"SELECT {found}").fetchall()[0][0] == vocabulary  # noqa: S608
    read = expand(f"concept_code({literal(vocabulary)}, {literal(value)})", "duckdb")
    assert duckdb.sql(f"SELECT {read}").fetchall()[0][0] == code  # noqa: S608
