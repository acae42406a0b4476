"""The DuckDB engine (the default) end to end on small generated and hand-written extracts."""

import csv
import json
import sqlite3

import pandas as pd
import pyarrow.parquet as pq
import pytest

from omop.etl import ConversionCancelled, InputError, run_conversion
from omop.etl.generator import EXAMPLE_PSEUDONYM
from omop.etl.spec import TABLES, columns


@pytest.fixture(scope="module")
def converted(extract, tmp_path_factory):
    out = tmp_path_factory.mktemp("omop") / "cdm"
    report = run_conversion(extract, out, fmt="csv")
    return out, report


def read(out, table):
    return pd.read_csv(out / f"{table}.csv", dtype=str, keep_default_na=False)


def test_it_writes_every_table_with_the_spec_header(converted):
    out, _ = converted
    for table in TABLES:
        with (out / f"{table}.csv").open() as f:
            assert next(csv.reader(f)) == columns(table)


def test_the_worked_example_becomes_person_8190092190961932619(converted):
    out, _ = converted
    person = read(out, "person").set_index("person_source_value").loc[EXAMPLE_PSEUDONYM]
    assert person["person_id"] == "8190092190961932619"
    assert (person["gender_concept_id"], person["year_of_birth"], person["month_of_birth"]) == (
        "8532", "1963", "12",
    )  # fmt: skip
    location = read(out, "location").set_index("location_id").loc[person["location_id"]]
    assert location["location_source_value"] == "75114" and location["zip"] == ""
    assert location["city"] == "Paris 14e Arrondissement" and location["county"] == "75"

    visits = read(out, "visit_occurrence")
    mine = visits[visits["person_id"] == "8190092190961932619"].set_index("visit_start_date")
    assert mine.loc["2013-03-04"].shape[0] == 2  # GP and X-ray
    assert set(mine["visit_concept_id"]) == {"9202", "581458"}
    providers = read(out, "provider").set_index("provider_id")
    by_psv = providers.reset_index().set_index("provider_source_value")
    assert by_psv.loc["SPE:1", "specialty_concept_id"] == "38004446"
    assert by_psv.loc["ACT:26", "specialty_source_value"] == "MASSEUR - KINESITHERAPEUTE"
    physio = mine.loc["2013-03-07"]
    assert physio["provider_id"] == by_psv.loc["ACT:26", "provider_id"]
    assert physio["visit_end_date"] == "2013-03-28"

    drug = read(out, "drug_exposure")
    drug = drug[drug["person_id"] == "8190092190961932619"].iloc[0]
    assert (drug["drug_exposure_start_date"], drug["drug_exposure_end_date"]) == (
        "2013-03-05", "2013-04-03",
    )  # fmt: skip
    assert (drug["days_supply"], drug["quantity"], drug["drug_type_concept_id"]) == (
        "30",
        "1.0",
        "32810",
    )
    proc = read(out, "procedure_occurrence")
    proc = proc[proc["person_id"] == "8190092190961932619"].set_index("procedure_source_value")
    assert set(proc.index) == {"LFQK002", "NGAP:3125"}  # the X-ray and the physiotherapy
    assert proc.loc["LFQK002", "procedure_date"] == "2013-03-04"
    physio = proc.loc["NGAP:3125"]
    assert (physio["procedure_date"], physio["procedure_end_date"], physio["quantity"]) == (
        "2013-03-07", "2013-03-28", "10",
    )  # fmt: skip
    sites = read(out, "care_site").set_index("care_site_id")
    xray = mine.loc["2013-03-04"].set_index("visit_source_value").loc["1351"]
    assert sites.loc[xray["care_site_id"], "care_site_name"] == "HOPITAL PRIVE DES PEUPLIERS"
    period = read(out, "observation_period")
    period = period[period["person_id"] == "8190092190961932619"].iloc[0]
    assert period["observation_period_start_date"] == "2013-03-04"


def test_rejected_rows_are_counted_with_their_reason(converted):
    _, report = converted
    rejected = report.rejected
    assert rejected["person"]["no_birth_year"] > 0
    assert rejected["visit_occurrence"]["info_line"] > 0
    assert rejected["visit_occurrence"]["start_after_end"] > 0
    assert rejected["drug_exposure"]["cancelled"] > 0
    saved = json.loads((converted[0] / "etl_report.json").read_text())
    assert saved["rejected"] == rejected
    assert saved["rows_read"]["ER_PRS_F"] > saved["rows_written"]["visit_occurrence"] > 0
    assert saved["coverage"]["visit_occurrence"]["share"] == 1.0
    assert {"read", "visit_occurrence", "write", "dq", "total"} <= set(saved["durations"])


def test_the_output_passes_the_data_quality_checks(converted):
    _, report = converted
    names = {(c["check"], c["table"]) for c in report.dq}
    assert ("withinObservationPeriod", "drug_exposure") in names
    assert ("isForeignKey", "visit_occurrence") in names
    assert report.dq_passed, [c for c in report.dq if not c["passed"]]


def test_unknown_sex_codes_keep_the_person_with_gender_0(converted):
    out, _ = converted
    person = read(out, "person")
    unknown = person[~person["gender_source_value"].isin(["1", "2"])]
    assert len(unknown) and set(unknown["gender_concept_id"]) == {"0"}


def test_a_rerun_gives_byte_identical_csv(extract, converted, tmp_path):
    out, _ = converted
    run_conversion(extract, tmp_path / "again", fmt="csv")
    for table in TABLES:
        assert (tmp_path / "again" / f"{table}.csv").read_bytes() == (
            out / f"{table}.csv"
        ).read_bytes()


def test_a_cancelled_run_keeps_the_previous_output_and_leaves_no_temporary_files(extract, tmp_path):
    out = tmp_path / "cdm"
    run_conversion(extract, out, tables=["person"])
    before = (out / "person.csv").read_bytes()
    steps = []

    def cancel():
        return "visit_occurrence" in steps

    with pytest.raises(ConversionCancelled):
        run_conversion(
            extract, out, progress=lambda step, *_: steps.append(step), cancel_check=cancel
        )
    assert (out / "person.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cdm"]


def test_the_window_rejects_events_starting_outside_it_and_clips_periods(extract, tmp_path):
    report = run_conversion(extract, tmp_path / "w", window=("2014-01-01", "2014-12-31"))
    assert report.rejected["visit_occurrence"]["outside_window"] > 0
    period = read(tmp_path / "w", "observation_period")
    assert period["observation_period_start_date"].min() >= "2014-01-01"
    assert period["observation_period_end_date"].max() <= "2014-12-31"


def test_person_to_csv_care_site_to_sqlite_and_parquet_output(extract, parquet_extract, tmp_path):
    run_conversion(extract, tmp_path / "cdm.sqlite", fmt="sqlite", tables=["care_site"])
    con = sqlite3.connect(tmp_path / "cdm.sqlite")
    assert con.execute("SELECT COUNT(*) FROM care_site").fetchone()[0] > 0
    assert (
        "BIGINT"
        in con.execute("SELECT sql FROM sqlite_master WHERE name='care_site'").fetchone()[0]
    )
    assert (tmp_path / "cdm.sqlite.report.json").exists()
    run_conversion(parquet_extract, tmp_path / "pq", fmt="parquet", tables=["person", "provider"])
    schema = pq.read_schema(tmp_path / "pq" / "person.parquet")
    assert str(schema.field("person_id").type) == "int64"
    assert str(schema.field("year_of_birth").type) == "int32"
    assert sorted(p.name for p in (tmp_path / "pq").iterdir()) == [
        "etl_report.json", "person.parquet", "provider.parquet",
    ]  # fmt: skip


def test_a_missing_ir_ben_r_is_an_error_that_says_so(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ER_PRS_F.csv").write_text("BEN_NIR_PSA;EXE_SOI_DTD\nA;2013-01-01\n")
    with pytest.raises(InputError, match="no_beneficiary_table"):
        run_conversion(tmp_path / "in", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_it_refuses_to_replace_a_folder_that_is_not_an_omop_output(extract, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("precious")
    with pytest.raises(InputError, match="output_not_ours"):
        run_conversion(extract, tmp_path / "mine", tables=["person"])
    assert (tmp_path / "mine" / "thesis.docx").read_text() == "precious"


THIN = {
    "ir_ben_r.csv": "NUM_ENQ;ben_sex_cod;ben_nai_ann;ben_nai_moi;ben_res_dpt\n"
    "DPXX:0000000000000000001X;2;1963;12;075\nP2;1;1950;3;013\nP3;9;;;\n",
    "t_mcoaae.csv": "eta_num;soc_rai\n750300015;CLINIQUE EXEMPLE PARIS 14\n130000002;HOPITAL NORD\n",
    "ir_spe_v.csv": "PFS_SPE_COD;PFS_SPE_LIB\n1;MEDECINE GENERALE\n",
    "ir_act_v.csv": "PFS_ACT_NAT;ACT_NAT_LIB\n26;MASSEUR-KINESITHERAPEUTE\n",
    "er_prs_f.csv": "num_enq,exe_soi_dtd,prs_nat_ref,pse_spe_cod,pse_act_nat\n"
    "DPXX:0000000000000000001X,04/03/2013,1111,1,0\n"
    "DPXX:0000000000000000001X,07MAR2013:00:00:00,3125,0,26\nP3,2013-03-05,1111,1,0\n",
}


def test_a_minimal_extract_like_the_exercise_converts_with_warnings(tmp_path):
    src = tmp_path / "thin"
    src.mkdir()
    for name, text in THIN.items():
        (src / name).write_bytes(text.encode("latin-1"))
    report = run_conversion(src, tmp_path / "out")
    out = tmp_path / "out"
    person = read(out, "person")
    assert set(person["person_source_value"]) == {"P2", "DPXX:0000000000000000001X"}
    assert len(read(out, "visit_occurrence")) == 2
    assert set(read(out, "provider")["specialty_source_value"]) == {
        "MEDECINE GENERALE", "MASSEUR-KINESITHERAPEUTE",
    }  # fmt: skip
    assert len(read(out, "care_site")) == 2 and len(read(out, "drug_exposure")) == 0
    absent = next(n for n in report.notices if n["code"] == "columns_absent")
    assert absent["table"] == "ER_PRS_F" and "FLX_DIS_DTD" in absent["columns"]
    assert report.rejected["visit_occurrence"] == {"patient_dropped": 1}


def test_progress_never_goes_backwards_through_dcir_and_pmsi_visits(extract, tmp_path):
    reports = []
    run_conversion(
        extract,
        tmp_path / "omop",
        progress=lambda step, pct, rows, message: reports.append((step, pct, message)),
    )

    percents = [pct for _step, pct, _message in reports]
    assert percents == sorted(percents)
    assert percents[-1] == 100
    visit_messages = [message for step, _pct, message in reports if step == "visit_occurrence"]
    assert "DCIR lines" in visit_messages
    assert "PMSI MCO stays" in visit_messages


def test_a_killed_run_leaves_nothing_behind_once_the_next_run_starts(extract, tmp_path):
    """SIGKILL skips every ``finally``: the staging folder stays until the next run to the same
    output sees that its process is gone and removes it; the previous output is untouched."""
    import signal
    import subprocess
    import sys
    from pathlib import Path

    out = tmp_path / "cdm"
    run_conversion(extract, out, tables=["person"])
    before = (out / "person.csv").read_bytes()
    killer = (
        "import os, signal, sys\n"
        "from omop.etl import run_conversion\n"
        "def progress(step, *_):\n"
        "    if step == 'visit_occurrence':\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "run_conversion(sys.argv[1], sys.argv[2], progress=progress)\n"
    )
    repo = Path(__file__).resolve().parents[2]
    child = subprocess.run(  # noqa: S603
        [sys.executable, "-c", killer, str(extract), str(out)], cwd=repo, check=False
    )
    assert child.returncode == -signal.SIGKILL
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "cdm"]
    assert len(leftovers) == 1 and leftovers[0].startswith(".cdm.tmp-")
    assert (out / "person.csv").read_bytes() == before

    run_conversion(extract, out, tables=["person"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cdm"]
