"""The conversion with a vocabulary (OMOP_MAPPING.md Part 2, "Vocabularies"): the demo
bundle (local concepts, Athena's format) and a curated SOURCE_TO_CONCEPT_MAP applied to a
hand-written extract, each rule as a researcher reads it in the output."""

import shutil

import duckdb
import pandas as pd
import pytest

from omop.etl import run_conversion
from omop.etl.athena import open_bundle, to_parquet, versions
from omop.etl.config import EngineConfig
from omop.etl.demo_vocabulary import RELEASE, write_demo_bundle
from omop.etl.generator import cip13
from omop.etl.values import stable_id

from .test_clinical_events import ALICE, BOB, EXTRACT, FLUX, STAY, _flux, read, write_extract


def _cips():
    """Two CIP7 of one ATC class (one demo ingredient), one of another, and one the demo
    bundle leaves without "Maps to" (every tenth)."""
    from omop.etl import reference

    rows = reference.nomenclature("IR_CIP")
    by_atc: dict[str, list[str]] = {}
    for i, r in enumerate(rows):
        if i % 10 != 9:
            by_atc.setdefault(r["PHA_ATC_CLA"], []).append(r["PHA_PRS_IDE"])
    return by_atc["A02"][:2], by_atc["N02"][0], rows[9]["PHA_PRS_IDE"]


# Alice's drugs: two boxes of A02 five days apart, one of N02, one unmapped box
(A02_A, A02_B), N02, UNMAPPED_CIP7 = _cips()
WITH_DRUGS = EXTRACT | {
    "er_pha_f.csv": f"PHA_PRS_C13;PHA_ACT_QSN;{FLUX}\n"
    f"{cip13(A02_A)};1;{_flux(1)}\n{cip13(A02_B)};1;{_flux(4)}\n{cip13(N02)};2;{_flux(4)}\n"
    f"{cip13(UNMAPPED_CIP7)};1;{_flux(3)}\n",
    # an ECG during Bob's stay (the one of test_clinical_events is dated after it)
    "t_mcoaaa.csv": EXTRACT["t_mcoaaa.csv"].replace("DEQP003;9;", "DEQP003;2;"),
    # and his tobacco use, an associated diagnosis whose standard concept is an observation
    "t_mcoaad.csv": EXTRACT["t_mcoaad.csv"] + "750300015;1;Z720\n",
}


def concept_of(vocabulary_dir, vocabulary, code) -> int:
    return duckdb.sql(
        f"SELECT concept_id FROM '{vocabulary_dir}/concept.parquet' "  # noqa: S608
        f"WHERE vocabulary_id = '{vocabulary}' AND concept_code = '{code}'"
    ).fetchall()[0][0]


@pytest.fixture(scope="module")
def vocabulary(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo_vocabulary")
    bundle = open_bundle(write_demo_bundle(root / "bundle"), root / "work")
    to_parquet(bundle, root / "parquet")
    return root / "parquet"


@pytest.fixture(scope="module")
def stcm(vocabulary):
    def target(code):
        return concept_of(vocabulary, "HDH Demo", code)

    return (
        ("NABM", "1104", target("B-1104")),  # biology is mapped only by the curated map
        ("IR_ACT_V", "26", target("S-ACT26")),  # the physiotherapist of Alice's 10 sessions
        ("CIM10", "C50", target("C-C50")),  # C50 has its own "Maps to": that one wins
        ("LPP", "1101650", 0),  # a row without target maps nothing
    )


@pytest.fixture(scope="module")
def converted(tmp_path_factory, vocabulary, stcm):
    root = tmp_path_factory.mktemp("mapped")
    out = root / "cdm"
    config = EngineConfig(vocabulary_dir=str(vocabulary), stcm=stcm)
    report = run_conversion(write_extract(root / "in", WITH_DRUGS), out, config=config)
    return out, report


def test_a_cim10_code_is_matched_in_its_dotted_form(converted, vocabulary):
    out, _ = converted
    cond = read(out, "condition_occurrence")
    e119 = cond[(cond["condition_source_value"] == "E119") & (cond["person_id"] == str(BOB))]
    assert len(e119) == 1
    row = e119.iloc[0]
    assert int(row["condition_source_concept_id"]) == concept_of(vocabulary, "CIM10", "E11.9")
    assert int(row["condition_concept_id"]) == concept_of(vocabulary, "HDH Demo", "C-E11.9")
    # the same rule for the long-term condition of Alice
    ald = cond[(cond["person_id"] == str(ALICE))].iloc[0]
    assert int(ald["condition_concept_id"]) == concept_of(vocabulary, "HDH Demo", "C-E11.9")
    # a code the vocabulary does not know keeps concept 0, its source concept 0 too
    xyz = cond[cond["condition_source_value"] == "XYZ"].iloc[0]
    assert (xyz["condition_concept_id"], xyz["condition_source_concept_id"]) == ("0", "0")


def test_a_code_with_two_maps_to_targets_gives_two_rows_with_stable_ids(converted, vocabulary):
    out, _ = converted
    cond = read(out, "condition_occurrence")
    i210 = cond[cond["condition_source_value"] == "I210"]
    targets = {concept_of(vocabulary, "HDH Demo", c) for c in ("C-I21.0", "C-I21")}
    assert {int(c) for c in i210["condition_concept_id"]} == targets
    event = stable_id(STAY, "I210", 32902)
    assert {int(i) for i in i210["condition_occurrence_id"]} == {
        stable_id(event, t) for t in targets
    }
    assert set(i210["condition_status_concept_id"]) == {"32902"}
    assert cond["condition_occurrence_id"].is_unique
    # a code with one target keeps the id it has without a vocabulary
    e119 = cond[(cond["condition_source_value"] == "E119") & (cond["person_id"] == str(BOB))]
    assert int(e119.iloc[0]["condition_occurrence_id"]) == stable_id(STAY, "E119", 32908)


def test_a_cip13_drug_is_mapped_through_its_cip7_in_bdpm(converted, vocabulary):
    out, _ = converted
    drugs = read(out, "drug_exposure").set_index("drug_source_value")
    row = drugs.loc[cip13(A02_A)]
    assert int(row["drug_source_concept_id"]) == concept_of(vocabulary, "BDPM", A02_A)
    assert int(row["drug_concept_id"]) == concept_of(vocabulary, "HDH Demo", "D-A02")
    unmapped = drugs.loc[cip13(UNMAPPED_CIP7)]
    assert unmapped["drug_concept_id"] == "0"
    assert int(unmapped["drug_source_concept_id"]) == concept_of(vocabulary, "BDPM", UNMAPPED_CIP7)


def test_a_code_without_maps_to_takes_the_curated_map(converted, vocabulary, stcm):
    out, _ = converted
    bio = read(out, "measurement").set_index("measurement_source_value")
    assert int(bio.loc["1104", "measurement_concept_id"]) == concept_of(
        vocabulary, "HDH Demo", "B-1104"
    )
    assert bio.loc["1104", "measurement_source_concept_id"] == "0"  # NABM is not in Athena
    devices = read(out, "device_exposure")
    assert set(devices["device_concept_id"]) == {"0"}  # its curated row has no target
    cond = read(out, "condition_occurrence")
    c50 = cond[cond["condition_source_value"] == "C50"].iloc[0]
    assert int(c50["condition_concept_id"]) == concept_of(vocabulary, "HDH Demo", "C-C50")


def test_a_provider_specialty_goes_through_the_curated_map(converted, vocabulary):
    out, _ = converted
    provider = read(out, "provider").set_index("provider_source_value")
    assert int(provider.loc["ACT:26", "specialty_concept_id"]) == concept_of(
        vocabulary, "HDH Demo", "S-ACT26"
    )


def test_an_event_goes_to_the_table_of_its_standard_concepts_domain(converted, vocabulary):
    out, report = converted
    # the ECG of Bob's stay is a CCAM act whose standard concept is a measurement
    ecg = read(out, "measurement")
    ecg = ecg[ecg["measurement_source_value"] == "DEQP003"]
    assert len(ecg) == 1
    assert int(ecg.iloc[0]["measurement_concept_id"]) == concept_of(
        vocabulary, "HDH Demo", "P-DEQP003"
    )
    assert ecg.iloc[0]["measurement_date"] == "2014-01-12"
    procedures = read(out, "procedure_occurrence")
    assert "DEQP003" not in set(procedures["procedure_source_value"])
    assert report.routed["T_MCOaaA"] == {"measurement": 1, "procedure_occurrence": 1}


def test_a_diagnosis_whose_concept_is_an_observation_goes_to_observation(converted, vocabulary):
    out, report = converted
    tobacco = read(out, "observation")
    assert len(tobacco) == 1
    row = tobacco.iloc[0]
    assert row["observation_source_value"] == "Z720"
    assert int(row["observation_concept_id"]) == concept_of(vocabulary, "HDH Demo", "O-Z72.0")
    assert int(row["observation_source_concept_id"]) == concept_of(vocabulary, "CIM10", "Z72.0")
    assert (row["person_id"], row["visit_occurrence_id"]) == (str(BOB), str(STAY))
    assert row["observation_date"] == "2014-01-10"
    assert "Z720" not in set(read(out, "condition_occurrence")["condition_source_value"])
    assert report.routed["T_MCOaaD"] == {"condition_occurrence": 2, "observation": 1}
    # and the DQ checks of an event table run on it, its concept's domain included
    checks = {(c["check"], c["field"]) for c in report.dq if c["table"] == "observation"}
    assert {("fkDomain", "observation_concept_id"), ("plausibleAfterBirth", "observation_date"),
            ("withinVisitDates", "observation_date")} <= checks  # fmt: skip
    assert all(c["passed"] for c in report.dq if c["table"] == "observation")


def test_cdm_source_names_the_vocabulary_applied(converted, vocabulary):
    out, _ = converted
    # the release's own version (VOCABULARY's "None" row), which fits varchar(20)
    assert (
        read(out, "cdm_source").iloc[0]["vocabulary_version"]
        == RELEASE
        == (versions(vocabulary)["None"])
    )


def test_without_a_release_row_cdm_source_names_each_vocabulary(tmp_path, vocabulary):
    folder = tmp_path / "vocabulary"
    folder.mkdir()
    for table in ("concept", "concept_relationship", "concept_ancestor"):
        (folder / f"{table}.parquet").symlink_to(vocabulary / f"{table}.parquet")
    duckdb.sql(
        f"COPY (SELECT * REPLACE (CASE vocabulary_id WHEN 'CCAM' THEN 'v2' ELSE 'v1' END "  # noqa: S608
        f"AS vocabulary_version) FROM '{vocabulary}/vocabulary.parquet' WHERE vocabulary_id IN "
        f"('CIM10', 'CCAM')) TO '{folder}/vocabulary.parquet' (FORMAT parquet)"
    )
    out = tmp_path / "cdm"
    config = EngineConfig(vocabulary_dir=str(folder))
    run_conversion(write_extract(tmp_path / "in"), out, config=config, tables=["cdm_source"])
    assert read(out, "cdm_source").iloc[0]["vocabulary_version"] == "CCAM v2; CIM10 v1"


def test_without_vocabulary_every_concept_stays_zero(tmp_path):
    out = tmp_path / "cdm"
    run_conversion(write_extract(tmp_path / "in", WITH_DRUGS), out)
    assert set(read(out, "drug_exposure")["drug_concept_id"]) == {"0"}
    assert set(read(out, "drug_exposure")["drug_source_concept_id"]) == {""}
    assert set(read(out, "measurement")["measurement_source_value"]) == {"1104"}
    assert read(out, "cdm_source").iloc[0]["vocabulary_version"] == "none loaded"


@pytest.mark.spark
def test_spark_gives_the_same_mapped_rows(spark, converted, vocabulary, stcm, tmp_path):
    from omop.etl.spec import TABLES

    out, duckdb_report = converted
    config = EngineConfig(vocabulary_dir=str(vocabulary), stcm=stcm)
    report = run_conversion(
        write_extract(tmp_path / "in", WITH_DRUGS), tmp_path / "s", engine="spark", config=config
    )
    for table in TABLES:
        pd.testing.assert_frame_equal(read(tmp_path / "s", table), read(out, table), obj=table)
    assert report.routed == duckdb_report.routed


def test_drug_eras_join_one_ingredients_exposures_within_30_days(converted, vocabulary):
    out, _ = converted
    eras = read(out, "drug_era").set_index("drug_concept_id")
    a02 = eras.loc[str(concept_of(vocabulary, "HDH Demo", "D-A02"))]
    # two A02 boxes on 2013-03-04 and 2013-03-09, 30 days each (to 2013-04-07): one era,
    # the exposures overlap so no day without the drug
    assert (a02["person_id"], a02["drug_era_start_date"], a02["drug_era_end_date"],
            a02["drug_exposure_count"], a02["gap_days"]) == (
        str(ALICE), "2013-03-04", "2013-04-07", "2", "0")  # fmt: skip
    n02 = eras.loc[str(concept_of(vocabulary, "HDH Demo", "D-N02"))]
    assert (n02["drug_era_start_date"], n02["drug_exposure_count"]) == ("2013-03-09", "1")
    assert len(eras) == 2  # the unmapped box has no ingredient: no era


def test_condition_eras_join_a_concepts_conditions_within_30_days(tmp_path, vocabulary):
    # Bob: acute myocardial infarction (I21) on two stays 20 days apart, then 60 days later
    extract = EXTRACT | {
        "t_mcoaac.csv": "ETA_NUM;RSA_NUM;NIR_ANO_17;EXE_SOI_DTD;EXE_SOI_DTF;NIR_RET;NAI_RET;"
        "SEX_RET;SEJ_RET;FHO_RET;PMS_RET;DAT_RET\n"
        "750300015;1;P2;2014-01-10;2014-01-15;0;0;0;0;0;0;0\n"
        "750300015;2;P2;2014-02-04;2014-02-06;0;0;0;0;0;0;0\n"
        "750300015;3;P2;2014-04-07;2014-04-08;0;0;0;0;0;0;0\n",
        "t_mcoaab.csv": "ETA_NUM;RSA_NUM;ENT_PRV;DGN_PAL;DGN_REL\n750300015;1;;I21;\n"
        "750300015;2;;I21;\n750300015;3;;I21;\n",
    }
    out = tmp_path / "cdm"
    config = EngineConfig(vocabulary_dir=str(vocabulary))
    run_conversion(write_extract(tmp_path / "in", extract), out, config=config,
                   tables=["person", "visit_occurrence", "condition_occurrence",
                           "condition_era"])  # fmt: skip
    eras = read(out, "condition_era")
    i21 = eras[eras["condition_concept_id"] == str(concept_of(vocabulary, "HDH Demo", "C-I21"))]
    assert [tuple(r) for r in i21[["person_id", "condition_era_start_date",
            "condition_era_end_date", "condition_occurrence_count"]].to_numpy()] == [
        (str(BOB), "2014-01-10", "2014-02-06", "2"), (str(BOB), "2014-04-07", "2014-04-08", "1"),
    ]  # fmt: skip


def test_without_vocabulary_the_eras_are_empty_and_the_report_says_why(tmp_path):
    from omop.labels import notice_label

    out = tmp_path / "cdm"
    report = run_conversion(write_extract(tmp_path / "in", WITH_DRUGS), out)
    assert read(out, "drug_era").empty and read(out, "condition_era").empty
    notices = [n for n in report.notices if n["code"] == "eras_without_vocabulary"]
    assert [n["table"] for n in notices] == ["drug_era", "condition_era"]
    assert notice_label(notices[0]).startswith("drug_era est vide : aucun vocabulaire")


def test_the_report_counts_codes_and_rows_reaching_a_standard_concept(converted):
    out, report = converted
    mapping = report.vocabulary_mapping
    # four boxes of four CIP13, three of which reach an ingredient
    assert mapping["drug_exposure"]["BDPM"] == {
        "codes": 4, "codes_mapped": 3, "rows": 4, "rows_mapped": 3,
    }  # fmt: skip
    # Bob's stay: I210 (two rows), E119, I10 mapped; XYZ not; the ALDs E119 and C50 mapped
    cim10 = mapping["condition_occurrence"]["CIM10"]
    assert cim10 == {"codes": 5, "codes_mapped": 4, "rows": 7, "rows_mapped": 6}
    assert cim10["rows"] == len(read(out, "condition_occurrence"))
    assert mapping["measurement"]["CCAM"] == {
        "codes": 1, "codes_mapped": 1, "rows": 1, "rows_mapped": 1,
    }  # fmt: skip
    assert mapping["measurement"]["NABM"]["rows_mapped"] == 1


def test_with_a_vocabulary_at_least_20_dqd_checks_run(converted, tmp_path):
    _, report = converted
    names = {c["check"] for c in report.dq}
    assert len(names) >= 20, sorted(names)
    assert {"isStandardValidConcept", "sourceValueCompleteness",
            "measureConditionEraCompleteness"} <= names  # fmt: skip
    failed = {(c["check"], c["table"], c["field"]) for c in report.dq if not c["passed"]}
    # the unmapped box and the XYZ diagnosis are what a vocabulary check must see
    assert ("standardConceptRecordCompleteness", "drug_exposure", "drug_concept_id") in failed
    without = run_conversion(write_extract(tmp_path / "in", WITH_DRUGS), tmp_path / "out")
    assert len({c["check"] for c in without.dq}) >= 16
    assert without.dq_passed, [c for c in without.dq if not c["passed"]]


def test_a_drug_with_two_targets_has_its_cost_once_on_its_first_row(
    tmp_path, vocabulary, converted
):
    """A box whose BDPM code maps to two standard drugs gives two drug_exposure rows; its
    cost is written once, on the row of the smaller concept, so cost totals do not double."""
    two = tmp_path / "vocabulary"
    shutil.copytree(vocabulary, two)
    box, second = concept_of(vocabulary, "BDPM", A02_A), concept_of(vocabulary, "HDH Demo", "D-N02")
    relationships = f"'{vocabulary}/concept_relationship.parquet'"
    duckdb.sql(
        f"COPY (SELECT * FROM {relationships} UNION ALL "  # noqa: S608
        f"SELECT * REPLACE ({second} AS concept_id_2) FROM {relationships} "
        f"WHERE concept_id_1 = {box} AND relationship_id = 'Maps to') "
        f"TO '{two}/concept_relationship.parquet' (FORMAT parquet)"
    )
    out = tmp_path / "cdm"
    run_conversion(write_extract(tmp_path / "in", WITH_DRUGS), out,
                   config=EngineConfig(vocabulary_dir=str(two)))  # fmt: skip
    drugs = read(out, "drug_exposure")
    rows = drugs[drugs["drug_source_value"] == cip13(A02_A)]
    first = concept_of(vocabulary, "HDH Demo", "D-A02")
    assert sorted(int(c) for c in rows["drug_concept_id"]) == sorted([first, second])
    cost = read(out, "cost").set_index(["cost_domain_id", "cost_event_id"])
    drug_costs = cost.loc["Drug"]
    costed = [i for i in rows["drug_exposure_id"] if i in drug_costs.index]
    first_row = rows[rows["drug_concept_id"] == str(first)].iloc[0]
    assert costed == [first_row["drug_exposure_id"]]
    # the same amounts as the one-target conversion gives that box
    one = read(converted[0], "drug_exposure").set_index("drug_source_value")
    one_cost = read(converted[0], "cost").set_index(["cost_domain_id", "cost_event_id"])
    assert tuple(drug_costs.loc[costed[0], ["total_charge", "paid_by_payer"]]) == tuple(
        one_cost.loc[("Drug", one.loc[cip13(A02_A), "drug_exposure_id"]),
                     ["total_charge", "paid_by_payer"]]
    )  # fmt: skip
    # every cost of an event points at a row of its table
    for domain, table, key in (("Drug", "drug_exposure", "drug_exposure_id"),
                               ("Procedure", "procedure_occurrence", "procedure_occurrence_id"),
                               ("Device", "device_exposure", "device_exposure_id")):  # fmt: skip
        if domain in cost.index.get_level_values(0):
            assert set(cost.loc[domain].index) <= set(read(out, table)[key])


def test_a_drug_whose_concept_is_a_device_is_written_as_a_device(tmp_path, vocabulary):
    """Test strips and needles are sold in pharmacies with a CIP13: their standard concept
    is a device, and so is their row, with its cost in the Device domain."""
    folder = tmp_path / "vocabulary"
    shutil.copytree(vocabulary, folder)
    concepts = f"'{vocabulary}/concept.parquet'"
    strips = duckdb.sql(f"SELECT MAX(concept_id) + 1 FROM {concepts}").fetchall()[0][0]  # noqa: S608
    duckdb.sql(
        f"COPY (SELECT * FROM {concepts} UNION ALL SELECT * REPLACE ({strips} AS concept_id, "  # noqa: S608
        "'Blood glucose test strips' AS concept_name, 'Device' AS domain_id, "
        "'DV-STRIPS' AS concept_code) FROM {concepts} "
        "WHERE vocabulary_id = 'HDH Demo' AND concept_code = 'D-A02') "
        f"TO '{folder}/concept.parquet' (FORMAT parquet)".replace("{concepts}", concepts)
    )
    box = concept_of(vocabulary, "BDPM", UNMAPPED_CIP7)
    relationships = f"'{vocabulary}/concept_relationship.parquet'"
    duckdb.sql(
        f"COPY (SELECT * FROM {relationships} UNION ALL "  # noqa: S608
        f"(SELECT * REPLACE ({box} AS concept_id_1, {strips} AS concept_id_2) "
        f"FROM {relationships} WHERE relationship_id = 'Maps to' LIMIT 1)) "
        f"TO '{folder}/concept_relationship.parquet' (FORMAT parquet)"
    )
    out = tmp_path / "cdm"
    report = run_conversion(write_extract(tmp_path / "in", WITH_DRUGS), out,
                            config=EngineConfig(vocabulary_dir=str(folder)))  # fmt: skip
    assert cip13(UNMAPPED_CIP7) not in set(read(out, "drug_exposure")["drug_source_value"])
    devices = read(out, "device_exposure").set_index("device_source_value")
    row = devices.loc[cip13(UNMAPPED_CIP7)]
    assert int(row["device_concept_id"]) == strips
    assert int(row["device_source_concept_id"]) == box
    assert row["person_id"] == str(ALICE)
    assert report.routed["ER_PHA_F"] == {"device_exposure": 1, "drug_exposure": 3}
    cost = read(out, "cost").set_index("cost_event_id")
    assert cost.loc[row["device_exposure_id"], "cost_domain_id"] == "Device"


def test_a_dcir_act_whose_concept_is_a_measurement_is_written_as_a_measurement(
    tmp_path, vocabulary
):
    """An ECG billed in town (ER_CAM_F) goes where the PMSI one goes: to measurement, with
    its visit and its cost in the Measurement domain."""
    extract = WITH_DRUGS | {"er_cam_f.csv": f"CAM_PRS_IDE;{FLUX}\nDEQP003;{_flux(1)}\n"}
    out = tmp_path / "cdm"
    report = run_conversion(write_extract(tmp_path / "in", extract), out,
                            config=EngineConfig(vocabulary_dir=str(vocabulary)))  # fmt: skip
    ecgs = read(out, "measurement")
    ecg = ecgs[(ecgs["measurement_source_value"] == "DEQP003") & (ecgs["person_id"] == str(ALICE))]
    assert len(ecg) == 1
    row = ecg.iloc[0]
    assert int(row["measurement_concept_id"]) == concept_of(vocabulary, "HDH Demo", "P-DEQP003")
    assert row["measurement_date"] == "2013-03-04"  # the GP visit of flux 1
    visits = read(out, "visit_occurrence").set_index("visit_occurrence_id")
    assert visits.loc[row["visit_occurrence_id"], "visit_start_date"] == "2013-03-04"
    procedures = read(out, "procedure_occurrence")
    assert "DEQP003" not in set(procedures[procedures["person_id"] == str(ALICE)]
                                ["procedure_source_value"])  # fmt: skip
    assert report.routed["ER_CAM_F"] == {"measurement": 1}
    cost = read(out, "cost").set_index("cost_event_id")
    assert cost.loc[row["measurement_id"], "cost_domain_id"] == "Measurement"
