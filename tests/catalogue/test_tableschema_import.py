"""Importing Table Schemas into the catalogue: counts, re-import, bad input, unresolved keys."""

import json

import pytest

from catalogue.models import JoinKey, NomenclatureValue, SearchEntry, Table, Variable
from catalogue.search import catalogue_search
from catalogue.services import tableschema_import
from catalogue.tableschema import SchemaErrors, read_nomenclatures, read_table_schemas


def _write(folder, name, fields, **extra):
    folder.mkdir(parents=True, exist_ok=True)
    data = {"name": name, "title": name, "produit": "DCIR", "fields": fields, **extra}
    (folder / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.django_db
def test_a_key_to_an_absent_table_is_kept_then_resolved(tmp_path):
    _write(
        tmp_path / "a",
        "T_MCOaaC",
        [{"name": "NIR_ANO_17", "type": "string"}],
        foreignKeys=[
            {"fields": "NIR_ANO_17", "reference": {"resource": "IR_BEN_R", "fields": "BEN_NIR_PSA"}}
        ],
    )
    run = tableschema_import(paths=[tmp_path / "a"], database="SNDS")
    assert run.unresolved_keys[0]["reference"] == "IR_BEN_R"
    key = JoinKey.objects.get()
    assert key.to_table is None and key.renamed

    _write(tmp_path / "b", "IR_BEN_R", [{"name": "BEN_NIR_PSA", "type": "string"}])
    run = tableschema_import(paths=[tmp_path / "b"], database="SNDS")
    key.refresh_from_db()
    assert key.to_table.name == "IR_BEN_R"
    assert run.unresolved_keys == []


@pytest.mark.django_db
def test_strict_refuses_an_absent_table_and_changes_nothing(tmp_path):
    _write(
        tmp_path,
        "T_A",
        [{"name": "ID", "type": "string"}],
        foreignKeys=[{"fields": "ID", "reference": {"resource": "NOPE", "fields": "ID"}}],
    )
    with pytest.raises(SchemaErrors) as exc:
        tableschema_import(paths=[tmp_path], database="SNDS", strict=True)
    assert "T_A.json" in str(exc.value) and "NOPE" in str(exc.value)
    assert not Table.objects.exists()


@pytest.mark.django_db
def test_bad_input_leaves_the_catalogue_unchanged(tmp_path):
    _write(tmp_path / "ok", "T_A", [{"name": "ID", "type": "string", "description": "avant"}])
    tableschema_import(paths=[tmp_path / "ok"], database="SNDS")
    _write(tmp_path / "bad", "T_A", [{"name": "ID", "type": "string", "description": "après"}])
    _write(tmp_path / "bad", "T_B", [{"name": "X", "type": "notatype"}])
    with pytest.raises(SchemaErrors):
        tableschema_import(paths=[tmp_path / "bad"], database="SNDS")
    assert Variable.objects.get().description == "avant"
    assert not Table.objects.filter(name="T_B").exists()


@pytest.mark.django_db
def test_reimport_updates_in_place_and_records_the_change(tmp_path, cast):
    _write(tmp_path, "T_A", [{"name": "ID", "type": "string", "description": "avant"}])
    tableschema_import(paths=[tmp_path], database="SNDS", by=cast.data)
    _write(tmp_path, "T_A", [{"name": "ID", "type": "string", "description": "après"}])
    run = tableschema_import(paths=[tmp_path], database="SNDS", by=cast.data)
    var = Variable.objects.get()
    assert var.description == "après"
    assert run.changes == [
        {
            "model": "variable",
            "action": "updated",
            "name": "T_A.ID",
            "fields": {"description": ["avant", "après"]},
        }
    ]
    assert var.history.first().history_user == cast.data


@pytest.mark.django_db(transaction=True)
def test_the_full_snds_schema_imports_exactly_and_searches_well(shared_dir):
    schemas, noms = shared_dir / "snds-schema/schemas", shared_dir / "snds-schema/nomenclatures"
    tables, nomenclatures = read_table_schemas([schemas]), read_nomenclatures(noms)
    # Import time and search latency are measured by bench/catalogue.py, not asserted here.
    run = tableschema_import(paths=[schemas], database="SNDS", nomenclatures=noms)
    assert run.summary["unresolved_keys"] == 0
    assert Table.objects.count() == len(tables) == 188
    assert Variable.objects.count() == sum(len(t.fields) for t in tables)
    assert JoinKey.objects.count() == sum(len(t.foreign_keys) for t in tables)
    assert NomenclatureValue.objects.count() == sum(len(n.values) for n in nomenclatures)
    prs = Table.objects.get(name="ER_PRS_F")
    assert len(prs.primary_key) == 9
    assert prs.keys_in.filter(from_columns=prs.primary_key).count() >= 10  # the flux keys

    again = tableschema_import(paths=[schemas], database="SNDS", nomenclatures=noms)
    assert again.summary["changes"] == {}
    assert Table.objects.count() == 188

    results = catalogue_search("date de décès")
    assert (results.hits[0].name, results.hits[0].context) == ("BEN_DCD_DTE", "SNDS · IR_BEN_R")
    assert catalogue_search("deces").total == catalogue_search("DÉCÈS").total > 0
    assert catalogue_search("IR_BEN_R").hits[0].kind == SearchEntry.Kind.TABLE
