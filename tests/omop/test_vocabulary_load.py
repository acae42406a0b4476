"""Loading an Athena bundle and curated mappings (the project's demo bundle, never Athena's)."""

from __future__ import annotations

import zipfile

import duckdb
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from omop.etl.athena import LOCAL_RANGE, ORDER, VocabularyError
from omop.etl.demo_vocabulary import write_demo_bundle
from omop.vocabulary import store
from omop.vocabulary.models import SourceToConceptMap, VocabularyRelease
from omop.vocabulary.services import current_parquet_dir, vocabulary_load
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bundle(tmp_path):
    return write_demo_bundle(tmp_path / "athena")


@pytest.fixture(autouse=True)
def data_root(settings, tmp_path):
    settings.DATA_ROOT = tmp_path / "data"


@pytest.fixture(autouse=True)
def no_vocabulary_left():
    """The vocabulary tables live outside Django's models: the flush does not empty them."""
    yield
    with connection.cursor() as cur:
        if store.is_postgresql():
            cur.execute(f"DROP SCHEMA IF EXISTS {store.SCHEMA} CASCADE")
        else:
            for name in ORDER:
                cur.execute(f"DROP TABLE IF EXISTS vocab_{name.lower()}")


def _concepts_in_use() -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {store.table_name('CONCEPT')}")  # noqa: S608
        return cur.fetchone()[0]


def test_a_bundle_loads_into_the_database_and_as_parquet_for_the_engines(bundle, cast):
    release = vocabulary_load(path=bundle, by=cast.data)
    assert release.is_current and release.row_counts["CONCEPT"] == _concepts_in_use() > 1000
    assert "CCAM HDH démo 2026-12 (pas Athena)" in release.version_string
    parquet = current_parquet_dir() / "concept.parquet"
    ids = duckdb.sql(f"SELECT min(concept_id), count(*) FROM '{parquet}'").fetchall()[0]  # noqa: S608
    assert ids == (LOCAL_RANGE + 1, release.row_counts["CONCEPT"])
    # LFQK002 (lumbar spine X-ray) is a CCAM source concept that maps to a standard one
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT t.standard_concept, t.domain_id FROM {store.table_name('CONCEPT')} s "  # noqa: S608
            f"JOIN {store.table_name('CONCEPT_RELATIONSHIP')} r ON r.concept_id_1 = s.concept_id "
            f"AND r.relationship_id = 'Maps to' "
            f"JOIN {store.table_name('CONCEPT')} t ON t.concept_id = r.concept_id_2 "
            "WHERE s.vocabulary_id = 'CCAM' AND s.concept_code = 'LFQK002'"
        )
        assert cur.fetchall() == [("S", "Procedure")]
    assert AuditEntry.objects.filter(action="omop.vocabulary.load", actor=cast.data).exists()


def test_loading_the_same_bundle_twice_changes_nothing(bundle):
    first = vocabulary_load(path=bundle)
    again = vocabulary_load(path=bundle)
    assert again.pk == first.pk and VocabularyRelease.objects.count() == 1


def test_a_zipped_bundle_loads_like_its_folder(bundle, tmp_path):
    archive = tmp_path / "vocabulary_download_v5.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in bundle.iterdir():
            zf.write(f, f.name)
    release = vocabulary_load(path=archive)
    assert release.row_counts["CONCEPT_RELATIONSHIP"] > 1000


def test_a_bundle_without_a_file_is_refused_and_the_previous_one_stays(bundle, tmp_path):
    vocabulary_load(path=bundle)
    before = _concepts_in_use()
    broken = write_demo_bundle(tmp_path / "broken")
    (broken / "CONCEPT_ANCESTOR.csv").unlink()
    with pytest.raises(CommandError, match="CONCEPT_ANCESTOR.csv manque"):
        call_command("load_vocabulary", str(broken))
    assert _concepts_in_use() == before
    assert VocabularyRelease.objects.get().is_current


def test_a_malformed_row_stops_the_load_with_its_file_and_line(bundle):
    vocabulary_load(path=bundle)
    before = _concepts_in_use()
    concept = bundle / "CONCEPT.csv"
    lines = concept.read_text(encoding="utf-8").splitlines()
    lines.append(lines[-1] + "\textra")  # one field too many, on the file's last line
    concept.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(VocabularyError) as caught:
        vocabulary_load(path=bundle)
    assert (caught.value.code, caught.value.params) == (
        "wrong_field_count",
        {"file": "CONCEPT.csv", "line": len(lines)},
    )
    assert _concepts_in_use() == before


def test_a_bad_date_is_named_with_its_line(bundle):
    rel = bundle / "CONCEPT_RELATIONSHIP.csv"
    lines = rel.read_text(encoding="utf-8").splitlines()
    fields = lines[3].split("\t")
    fields[3] = "20130231"
    lines[3] = "\t".join(fields)
    rel.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="CONCEPT_RELATIONSHIP.csv, ligne 4 : date invalide"):
        call_command("load_vocabulary", str(bundle))
    assert not store.is_loaded()


def _first_concept(where: str) -> int:
    """The smallest concept_id of the loaded CONCEPT table that matches ``where``."""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT concept_id FROM {store.table_name('CONCEPT')} "  # noqa: S608
            f"WHERE {where} ORDER BY concept_id LIMIT 1"
        )
        return cur.fetchone()[0]


def test_curated_mappings_load_and_unknown_concepts_are_refused_with_their_line(bundle, tmp_path):
    vocabulary_load(path=bundle)
    target = _first_concept("vocabulary_id = 'HDH Demo'")
    good = tmp_path / "stcm.csv"
    good.write_text(
        "source_code,source_vocabulary_id,source_code_description,target_concept_id,"
        "valid_start_date,valid_end_date,invalid_reason\n"
        f"0126,NABM,GLYCEMIE,{target},1970-01-01,2099-12-31,\n"
        "9999,NABM,NO MATCH,0,1970-01-01,2099-12-31,\n",
        encoding="utf-8",
    )
    call_command("load_source_to_concept_map", str(good))
    assert SourceToConceptMap.objects.get(source_code="0126").target_vocabulary_id == "HDH Demo"

    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"source_code,source_vocabulary_id,target_concept_id\n0127,NABM,{target}\n0128,NABM,123\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="Ligne 3 : le concept 123 n'existe pas"):
        call_command("load_source_to_concept_map", str(bad))
    assert not SourceToConceptMap.objects.filter(source_code="0127").exists()


def test_a_usagi_export_loads_its_approved_rows(bundle, tmp_path):
    vocabulary_load(path=bundle)
    target = _first_concept("standard_concept = 'S'")
    usagi = tmp_path / "usagi.csv"
    usagi.write_text(
        "sourceCode,sourceName,sourceFrequency,sourceAutoAssignedConceptIds,matchScore,"
        "mappingStatus,equivalence,statusSetBy,statusSetOn,conceptId,conceptName,domainId,"
        "mappingType,comment,createdBy,createdOn,assignedReviewer\n"
        f"1234,PROTHESE,12,,0.8,APPROVED,EQUAL,dana,0,{target},x,Device,MAPS_TO,,dana,0,\n"
        f"1235,AUTRE,3,,0.2,UNCHECKED,UNREVIEWED,,0,{target},x,Device,MAPS_TO,,,0,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="vocabulaire source"):
        call_command("load_source_to_concept_map", str(usagi))
    call_command("load_source_to_concept_map", str(usagi), "--source-vocabulary", "LPP")
    assert list(SourceToConceptMap.objects.values_list("source_vocabulary_id", "source_code")) == [
        ("LPP", "1234")
    ]


def test_conversions_map_with_the_vocabulary_in_use_and_the_latest_curated_map(bundle, tmp_path):
    from omop.services import engine_config

    from .test_clinical_events import read, write_extract

    assert engine_config(vocabulary=True).vocabulary_dir is None  # nothing loaded yet
    vocabulary_load(path=bundle)
    target = _first_concept("concept_code = 'B-1104'")
    curated = tmp_path / "stcm.csv"
    curated.write_text(
        f"source_code,source_vocabulary_id,target_concept_id\n1104,NABM,{target}\n",
        encoding="utf-8",
    )
    call_command("load_source_to_concept_map", str(curated))
    config = engine_config(vocabulary=True)
    assert config.vocabulary_dir == str(current_parquet_dir())
    assert ("NABM", "1104", target) in config.stcm

    extract = write_extract(tmp_path / "in")
    call_command("omop_etl", input=str(extract), output=str(tmp_path / "mapped"))
    bio = read(tmp_path / "mapped", "measurement").set_index("measurement_source_value")
    assert int(bio.loc["1104", "measurement_concept_id"]) == target
    call_command("omop_etl", input=str(extract), output=str(tmp_path / "raw"), vocabulary="none")
    assert set(read(tmp_path / "raw", "measurement")["measurement_concept_id"]) == {"0"}
