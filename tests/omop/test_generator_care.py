"""The synthetic SNDS's diagnoses, hospital acts, medical units, ALD, biology and devices."""

import csv
import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from omop.etl import reference
from omop.etl.generator import EXAMPLE_PSEUDONYM, generate_extract
from omop.etl.generator_care import (
    UNKNOWN_CCAM,
    UNKNOWN_CIM,
    UNKNOWN_LPP,
    UNKNOWN_NABM,
    codes_used,
)

DIRT = 0.05
SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "snds-schema" / "schemas"
NEW_TABLES = {
    "T_MCO13D": "PMSI/PMSI MCO/T_MCOaaD.json",
    "T_MCO13A": "PMSI/PMSI MCO/T_MCOaaA.json",
    "T_MCO13UM": "PMSI/PMSI MCO/T_MCOaaUM.json",
    "T_MCO13B": "PMSI/PMSI MCO/T_MCOaaB.json",
    "IR_IMB_R": "DCIR_DCIRS/IR_IMB_R.json",
    "ER_BIO_F": "DCIR/ER_BIO_F.json",
    "ER_TIP_F": "DCIR/ER_TIP_F.json",
}


@pytest.fixture(scope="module")
def dirty(tmp_path_factory):
    """1,500 persons with 5 % dirt: enough rows to measure the proportions."""
    folder = tmp_path_factory.mktemp("care") / "extract"
    generate_extract(folder, persons=1500, seed=21, dirt=DIRT)
    return {p.stem: _rows(p) for p in folder.iterdir()}


def test_it_writes_every_table_the_conversion_reads_with_the_dictionary_columns(dirty):
    assert set(NEW_TABLES) <= set(dirty)
    assert {"DGN_PAL", "DGN_REL"} <= set(dirty["T_MCO13B"][0])
    if not SCHEMAS.is_dir():
        pytest.skip("the SNDS dictionary (../shared/snds-schema) is not here")
    for table, schema in NEW_TABLES.items():
        fields = {f["name"] for f in json.loads((SCHEMAS / schema).read_text())["fields"]}
        assert set(dirty[table][0]) <= fields, table


def test_codes_come_from_the_shipped_nomenclatures_except_the_dirt(dirty):
    cim = {r["CIM_COD"] for r in reference.nomenclature("IR_CIM_V")}
    ccam = {r["CAM_PRS_IDE_COD"] for r in reference.nomenclature("IR_CCAM")}
    nabm = {r["BIO_PRS_IDE"] for r in reference.nomenclature("IR_BIO_R")}
    lpp = {r["LPP_PRS_IDE"] for r in reference.nomenclature("NT_LPP")}
    used = codes_used()
    assert used["IR_CIM_V"] <= cim and used["IR_CCAM_V54"] <= ccam
    assert used["IR_BIO_R"] <= nabm and used["NT_LPP"] <= lpp
    diagnoses = [r["DGN_PAL"] for r in dirty["T_MCO13B"]] + [
        r["ASS_DGN"] for r in dirty["T_MCO13D"]
    ]
    diagnoses += [r["MED_MTF_COD"] for r in dirty["IR_IMB_R"]] + [
        r["DGN_PAL"] for r in dirty["T_MCO13UM"]
    ]
    assert {c.replace(".", "") for c in diagnoses} <= cim | set(UNKNOWN_CIM)
    assert {r["CDC_ACT"] for r in dirty["T_MCO13A"]} <= ccam | set(UNKNOWN_CCAM)
    assert {r["BIO_PRS_IDE"] for r in dirty["ER_BIO_F"]} <= nabm | set(UNKNOWN_NABM)
    assert {r["TIP_PRS_IDE"] for r in dirty["ER_TIP_F"]} <= lpp | set(UNKNOWN_LPP)


def test_the_shipped_subsets_are_lines_of_the_snds_nomenclatures():
    shared = SCHEMAS.parent / "nomenclatures"
    if not shared.is_dir():
        pytest.skip("the SNDS nomenclatures (../shared/snds-schema) are not here")
    pairs = {"IR_CIM_V_subset": "ORAVAL/IR_CIM_V.csv", "IR_BIO_R_subset": "ORAREF/IR_BIO_R.csv",
             "NT_LPP_subset": "ORAREF/NT_LPP.csv", "IR_CCAM_V54_subset": "ATIH/IR_CCAM_V54.csv"}  # fmt: skip
    for subset, source in pairs.items():
        lines = (reference.SNDS_DIR / f"{subset}.csv").read_text(encoding="utf-8").splitlines()
        original = set((shared / source).read_text(encoding="utf-8").splitlines())
        assert set(lines) <= original, subset


def test_the_dirt_is_there_in_the_stated_proportion(dirty):
    stays = dirty["T_MCO13B"]
    unknown = sum(r["DGN_PAL"] in UNKNOWN_CIM for r in stays) / len(stays)
    dotted = sum("." in r["DGN_PAL"] for r in stays) / len(stays)
    assert 0.5 * DIRT < unknown < 1.6 * DIRT
    assert 0.3 * DIRT < dotted < 1.6 * DIRT
    length = {(r["ETA_NUM"], r["RSA_NUM"]): int(r["SEJ_NBJ"]) for r in stays}
    acts = dirty["T_MCO13A"]
    late = sum(int(r["ENT_DAT_DEL"]) > length[r["ETA_NUM"], r["RSA_NUM"]] for r in acts)
    assert 0.5 * DIRT < late / len(acts) < 1.6 * DIRT
    assert {"0", "1", "2"} == {r["PHA_ACT"] for r in acts}
    das = dirty["T_MCO13D"]
    orphans = sum((r["ETA_NUM"], r["RSA_NUM"]) not in length for r in das) / len(das)
    assert 0.2 * DIRT < orphans < 0.8 * DIRT
    assert len({(r["ETA_NUM"], r["RSA_NUM"], r["ASS_DGN"]) for r in das}) < len(das)
    ald = dirty["IR_IMB_R"]
    assert 0.4 * DIRT < sum(r["IMB_ALD_DTD"] == "" for r in ald) / len(ald) < 1.8 * DIRT
    assert any(r["IMB_ALD_DTF"] == "1600-01-01" for r in ald)
    assert sum(r["IMB_ALD_DTF"] == "2099-12-31" for r in ald) > len(ald) / 3
    for table, qty in (("ER_BIO_F", "BIO_ACT_QSN"), ("ER_TIP_F", "TIP_ACT_QSN")):
        negative = sum(int(r[qty]) < 0 for r in dirty[table]) / len(dirty[table])
        assert 0.5 * DIRT < negative < 1.6 * DIRT, table
    tip = dirty["ER_TIP_F"]
    assert 0.4 * DIRT < sum(r["TIP_ACL_DTD"] == "" for r in tip) / len(tip) < 1.8 * DIRT


def test_diagnoses_biology_and_devices_are_plausible_for_age_and_sex(dirty):
    born = {
        r["BEN_NIR_PSA"]: (int(r["BEN_NAI_ANN"] or 0), r["BEN_SEX_COD"]) for r in dirty["IR_BEN_R"]
    }
    stays = {(r["ETA_NUM"], r["RSA_NUM"]): r["NIR_ANO_17"] for r in dirty["T_MCO13C"]}
    for r in dirty["T_MCO13B"]:
        if r["DGN_PAL"] in ("O800", "O820"):
            assert r["COD_SEX"] == "2"
            year = born[stays[r["ETA_NUM"], r["RSA_NUM"]]][0]
            assert not year or 18 <= 2013 - year <= 44
        if r["DGN_PAL"] == "C61":
            assert r["COD_SEX"] == "1"
    persons = {p: 2013 - y for p, (y, _) in born.items() if y}
    ald = {r["BEN_NIR_PSA"] for r in dirty["IR_IMB_R"]}
    share = [sum(p in ald for p in g) / len(g) for g in (
        [p for p, a in persons.items() if a < 40], [p for p, a in persons.items() if a >= 75])]  # fmt: skip
    assert share[0] < 0.1 < 0.3 < share[1]
    # units and acts belong to stays; each stay's first unit gives its principal diagnosis
    first = {(r["ETA_NUM"], r["RSA_NUM"]): r["DGN_PAL"] for r in dirty["T_MCO13UM"]
             if r["UM_ORD_NUM"] == "1"}  # fmt: skip
    clean = [
        r for r in dirty["T_MCO13B"] if r["DGN_PAL"].isalnum() and r["DGN_PAL"] not in UNKNOWN_CIM
    ]
    same = sum(first[r["ETA_NUM"], r["RSA_NUM"]] == r["DGN_PAL"] for r in clean) / len(clean)
    assert same > 0.85 and set(first) == set(stays)
    assert {(r["ETA_NUM"], r["RSA_NUM"]) for r in dirty["T_MCO13A"]} <= set(stays)
    # biology and devices hang on DCIR lines of their kind
    nature = {_key(r): r["PRS_NAT_REF"] for r in dirty["ER_PRS_F"]}
    assert {nature[_key(r)] for r in dirty["ER_BIO_F"]} == {"3211"}
    assert {nature[_key(r)][:2] for r in dirty["ER_TIP_F"]} == {"35"}
    bio = dirty["ER_BIO_F"]
    assert (
        sum(r["BIO_PRS_IDE"] == "1104" for r in bio)
        > sum(r["BIO_PRS_IDE"] == "1577" for r in bio)
        > 0
    )


def test_the_worked_example_is_the_exercise_line_for_line(extract):
    prs = [r for r in _rows(extract / "ER_PRS_F.csv") if r["BEN_NIR_PSA"] == EXAMPLE_PSEUDONYM]
    got = [(r["EXE_SOI_DTD"], r["EXE_SOI_DTF"], r["PRS_NAT_REF"], r["PRS_ACT_QTE"],
            r["PSE_SPE_COD"], r["PSE_ACT_NAT"], r["PFS_EXE_NUM"]) for r in prs]  # fmt: skip
    assert got == [
        ("2013-03-04", "2013-03-04", "1111", "1", "1", "0", "750100001"),  # GP
        ("2013-03-04", "2013-03-04", "1351", "1", "6", "0", "750200001"),  # X-ray
        ("2013-03-05", "2013-03-05", "3313", "1", "0", "50", "750023772"),  # pharmacy
        ("2013-03-07", "2013-03-28", "3125", "10", "0", "26", "752000001"),  # physiotherapy
    ]
    by_key = {_key(r): r for r in prs}
    sites = {by_key[_key(r)]["PRS_NAT_REF"]: (r["ETB_EXE_FIN"], r["ETE_CAT_COD"])
             for r in _rows(extract / "ER_ETE_F.csv") if _key(r) in by_key}  # fmt: skip
    assert sites == {"1351": ("75010016", "365"), "3313": ("75002377", "620")}
    names = {r["ETA_NUM"]: r["SOC_RAI"] for r in _rows(extract / "T_MCO13E.csv")}
    assert names["750100166"] == "HOPITAL PRIVE DES PEUPLIERS"
    xray = [r for r in _rows(extract / "ER_CAM_F.csv") if _key(r) in by_key]
    assert [r["CAM_PRS_IDE"] for r in xray] == ["LFQK002"]
    drug = [r for r in _rows(extract / "ER_PHA_F.csv") if _key(r) in by_key]
    assert [(r["PHA_PRS_C13"], r["PHA_ACT_QSN"]) for r in drug] == [("3400930027905", "1")]


# Digests of the tables as the generator wrote them before the care tables existed
# (commit eb63f88; numpy's PCG64 streams and pyarrow's CSV writer are stable). ER_PRS_F and
# T_MCO13B are compared without the columns added since (BSE_REM_BSE, DGN_PAL, DGN_REL).
# The DCIR tables changed once on purpose since (2026-12-03): a newborn's care no longer
# starts before their birth month (the same random draws, squeezed after the birth).
BEFORE = {
    "ER_CAM_F": "dac00c7a41d1e03d20d25765a5b8bbaf23e172e9cef073fc57bc2fdc108700fe",
    "ER_ETE_F": "0fd29afbc400c3f9925aad2d13caf69ea5e7fda06d8a98986c4da19418b2d64e",
    "ER_PHA_F": "771e34dbcd8771513bf717f2596faef52fe7bd55d18ce7aef2fdab87700a84d7",
    "IR_BEN_R": "70be87db669119102a91cf12c5b7d9f7578ea834893a1554918b2eb317c630f4",
    "T_MCO13C": "2fc8f94c107f3114a032c892fd5eb799a00338300a88dcba08a9dc4556844451",
    "T_MCO13E": "2e67e9d16c968fd7b357ad340e4c5d94f807a5181dd9f7faddfb0b214df584f8",
    "ER_PRS_F": "5d499143031f8e881a2be011f19bd38eab020e0539b74275de13ddb2520faf27",
    "T_MCO13B": "aec3db437fb0710e7c6f501796fdecca052d6e7d21bf386128e3debd11f5f3d0",
}


def test_the_tables_emitted_before_keep_their_rows_for_a_seed(tmp_path):
    generate_extract(tmp_path, persons=300, seed=5, dirt=0.05)
    for table, digest in BEFORE.items():
        path = tmp_path / f"{table}.csv"
        if table in ("ER_PRS_F", "T_MCO13B"):
            with path.open(encoding="utf-8", newline="") as f:
                rows = list(csv.reader(f, delimiter=";"))
            keep = [
                i for i, c in enumerate(rows[0]) if c not in ("BSE_REM_BSE", "DGN_PAL", "DGN_REL")
            ]
            data = "\n".join(";".join(r[i] for i in keep) for r in rows).encode()
        else:
            data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, table


def test_no_generated_care_comes_before_birth_or_after_death(tmp_path):
    """Newborns are cared for from their birth month, long-term conditions start after
    birth, and nobody dies before being born: the DQD's plausibility checks find nothing."""
    from omop.etl import run_conversion

    generate_extract(tmp_path / "in", persons=3000, seed=3, fmt="parquet")
    report = run_conversion(tmp_path / "in", tmp_path / "out", fmt="parquet")
    found = {
        (c["check"], c["table"]): c["failed_rows"]
        for c in report.dq
        if c["check"] in ("plausibleAfterBirth", "plausibleTemporalAfter", "plausibleDuringLife")
    }
    assert ("plausibleAfterBirth", "visit_occurrence") in found
    assert {k: n for k, n in found.items() if n} == {}


def test_parquet_care_tables_have_typed_columns(parquet_extract):
    bio = pq.read_schema(parquet_extract / "ER_BIO_F.parquet")
    assert str(bio.field("BIO_PRS_IDE").type) == "int64"
    ald = pq.read_schema(parquet_extract / "IR_IMB_R.parquet")
    assert str(ald.field("IMB_ALD_DTD").type) == "date32[day]"
    acts = pq.read_schema(parquet_extract / "T_MCO13A.parquet")
    assert str(acts.field("ENT_DAT_DEL").type) == "int64"


FLUX = ("FLX_DIS_DTD", "FLX_TRT_DTD", "FLX_EMT_TYP", "FLX_EMT_NUM", "FLX_EMT_ORD",
        "ORG_CLE_NUM", "DCT_ORD_NUM", "PRS_ORD_NUM", "REM_TYP_AFF")  # fmt: skip


def _key(row):
    return tuple(row[k] for k in FLUX)


def _rows(path):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))
