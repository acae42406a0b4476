"""Input formats and bad input: each failure says what to fix."""

from __future__ import annotations

import duckdb
import pytest

from catalogue.profiling import ColumnSpec, ProfilingError, profile_file

SPECS = [ColumnSpec("BEN_NIR_PSA"), ColumnSpec("LIB"), ColumnSpec("MNT", "number")]


def test_it_reads_latin1_csv_separated_by_semicolons(write_csv):
    path = write_csv(
        "BEN_NIR_PSA;LIB;MNT\nA;Médecin généraliste;12,5\nB;Pédiatre;3\n", encoding="latin-1"
    )
    profile = profile_file(path, SPECS)
    assert profile.source["encoding"] == "latin-1"
    assert profile.source["delimiter"] == ";"
    lib = profile.variable("LIB")
    assert {t.value for t in lib.top_values} == {"Médecin généraliste", "Pédiatre"}
    assert profile.variable("MNT").stats.max == 12.5  # decimal comma


def test_it_falls_back_to_latin1_when_a_late_line_is_not_utf8(write_csv, tmp_path):
    head = "BEN_NIR_PSA,LIB,MNT\n" + "X,plain,1\n" * 70000  # > 1 MB of ASCII first
    path = tmp_path / "late.csv"
    path.write_bytes(head.encode() + "Y,Hôpital,2\n".encode("latin-1"))
    profile = profile_file(path, SPECS)
    assert profile.source["encoding"] == "latin-1"
    assert "Hôpital" in {t.value for t in profile.variable("LIB").top_values}


def test_it_reads_utf8_with_commas_and_num_enq_for_ben_nir_psa(write_csv):
    path = write_csv("num_enq,lib,MNT\nA,é,1\n")
    profile = profile_file(path, SPECS)
    assert profile.source == {**profile.source, "encoding": "utf-8", "delimiter": ","}
    assert profile.variable("BEN_NIR_PSA").top_values[0].value == "A"


def test_it_reads_parquet(tmp_path):
    path = tmp_path / "t.parquet"
    duckdb.sql(
        "COPY (SELECT 'A' AS BEN_NIR_PSA, 'x' AS LIB, 2.5 AS MNT "
        f"UNION ALL SELECT 'B', NULL, 4.5) TO '{path}' (FORMAT parquet)"
    )
    profile = profile_file(path, SPECS)
    assert profile.source["format"] == "parquet"
    assert profile.rows == 2
    assert profile.variable("MNT").stats.mean == 3.5
    assert profile.variable("LIB").missing == 1


def error_of(path, specs=SPECS) -> ProfilingError:
    with pytest.raises(ProfilingError) as info:
        profile_file(path, specs)
    return info.value


def test_it_says_the_file_is_missing(tmp_path):
    err = error_of(tmp_path / "nope.csv")
    assert err.code == "file_not_found" and err.params["file"] == "nope.csv"


def test_it_says_the_file_is_empty(write_csv):
    err = error_of(write_csv(""))
    assert err.code == "empty_file"


def test_it_says_the_separator_is_wrong(write_csv):
    err = error_of(write_csv("BEN_NIR_PSA:LIB:MNT\nA:b:1\n"))
    assert err.code == "separator" and err.params["suggested"] == ";"


def test_it_names_missing_columns(write_csv):
    err = error_of(write_csv("BEN_NIR_PSA;MNT\nA;1\n"))
    assert err.code == "missing_columns"
    assert err.params["missing"] == ["LIB"]


def test_it_names_unexpected_columns(write_csv):
    err = error_of(write_csv("BEN_NIR_PSA;LIB;MNT;EXTRA_COL\nA;b;1;z\n"))
    assert err.code == "unexpected_columns"
    assert err.params["unexpected"] == ["EXTRA_COL"]


def test_it_can_accept_a_partial_extract(write_csv):
    path = write_csv("BEN_NIR_PSA;MNT\nA;1\n")
    profile = profile_file(path, SPECS, allow_missing_columns=True)
    assert [v.name for v in profile.columns] == ["BEN_NIR_PSA", "MNT"]


def test_it_gives_the_line_of_a_malformed_row(write_csv):
    err = error_of(write_csv("BEN_NIR_PSA;LIB;MNT\nA;b;1\nB;c;2;oops;more\n"))
    assert err.code == "malformed_csv"
    assert err.params["line"] and err.params["fields"] == 3


def test_it_rejects_a_file_that_is_not_parquet(write_csv):
    err = error_of(write_csv("not parquet at all", name="t.parquet"))
    assert err.code == "unreadable" and err.params["reason"] == "not_parquet"


def test_it_rejects_utf16(write_csv):
    err = error_of(write_csv("BEN_NIR_PSA;LIB;MNT\nA;b;1\n", encoding="utf-16"))
    assert err.code == "encoding" and err.params["suggested"] == "utf-8"


def test_it_names_primary_key_columns_absent_from_the_file(write_csv):
    path = write_csv("BEN_NIR_PSA;LIB;MNT\nA;b;1\n")
    with pytest.raises(ProfilingError) as info:
        profile_file(path, SPECS, primary_key=["NOPE"])
    assert info.value.code == "missing_columns" and info.value.params["missing"] == ["NOPE"]
