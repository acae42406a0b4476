import csv
import hashlib

import pyarrow.parquet as pq

from omop.etl.generator import EXAMPLE_PSEUDONYM, cip13, generate_extract


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_the_same_seed_writes_the_same_files(tmp_path):
    generate_extract(tmp_path / "a", persons=60, seed=3)
    generate_extract(tmp_path / "b", persons=60, seed=3)
    generate_extract(tmp_path / "c", persons=60, seed=4)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_it_writes_the_snds_tables_linked_by_the_flux_keys(extract):
    names = {p.name for p in extract.iterdir()}
    assert {"IR_BEN_R.csv", "ER_PRS_F.csv", "ER_PHA_F.csv", "ER_CAM_F.csv", "ER_ETE_F.csv",
            "T_MCO13E.csv", "T_MCO13B.csv", "T_MCO13C.csv"} <= names  # fmt: skip
    keys = ("FLX_DIS_DTD", "FLX_TRT_DTD", "FLX_EMT_TYP", "FLX_EMT_NUM", "FLX_EMT_ORD",
            "ORG_CLE_NUM", "DCT_ORD_NUM", "PRS_ORD_NUM", "REM_TYP_AFF")  # fmt: skip
    prs = {tuple(r[k] for k in keys) for r in _rows(extract / "ER_PRS_F.csv")}
    pha = _rows(extract / "ER_PHA_F.csv")
    assert pha and all(tuple(r[k] for k in keys) in prs for r in pha)


def test_it_has_plausible_volumes_and_the_configured_dirt(extract):
    ben = _rows(extract / "IR_BEN_R.csv")
    prs = _rows(extract / "ER_PRS_F.csv")
    persons = {r["BEN_NIR_PSA"] for r in ben}
    per_person_year = len(prs) / len(persons) / 3
    assert 20 < per_person_year < 50
    pharmacy = sum(r["PRS_NAT_REF"] in ("3313", "3312", "3341", "3311", "4382") for r in prs)
    assert 0.25 < pharmacy / len(prs) < 0.55
    assert any(r["DPN_QLF"] == "71" for r in prs)
    assert any(r["EXE_SOI_DTF"] < r["EXE_SOI_DTD"] for r in prs)
    assert any(r["BEN_NAI_ANN"] == "" for r in ben)
    assert any(int(r["PHA_ACT_QSN"]) < 0 for r in _rows(extract / "ER_PHA_F.csv"))


def test_the_worked_example_is_the_woman_of_paris_14e(extract):
    ben = [r for r in _rows(extract / "IR_BEN_R.csv") if r["BEN_NIR_PSA"] == EXAMPLE_PSEUDONYM]
    assert ben == [ben[0]] and (ben[0]["BEN_SEX_COD"], ben[0]["BEN_NAI_ANN"]) == ("2", "1963")
    assert (ben[0]["BEN_NAI_MOI"], ben[0]["BEN_RES_DPT"], ben[0]["BEN_RES_COM"]) == (
        "12",
        "075",
        "114",
    )
    prs = [r for r in _rows(extract / "ER_PRS_F.csv") if r["BEN_NIR_PSA"] == EXAMPLE_PSEUDONYM]
    gp = [r for r in prs if r["PSE_SPE_COD"] == "1"]
    physio = [r for r in prs if r["PSE_ACT_NAT"] == "26"]
    assert gp[0]["EXE_SOI_DTD"] == "2013-03-04"
    assert physio[0]["EXE_SOI_DTD"] == "2013-03-07" and physio[0]["PRS_ACT_QTE"] == "10"
    assert any(r["CAM_PRS_IDE"] == "LFQK002" for r in _rows(extract / "ER_CAM_F.csv"))


def test_parquet_extracts_have_typed_columns(parquet_extract):
    schema = pq.read_schema(parquet_extract / "ER_PRS_F.parquet")
    assert str(schema.field("EXE_SOI_DTD").type) == "date32[day]"
    assert str(schema.field("PRS_NAT_REF").type) == "int64"


def test_cip13_codes_carry_an_ean13_check_digit():
    assert cip13("3002790") == "3400930027905"


def _rows(path):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))
