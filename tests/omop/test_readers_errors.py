"""Unreadable inputs fail with a message that says what to fix, never a bare crash."""

import pytest

from omop.etl import run_conversion
from omop.etl.errors import InputError


def test_a_csv_with_none_of_the_table_columns_names_the_file_and_the_fix(tmp_path):
    extract = tmp_path / "extract"
    extract.mkdir()
    (extract / "IR_BEN_R.csv").write_text("foo;bar\n1;2\n")
    with pytest.raises(InputError, match=r"no_known_columns: file=IR_BEN_R.csv, table=IR_BEN_R"):
        run_conversion(extract, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_corrupt_parquet_file_is_an_input_error(tmp_path):
    extract = tmp_path / "extract"
    extract.mkdir()
    (extract / "IR_BEN_R.parquet").write_bytes(b"this is not parquet at all")
    with pytest.raises(InputError, match="unreadable_file: file=IR_BEN_R.parquet, kind=Parquet"):
        run_conversion(extract, tmp_path / "out")
