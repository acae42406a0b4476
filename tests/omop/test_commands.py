"""The two management commands are thin wrappers: flags in, files and exit code out."""

import json

import pytest
from django.core.management import CommandError, call_command

import omop.etl.publish

# omop_etl maps with the vocabulary loaded in the portal, which it asks the database for
pytestmark = pytest.mark.django_db


def test_generate_then_convert_person_with_duckdb_to_csv(tmp_path, capsys):
    call_command("generate_snds", persons=30, seed=2, output=str(tmp_path / "snds"),
                 include_example=True)  # fmt: skip
    assert (tmp_path / "snds" / "ER_PRS_F.csv").exists()
    call_command("omop_etl", input=str(tmp_path / "snds"), output=str(tmp_path / "cdm"),
                 engine="duckdb", format="csv", tables="person,observation_period",
                 fail_on_dq=True)  # fmt: skip
    assert "person:" in capsys.readouterr().out
    report = json.loads((tmp_path / "cdm" / "etl_report.json").read_text())
    assert report["tables"] == ["person", "observation_period"] and report["dq_passed"]
    assert "8190092190961932619" in (tmp_path / "cdm" / "person.csv").read_text()


def test_it_explains_a_missing_ir_ben_r(tmp_path):
    (tmp_path / "in").mkdir()
    with pytest.raises(CommandError, match="IR_BEN_R manque à l'extrait"):
        call_command("omop_etl", input=str(tmp_path / "in"), output=str(tmp_path / "out"))


def test_fail_on_dq_exits_non_zero_when_a_check_fails(extract, tmp_path, monkeypatch):
    # a correct conversion passes every check: simulate a failing one
    def failing(tables, query, release=None, **_options):
        return [{"check": "isRequired", "table": "person", "field": "year_of_birth",
                 "failed_rows": 3, "passed": False}]  # fmt: skip

    monkeypatch.setattr(omop.etl.publish, "run_checks", failing)
    call_command("omop_etl", input=str(extract), output=str(tmp_path / "a"), tables="person")
    with pytest.raises(CommandError, match="1 data-quality check"):
        call_command("omop_etl", input=str(extract), output=str(tmp_path / "b"), tables="person",
                     fail_on_dq=True)  # fmt: skip
    assert json.loads((tmp_path / "b" / "etl_report.json").read_text())["dq_passed"] is False


def test_without_a_portal_database_it_converts_without_vocabulary(extract, tmp_path):
    """On a cluster node or a bare checkout, where the portal's database is not set up, the
    conversion still runs (no vocabulary), and says so; asking for a vocabulary folder
    there, whose curated map lives in that database, is refused with what to do."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    empty = tmp_path / "empty.sqlite3"
    empty.touch()  # a database without the portal's tables
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{empty}"}

    def omop_etl(*extra):
        return subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "omop_etl", "--input", str(extract), "--tables",
             "person", *extra],
            cwd=repo, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    done = omop_etl("--output", str(tmp_path / "cdm"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "no vocabulary is applied" in done.stderr
    assert (tmp_path / "cdm" / "person.csv").exists()
    refused = omop_etl("--output", str(tmp_path / "again"), "--vocabulary", str(tmp_path))
    assert refused.returncode != 0 and "--vocabulary none" in refused.stderr
