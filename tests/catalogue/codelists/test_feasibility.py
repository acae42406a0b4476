"""Feasibility counts find a code list's events wherever the conversion wrote them."""

import json

from catalogue.codelists.feasibility import count_persons
from catalogue.codelists.referentials import System

PERSON = "person_id,gender_concept_id,year_of_birth\n1,8507,1960\n2,8532,1970\n3,8532,1980\n"
CONDITIONS = "person_id,condition_start_date,condition_source_value\n1,2014-01-10,E119\n"
# with a vocabulary, Z72.0 (tobacco use) is an observation and an ECG act a measurement
OBSERVATIONS = "person_id,observation_date,observation_source_value\n2,2015-03-01,Z720\n"
MEASUREMENTS = "person_id,measurement_date,measurement_source_value\n3,2016-05-02,DEQP003\n"
PROCEDURES = "person_id,procedure_date,procedure_source_value\n"


def _output(folder, routed):
    folder.mkdir()
    for table, text in (("person", PERSON), ("condition_occurrence", CONDITIONS),
                        ("observation", OBSERVATIONS), ("measurement", MEASUREMENTS),
                        ("procedure_occurrence", PROCEDURES)):  # fmt: skip
        (folder / f"{table}.csv").write_text(text)
    (folder / "etl_report.json").write_text(json.dumps({"routed": routed}))
    return folder


def test_codes_routed_to_another_table_by_their_domain_are_counted(tmp_path):
    out = _output(tmp_path / "cdm", {
        "T_MCOaaD": {"condition_occurrence": 1, "observation": 1},
        "T_MCOaaA": {"measurement": 1},
    })  # fmt: skip
    counted = count_persons(out, {System.CIM10: ["E119", "Z720"], System.CCAM: ["DEQP003"]})
    assert counted["total"] == 3
    assert counted["by_year"] == [
        {"year": 2014, "count": 1}, {"year": 2015, "count": 1}, {"year": 2016, "count": 1}
    ]  # fmt: skip


def test_without_routing_only_the_natural_table_is_read(tmp_path):
    out = _output(tmp_path / "cdm", {"T_MCOaaD": {"condition_occurrence": 1}})
    counted = count_persons(out, {System.CIM10: ["E119", "Z720"], System.CCAM: ["DEQP003"]})
    assert counted["total"] == 1


def test_a_drug_routed_to_devices_is_counted_for_its_cip13(tmp_path):
    out = _output(tmp_path / "cdm", {"ER_PHA_F": {"device_exposure": 1}})
    (out / "drug_exposure.csv").write_text("person_id,drug_exposure_start_date,drug_source_value\n")
    (out / "device_exposure.csv").write_text(
        "person_id,device_exposure_start_date,device_source_value\n1,2015-06-01,3400930052808\n"
    )
    counted = count_persons(out, {System.CIP13: ["3400930052808"]})
    assert counted["total"] == 1 and counted["by_year"] == [{"year": 2015, "count": 1}]
