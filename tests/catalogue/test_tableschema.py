"""The plain Table Schema reader: what it accepts and how it names bad input."""

import json

import pytest

from catalogue.tableschema import SchemaErrors, normalize, read_nomenclatures, read_table_schemas


def _schema(tmp_path, name="T_A", **extra):
    data = {
        "name": name,
        "title": "Table A",
        "produit": "DCIR",
        "fields": [{"name": "ID", "type": "string"}, {"name": "DAT", "type": "date"}],
        **extra,
    }
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_it_reads_composite_and_renamed_keys(tmp_path):
    _schema(
        tmp_path,
        primaryKey=["ID", "DAT"],
        foreignKeys=[{"fields": "ID", "reference": {"resource": "T_B", "fields": "NIR"}}],
    )
    [table] = read_table_schemas([tmp_path])
    assert table.primary_key == ("ID", "DAT")
    assert table.foreign_keys[0].fields == ("ID",)
    assert table.foreign_keys[0].reference_fields == ("NIR",)


def test_malformed_json_names_the_file(tmp_path):
    (tmp_path / "BAD.json").write_text('{"name": "BAD", "fields": [', encoding="utf-8")
    with pytest.raises(SchemaErrors) as exc:
        read_table_schemas([tmp_path])
    [error] = exc.value.errors
    assert error.path.endswith("BAD.json") and error.code == "json_malformed"
    assert error.params["line"] == 1


def test_unknown_type_names_the_file_and_the_field(tmp_path):
    path = _schema(tmp_path)
    data = json.loads(path.read_text())
    data["fields"][1]["type"] = "timestampz"
    path.write_text(json.dumps(data))
    with pytest.raises(SchemaErrors) as exc:
        read_table_schemas([path])
    [error] = exc.value.errors
    assert error.path.endswith("T_A.json") and error.field == "DAT"
    assert error.code == "unknown_type" and error.params["type"] == "timestampz"


def test_nomenclature_csv_must_match_its_schema(tmp_path):
    folder = tmp_path / "ORAVAL"
    folder.mkdir()
    (folder / "IR_X_V.json").write_text(
        json.dumps(
            {
                "name": "IR_X_V",
                "fields": [
                    {"name": "X_COD", "type": "integer", "role": "code"},
                    {"name": "X_LIB", "type": "string", "role": "label"},
                ],
                "primaryKey": ["X_COD"],
            }
        )
    )
    (folder / "IR_X_V.csv").write_text("X_COD;X_LIB\n1;Un\ndeux;Deux\n", encoding="utf-8")
    with pytest.raises(SchemaErrors) as exc:
        read_nomenclatures(tmp_path)
    [error] = exc.value.errors
    assert error.path.endswith("IR_X_V.csv") and error.field == "X_COD"
    assert error.code == "csv_bad_value" and error.params["line"] == 3


def test_normalize_strips_accents_and_case():
    assert normalize("Date de DÉCÈS") == "date de deces"
