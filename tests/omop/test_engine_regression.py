"""The SQL engines give today's rows: the pandas engine that shipped until the mapping was
written once in SQL is kept as a test-only oracle (``pandas_oracle.py``), and each engine
must give its rows, table by table, and its report counts, on generated extracts with the
worked example, dirt, twins, PMSI stays, an extraction window, CSV and Parquet inputs."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from omop.etl import run_conversion
from omop.etl.config import EngineConfig
from omop.etl.generator import generate_extract
from omop.etl.publish import coverage
from tests.omop import pandas_oracle
from tests.omop.test_conversion import THIN

REPORT_FIELDS = ("rows_read", "rows_written", "rejected", "coverage", "dq",
                 "persons_without_events", "notices")  # fmt: skip
# the notices the oracle knew (the later ones are about Part 2 inputs it does not read)
ORACLE_NOTICES = {"input_ignored", "columns_absent", "unlinkable"}
TABLES = pandas_oracle.TABLES  # the tables the oracle knows
NGAP = "NGAP:"  # procedures from NGAP acts (Part 2), which the oracle predates
WINDOW = ("2013-06-01", "2014-12-31")
PART2_INPUTS = {"T_MCO13A", "T_MCO13D", "T_MCO13UM", "IR_IMB_R", "ER_BIO_F", "ER_TIP_F"}


@pytest.fixture(scope="module")
def extracts(tmp_path_factory):
    """The inputs of the comparison, generated once per module."""
    root = tmp_path_factory.mktemp("regression")
    generate_extract(root / "csv", persons=600, seed=3, include_example=True, dirt=0.03)
    generate_extract(root / "parquet", persons=600, seed=5, fmt="parquet",
                     include_example=True, dirt=0.03)  # fmt: skip
    french = root / "french"
    shutil.copytree(root / "csv", french)
    prs = next(p for p in french.iterdir() if p.name.upper().startswith("ER_PRS_F"))
    lines = pd.read_csv(prs, dtype=str, keep_default_na=False, sep=";")
    for col in ("EXE_SOI_DTD", "EXE_SOI_DTF", "FLX_DIS_DTD"):
        iso = lines[col].str.match(r"^\d{4}-\d{2}-\d{2}$")
        lines.loc[iso, col] = pd.to_datetime(lines.loc[iso, col]).dt.strftime("%d/%m/%Y")
    lines.to_csv(prs, index=False, sep=";")
    # The oracle predates Part 2: the inputs it knew are the contract. The tables only Part 2
    # reads (hospital acts, diagnoses, medical units, ALD, biology, devices) are left out.
    for folder in (root / "csv", root / "parquet", french):
        for path in folder.iterdir():
            if path.name.upper().split(".")[0] in PART2_INPUTS:
                path.unlink()
    thin = root / "thin"
    thin.mkdir()
    for name, text in THIN.items():
        (thin / name).write_bytes(text.encode("latin-1"))
    return root


CASES = {
    "csv": ("csv", (None, None)),
    "parquet": ("parquet", (None, None)),
    "csv-window": ("csv", WINDOW),
    "parquet-window": ("parquet", WINDOW),
    "french-dates-window": ("french", WINDOW),
    "thin": ("thin", (None, None)),
}


def assert_same_as_today(engine, extracts, case, tmp_path, monkeypatch, **settings):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764633600")  # 2025-12-02: cdm_source dates
    folder, window = CASES[case]
    expected = pandas_oracle.convert_to_csv(extracts / folder, tmp_path / "oracle", window=window)
    config = EngineConfig(release_date=dt.date(2025, 12, 2), memory_limit="512MB", **settings)
    report = run_conversion(extracts / folder, tmp_path / engine, engine=engine, window=window,
                            config=config)  # fmt: skip
    ngap = 0
    for table in TABLES:
        want = pd.read_csv(tmp_path / "oracle" / f"{table}.csv", dtype=str, keep_default_na=False)
        got = pd.read_csv(tmp_path / engine / f"{table}.csv", dtype=str, keep_default_na=False)
        if table == "procedure_occurrence":
            new = got["procedure_source_value"].str.startswith(NGAP)
            ngap = int(new.sum())
            got = got[~new].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, obj=f"{case}: {table}")
    for name in REPORT_FIELDS:
        want = getattr(expected, name)
        if name == "dq":
            want = _comparable(want)
        assert _known(report, name, ngap) == want, f"{case}: report {name}"
    assert report.dq_passed, [c for c in report.dq if not c["passed"]]
    return expected


def _known(report, name, ngap):
    """The report field as the oracle could count it: its tables, without the NGAP
    procedures, and only the checks it ran (new tables bring new foreign-key checks)."""
    value = getattr(report, name)
    if name in ("rows_written", "coverage", "rejected"):
        value = {t: v for t, v in value.items() if t in TABLES}
    if name == "rows_written":
        value["procedure_occurrence"] -= ngap
    if name == "coverage":
        proc = value["procedure_occurrence"]
        value["procedure_occurrence"] = coverage(proc["field"], proc["mapped"], proc["rows"] - ngap)
    if name == "notices":
        value = [n for n in value if n["code"] in ORACLE_NOTICES]
    if name == "dq":
        value = [c for c in value if c["table"] in TABLES and c["check"] != "cdmDatatype"
                 and not (c["check"] == "isForeignKey" and c["field"] == "visit_detail_id")]  # fmt: skip
        # the checks of procedure rows count the NGAP ones too (cdmField counts a column)
        value = _comparable([{**c, "rows": c["rows"] - ngap}
                             if c["table"] == "procedure_occurrence" and c["check"] != "cdmField"
                             else c for c in value])  # fmt: skip
    return value


def _comparable(dq):
    """The checks both engines count alike: NGAP acts (newborns' nursing, say) can date
    before birth or after death, and come without quantity when PRS_ACT_QTE is absent, so
    those checks of procedures are left out."""
    return [c for c in dq if not (c["table"] == "procedure_occurrence" and c["check"] in (
        "plausibleAfterBirth", "plausibleDuringLife", "plausibleValueLow"))]  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_the_duckdb_engine_gives_todays_rows_and_counts(case, extracts, tmp_path, monkeypatch):
    expected = assert_same_as_today("duckdb", extracts, case, tmp_path, monkeypatch)
    if case != "thin":
        assert expected.rows_written["visit_occurrence"] > 5000
        assert expected.rejected["visit_occurrence"]


@pytest.mark.parametrize("case", ["parquet-window", "french-dates-window"])
def test_with_its_tables_in_a_database_file_duckdb_gives_the_same_rows(
    case, extracts, tmp_path, monkeypatch
):
    """What an extract larger than the memory cap converts with (``tables_on_disk``)."""
    assert_same_as_today("duckdb", extracts, case, tmp_path, monkeypatch, tables_on_disk=True)
