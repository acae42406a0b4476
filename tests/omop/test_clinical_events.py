"""OMOP_MAPPING.md Part 2 on a hand-written extract: diagnoses (PMSI stays, long-term
conditions), PMSI and NGAP acts, biology, devices, medical-unit stays and costs, each row as
a researcher would read it; the same rows from Spark; absent optional tables."""

import pandas as pd
import pytest

from omop.etl import run_conversion
from omop.etl.spec import TABLES, columns
from omop.etl.values import stable_id

FLUX = "FLX_DIS_DTD;FLX_TRT_DTD;FLX_EMT_TYP;FLX_EMT_NUM;FLX_EMT_ORD;ORG_CLE_NUM;DCT_ORD_NUM;PRS_ORD_NUM;REM_TYP_AFF"


def _flux(order: int) -> str:
    return f"2013-04-01;2013-04-01;1;1;0;01C;{order};1;1"


# Alice (P1): GP visit, 10 physiotherapy sessions, a lab visit, a device at a pharmacy, a
# diabetes ALD with the placeholder end. Bob (P2): a stay through emergency with two medical
# units, a second stay rejected by its return codes, cancer ALD with no end, dead 2014-06-30.
# Carol (P4): one GP visit written on two lines with two specialties.
EXTRACT = {
    "ir_ben_r.csv": "BEN_NIR_PSA;BEN_RNG_GEM;BEN_SEX_COD;BEN_NAI_ANN;BEN_NAI_MOI;BEN_RES_DPT;"
    "BEN_RES_COM;BEN_DCD_DTE\nP1;1;2;1963;12;075;114;\nP2;1;1;1950;3;013;055;2014-06-30\n"
    "P4;1;1;1980;6;075;101;\n",
    "er_prs_f.csv": "BEN_NIR_PSA;BEN_RNG_GEM;EXE_SOI_DTD;EXE_SOI_DTF;PRS_NAT_REF;PRS_ACT_QTE;"
    f"PSE_SPE_COD;PSE_ACT_NAT;PFS_EXE_NUM;PRS_PAI_MNT;BSE_REM_MNT;BSE_REM_BSE;{FLUX}\n"
    f"P1;1;2013-03-04;2013-03-04;1111;1;1;0;750100001;25;17.5;25;{_flux(1)}\n"
    f"P1;1;2013-03-07;2013-03-28;3125;10;0;26;752000001;161;112,70;161;{_flux(2)}\n"
    f"P1;1;2013-03-08;2013-03-08;0;1;0;0;753000001;40;30;40;{_flux(3)}\n"
    f"P1;1;2013-03-09;2013-03-09;3211;1;0;0;754000001;60;60;60;{_flux(4)}\n"
    # one visit of Carol (P4), two lines by practitioners of two specialties, no amounts
    f"P4;1;2013-05-02;2013-05-02;1111;1;1;0;750200002;;;;{_flux(10)}\n"
    f"P4;1;2013-05-02;2013-05-02;1111;1;7;0;750200002;;;;{_flux(9)}\n",
    "er_bio_f.csv": f"BIO_PRS_IDE;BIO_ACT_QSN;{FLUX}\n1104;1;{_flux(3)}\n0552;2;{_flux(3)}\n"
    f"0552;-2;{_flux(3)}\n",
    "er_tip_f.csv": f"TIP_PRS_IDE;TIP_ACT_QSN;TIP_ACL_DTD;TIP_ACL_DTF;{FLUX}\n"
    f"1101650;1;2013-03-09;2013-04-08;{_flux(4)}\n1101650;2;2013-03-09;2013-04-08;{_flux(4)}\n",
    "t_mcoaae.csv": "ETA_NUM;SOC_RAI\n750300015;CLINIQUE EXEMPLE PARIS 14\n",
    "t_mcoaac.csv": "ETA_NUM;RSA_NUM;NIR_ANO_17;EXE_SOI_DTD;EXE_SOI_DTF;NIR_RET;NAI_RET;SEX_RET;"
    "SEJ_RET;FHO_RET;PMS_RET;DAT_RET\n750300015;1;P2;2014-01-10;2014-01-15;0;0;0;0;0;0;0\n"
    "750300015;2;P2;2014-02-10;2014-02-12;1;0;0;0;0;0;0\n",
    "t_mcoaab.csv": "ETA_NUM;RSA_NUM;ENT_PRV;DGN_PAL;DGN_REL\n750300015;1;5;I21.0;E11.9\n"
    "750300015;2;;J18.9;\n750300015;9;;K35.8;\n",
    "t_mcoaad.csv": "ETA_NUM;RSA_NUM;ASS_DGN\n750300015;1;E119\n750300015;1;e11.9 \n"
    "750300015;1;I10\n750300015;1;XYZ\n750300015;7;I10\n",
    "t_mcoaaa.csv": "ETA_NUM;RSA_NUM;CDC_ACT;ENT_DAT_DEL;PHA_ACT;NBR_EXE_ACT\n"
    "750300015;1;DDAF001;1;0;2\n750300015;1;DDAF001;1;0;1\n750300015;1;YYYY600;0;4;1\n"
    "750300015;1;DEQP003;9;0;1\n750300015;8;DEQP003;0;0;1\n",
    "t_mcoaaum.csv": "ETA_NUM;RSA_NUM;UM_ORD_NUM;ETA_NUM_GEO;UM_TYP;PAR_DUR_SEJ;DGN_PAL;DGN_REL\n"
    "750300015;1;1;750300023;18;2;I210;\n750300015;1;2;;02;3;E119;\n",
    "ir_imb_r.csv": "BEN_NIR_PSA;BEN_RNG_GEM;MED_MTF_COD;IMB_ALD_DTD;IMB_ALD_DTF;INS_DTE;IMB_ETM_NAT\n"
    "P1;1;E11.9;2010-05-01;2099-12-31;2010-05-03;41\nP2;1;C50;;1600-01-01;2012-01-01;41\n"
    "P3;1;I10;2011-01-01;;;41\n",
}
ALICE, BOB, CAROL = stable_id("P1"), stable_id("P2"), stable_id("P4")
STAY = stable_id("750300015", "1")


def write_extract(folder, tables=EXTRACT):
    folder.mkdir()
    for name, text in tables.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def read(out, table):
    return pd.read_csv(out / f"{table}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    root = tmp_path_factory.mktemp("part2")
    out = root / "cdm"
    report = run_conversion(write_extract(root / "in"), out)
    return out, report


def test_the_stay_diagnoses_become_conditions_with_their_status(converted):
    out, _ = converted
    cond = read(out, "condition_occurrence")
    stay = cond[cond["visit_occurrence_id"] == str(STAY)]
    got = {
        (r.condition_source_value, r.condition_status_concept_id, r.condition_status_source_value)
        for r in stay.itertuples()
    }
    # I21.0 and E11.9 written without their dot; E11.9 given three times as a secondary
    # diagnosis (DGN_REL, twice ASS_DGN) is one row named after DGN_REL
    assert got == {("I210", "32902", "DGN_PAL"), ("E119", "32908", "DGN_REL"),
                   ("I10", "32908", "ASS_DGN"), ("XYZ", "32908", "ASS_DGN")}  # fmt: skip
    assert set(stay["condition_start_date"]) == {"2014-01-10"}
    assert set(stay["condition_end_date"]) == {"2014-01-15"}
    assert set(stay["person_id"]) == {str(BOB)}
    assert set(stay["condition_type_concept_id"]) == {"32810"}
    assert set(stay["condition_concept_id"]) == {"0"}  # no vocabulary wired in yet


def test_a_stay_diagnosis_links_to_the_medical_unit_that_gave_it(converted):
    out, _ = converted
    cond = read(out, "condition_occurrence")
    cond = cond[cond["visit_occurrence_id"] == str(STAY)].set_index("condition_source_value")
    unit1 = stable_id("750300015", "1", "1")
    unit2 = stable_id("750300015", "1", "2")
    assert cond.loc["I210", "visit_detail_id"] == str(unit1)
    assert cond.loc["E119", "visit_detail_id"] == str(unit2)
    assert cond.loc["I10", "visit_detail_id"] == ""


def test_a_visit_on_lines_of_two_providers_takes_the_first_line_in_flux_key_order(converted):
    out, _ = converted
    visits = read(out, "visit_occurrence")
    carol = visits[visits["person_id"] == str(CAROL)]
    assert len(carol) == 1
    providers = read(out, "provider").set_index("provider_id")
    # DCT_ORD_NUM 9 comes before 10 (codes in order of their number), so not SPE:1, which
    # is first as text and the smaller value
    assert providers.loc[carol.iloc[0]["provider_id"], "provider_source_value"] == "SPE:7"


def test_long_term_conditions_take_their_dates_and_placeholder_ends(converted):
    out, _ = converted
    cond = read(out, "condition_occurrence")
    ald = cond[cond["visit_occurrence_id"] == ""].set_index("person_id")
    alice, bob = ald.loc[str(ALICE)], ald.loc[str(BOB)]
    # 2099-12-31 is no end: the extraction ends with its last visit (2014-01-15)
    assert (alice["condition_source_value"], alice["condition_start_date"],
            alice["condition_end_date"], alice["condition_status_source_value"]) == (
        "E119", "2010-05-01", "2014-01-15", "41")  # fmt: skip
    # no IMB_ALD_DTD: the start is INS_DTE
    assert (bob["condition_source_value"], bob["condition_start_date"]) == ("C50", "2012-01-01")
    period = read(out, "observation_period").set_index("person_id")
    assert period.loc[str(ALICE), "observation_period_start_date"] == "2010-05-01"


def test_the_alds_end_at_the_window_or_at_death(tmp_path):
    run_conversion(write_extract(tmp_path / "in"), tmp_path / "out",
                   window=("2010-01-01", "2014-12-31"))  # fmt: skip
    cond = read(tmp_path / "out", "condition_occurrence")
    ald = cond[cond["visit_occurrence_id"] == ""].set_index("person_id")
    assert ald.loc[str(ALICE), "condition_end_date"] == "2014-12-31"
    assert ald.loc[str(BOB), "condition_end_date"] == "2014-06-30"  # his death


def test_rows_without_their_stay_or_patient_are_rejected_with_a_reason(converted):
    _, report = converted
    assert report.rejected["condition_occurrence"] == {
        "no_stay": 2,  # K35.8 of stay 9, I10 of stay 7
        "stay_rejected": 1,  # J18.9 of the stay with a return code
        "patient_unknown": 1,  # the ALD of P3
    }
    assert report.rejected["procedure_occurrence"] == {
        "act_phase": 1,
        "after_stay": 1,
        "no_stay": 1,
    }
    assert report.rejected["measurement"] == {"cancelled_total": 2}
    assert report.unknown_codes == {"condition_occurrence": {"CIM10": 1}}  # XYZ, kept


def test_hospital_acts_are_dated_from_the_stay_and_ngap_acts_keep_their_quantity(converted):
    out, _ = converted
    proc = read(out, "procedure_occurrence").set_index("procedure_source_value")
    act = proc.loc["DDAF001"]
    assert (act["procedure_date"], act["quantity"], act["visit_occurrence_id"]) == (
        "2014-01-11", "3", str(STAY),
    )  # fmt: skip
    physio = proc.loc["NGAP:3125"]
    assert (physio["person_id"], physio["procedure_date"], physio["procedure_end_date"],
            physio["quantity"]) == (str(ALICE), "2013-03-07", "2013-03-28", "10")  # fmt: skip
    assert set(proc.index) == {"DDAF001", "NGAP:3125"}


def test_biology_and_devices_sum_their_signed_quantities(converted):
    out, _ = converted
    bio = read(out, "measurement")
    assert list(bio["measurement_source_value"]) == ["1104"]  # 552: +2 then -2, cancelled
    assert (bio.loc[0, "measurement_date"], bio.loc[0, "value_as_number"]) == ("2013-03-08", "")
    device = read(out, "device_exposure")
    assert len(device) == 1
    assert (device.loc[0, "device_source_value"], device.loc[0, "quantity"],
            device.loc[0, "device_exposure_start_date"], device.loc[0, "device_exposure_end_date"]
            ) == ("1101650", "3", "2013-03-09", "2013-04-08")  # fmt: skip


def test_each_medical_unit_stay_is_a_visit_detail_of_its_stay(converted):
    out, _ = converted
    detail = read(out, "visit_detail").set_index("visit_detail_source_value")
    first, second = detail.loc["18"], detail.loc["02"]
    assert (first["visit_detail_start_date"], first["visit_detail_end_date"]) == (
        "2014-01-10", "2014-01-12",
    )  # fmt: skip
    assert (second["visit_detail_start_date"], second["visit_detail_end_date"]) == (
        "2014-01-12", "2014-01-15",
    )  # fmt: skip
    assert set(detail["visit_occurrence_id"]) == {str(STAY)}
    assert set(detail["visit_detail_concept_id"]) == {"9201"}
    assert second["preceding_visit_detail_id"] == str(stable_id("750300015", "1", "1"))
    sites = read(out, "care_site").set_index("care_site_id")
    assert sites.loc[first["care_site_id"], "care_site_source_value"] == "75030002"  # ETA_NUM_GEO
    assert sites.loc[second["care_site_id"], "care_site_source_value"] == "75030001"


def test_costs_are_in_euros_per_visit_and_event(converted):
    out, _ = converted
    cost = read(out, "cost")
    assert set(cost["currency_concept_id"]) == {"44818568"}
    by_event = cost.set_index(["cost_domain_id", "cost_event_id"])
    proc = read(out, "procedure_occurrence").set_index("procedure_source_value")
    physio, physio_visit = proc.loc["NGAP:3125", ["procedure_occurrence_id", "visit_occurrence_id"]]
    assert physio_visit == str(stable_id("P1", "2013-03-07", "2013-03-28", "3125", "752000001", ""))
    assert tuple(by_event.loc[("Procedure", physio),
                              ["total_charge", "paid_by_payer", "amount_allowed"]]) == (
        "161.0", "112.7", "161.0")  # fmt: skip
    assert by_event.loc[("Visit", physio_visit), "total_charge"] == "161.0"
    device = read(out, "device_exposure").loc[0, "device_exposure_id"]
    assert by_event.loc[("Device", device), "total_charge"] == "60.0"
    assert sorted(cost["cost_domain_id"]) == ["Device", "Procedure"] + ["Visit"] * 4


def test_the_report_counts_rows_per_source_and_target_table(converted):
    out, report = converted
    assert report.routed == {
        "ER_BIO_F": {"measurement": 1},
        "ER_PRS_F": {"procedure_occurrence": 1},
        "ER_TIP_F": {"device_exposure": 1},
        "IR_IMB_R": {"condition_occurrence": 2},
        "T_MCOaaA": {"procedure_occurrence": 1},
        "T_MCOaaB": {"condition_occurrence": 2},
        "T_MCOaaD": {"condition_occurrence": 2},
    }
    # nothing is missing but columns this hand-written extract leaves out (read as empty),
    # and a vocabulary for the eras
    assert {n["code"] for n in report.notices} == {"columns_absent", "eras_without_vocabulary"}
    assert report.dq_passed, [c for c in report.dq if not c["passed"]]
    for table in TABLES:
        assert list(read(out, table).columns) == columns(table)


def test_absent_optional_tables_give_empty_tables_and_notices(tmp_path):
    kept = {k: v for k, v in EXTRACT.items()
            if k in ("ir_ben_r.csv", "er_prs_f.csv", "t_mcoaad.csv")}  # fmt: skip
    report = run_conversion(write_extract(tmp_path / "in", kept), tmp_path / "out")
    for table in ("condition_occurrence", "measurement", "device_exposure", "visit_detail"):
        assert len(read(tmp_path / "out", table)) == 0, table
    codes = {(n["code"], n["table"]) for n in report.notices}
    assert {("input_absent", "ER_BIO_F"), ("input_absent", "IR_IMB_R"),
            ("input_without_stays", "T_MCOAAD")} <= codes  # fmt: skip
    assert report.rejected["condition_occurrence"] == {"no_stay": 5}
    assert report.dq_passed


def test_the_command_says_which_optional_tables_are_absent(tmp_path, capsys, db):
    from django.core.management import call_command

    kept = {k: v for k, v in EXTRACT.items() if k in ("ir_ben_r.csv", "er_prs_f.csv")}
    call_command("omop_etl", input=str(write_extract(tmp_path / "in", kept)),
                 output=str(tmp_path / "out"), tables="person,measurement")  # fmt: skip
    out = capsys.readouterr().out
    assert "ER_BIO_F est absente de l'extrait : ce qu'elle apporte à measurement manque" in out
    assert "IR_IMB_R" not in out  # condition_occurrence was not asked for


@pytest.mark.spark
def test_spark_gives_the_same_part_2_rows(spark, converted, tmp_path):
    out, duckdb_report = converted
    report = run_conversion(write_extract(tmp_path / "in"), tmp_path / "s", engine="spark")
    for table in TABLES:
        pd.testing.assert_frame_equal(read(tmp_path / "s", table), read(out, table), obj=table)
    assert report.rejected == duckdb_report.rejected
    assert report.routed == duckdb_report.routed
    assert report.unknown_codes == duckdb_report.unknown_codes


def test_the_published_report_masks_small_routing_counts_and_words_the_notices():
    from omop.labels import notice_label
    from omop.results import suppress_report

    report = {
        "rows_written": {"condition_occurrence": 120},
        "routed": {
            "T_MCOaaB": {"condition_occurrence": 117},
            "IR_IMB_R": {"condition_occurrence": 3},
        },
        "notices": [{"code": "input_absent", "table": "ER_BIO_F", "outputs": ["measurement"]}],
    }
    published = suppress_report(report, 10)
    routed = {(r["source"], r["target"]): r["row_count"] for r in published["routed"]}
    assert routed[("IR_IMB_R", "condition_occurrence")] == "< 10"
    assert routed[("T_MCOaaB", "condition_occurrence")] != 117  # or it gives the 3 away
    assert notice_label(published["notices"][0]) == (
        "ER_BIO_F est absente de l'extrait : ce qu'elle apporte à measurement manque "
        "(tables vides si rien d'autre ne les alimente)."
    )
