"""The profiling engine's errors are codes; these are their words, in the reader's language."""

import pytest
from django.utils import translation

from catalogue.profiling import ColumnSpec, ProfilingError, profile_file
from catalogue.quality.labels import PROFILING_ERRORS, error_job_message, error_text
from portal.messages import message_text

SPECS = [ColumnSpec("BEN_NIR_PSA"), ColumnSpec("LIB"), ColumnSpec("MNT", "number")]


@pytest.fixture
def write_csv(tmp_path):
    def write(text: str, encoding: str = "utf-8"):
        path = tmp_path / "t.csv"
        path.write_bytes(text.encode(encoding))
        return path

    return write


def error_of(path, **kwargs) -> ProfilingError:
    with pytest.raises(ProfilingError) as info:
        profile_file(path, SPECS, **kwargs)
    return info.value


def test_an_unknown_separator_is_named_and_the_likely_one_suggested(write_csv):
    err = error_of(write_csv("BEN_NIR_PSA:LIB:MNT\nA:b:1\nB:c:2\n"))
    with translation.override("fr"):
        assert "séparateur" in error_text(err)
        assert "Il semble être « : »" in error_text(err) and "« ; »" in error_text(err)
    with translation.override("en"):
        assert "separator" in error_text(err) and "“:”" in error_text(err)


def test_a_utf16_file_is_named_as_such_and_utf8_suggested(write_csv):
    err = error_of(write_csv("BEN_NIR_PSA;LIB;MNT\nA;b;1\n", encoding="utf-16"))
    with translation.override("fr"):
        assert "UTF-16-LE" in error_text(err) and "UTF-8" in error_text(err)


def test_a_malformed_row_is_named_with_its_line_in_the_readers_language(write_csv):
    err = error_of(write_csv("BEN_NIR_PSA;LIB;MNT\nA;b;1\nB;c;2;oops;more\n"))
    with translation.override("fr"):
        assert "Ligne mal formée dans « t.csv » (ligne 3)" in error_text(err)
        assert "séparées par « ; »" in error_text(err)
    with translation.override("en"):
        assert "Malformed line in “t.csv” (line 3)" in error_text(err)


def test_a_missing_file_of_a_referenced_table_is_worded_after_the_table():
    err = ProfilingError("referenced_file", table="IR_BEN_R", cause="file_not_found", file="x.csv")
    with translation.override("fr"):
        assert error_text(err).startswith("Table référencée IR_BEN_R : Le fichier « x.csv »")
    with translation.override("en"):
        assert error_text(err).startswith("Referenced table IR_BEN_R: The file “x.csv”")


@pytest.mark.parametrize("key", sorted(PROFILING_ERRORS))
def test_every_error_reads_in_english_from_what_a_job_stores(key):
    code, _dot, reason = key.partition(".")
    params = {"file": "t.csv", "line": 3, "missing": ["A", "B"], "table": "T"}
    stored = error_job_message(
        ProfilingError(code, **params, **({"reason": reason} if reason else {}))
    )
    with translation.override("en"):
        english = message_text(stored)
    with translation.override("fr"):
        french = message_text(stored)
    assert english and english != french and not english.startswith("profiling.error")
    assert "ligne" not in english and "fichier" not in english
