"""The alignment report reads each value in its own vocabulary, wherever the conversion's
routing by domain wrote it."""

from omop.etl.alignment import measure


def _write(folder, table, column, values):
    lines = "\n".join(f"{i},{v}" for i, v in enumerate(values, start=1))
    (folder / f"{table}.csv").write_text(f"person_id,{column}\n{lines}\n")


def test_a_routed_value_is_counted_in_its_own_vocabulary(tmp_path):
    _write(tmp_path, "measurement", "measurement_source_value", ["1104", "1104", "DEQP003"])
    _write(tmp_path, "observation", "observation_source_value", ["Z720"])
    _write(tmp_path, "device_exposure", "device_source_value", ["1101650", "3400930052808"])
    _write(tmp_path, "procedure_occurrence", "procedure_source_value", ["NGAP:3125", "DEQP003"])
    _write(tmp_path, "condition_occurrence", "condition_source_value", ["E119", "XYZ"])
    report = measure(tmp_path, vocabulary_dir=None)
    rows = {(s["table"], s["vocabulary"]): s["rows"] for s in report["by_vocabulary"]}
    assert rows == {
        ("measurement", "NABM"): 2,
        ("measurement", "CCAM"): 1,  # an ECG, a measurement by its concept's domain
        ("observation", "CIM10"): 1,
        ("device_exposure", "LPP"): 1,
        ("device_exposure", "BDPM"): 1,  # test strips bought with a CIP13
        ("procedure_occurrence", "NGAP"): 1,
        ("procedure_occurrence", "CCAM"): 1,
        ("condition_occurrence", "CIM10"): 2,  # an unknown code stays in its table's vocabulary
    }
    # the CIP13 reads as its CIP7 in BDPM, as the conversion reads it
    codes = {(u["table"], u["code"]) for u in report["unmapped"]["BDPM"]}
    assert codes == {("device_exposure", "3005280")}
