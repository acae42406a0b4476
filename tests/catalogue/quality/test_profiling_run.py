"""Attach a file, profile it, keep only published results; bad input keeps nothing."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalogue.profiling.suppression import assert_no_small_cells
from catalogue.quality.models import ProfilingRun, VariableResult
from catalogue.quality.selectors import database_rollup
from catalogue.quality.services import (
    curator_rule_set,
    data_file_attach,
    profiling_run_inline,
)
from portal.messages import message_text

from .factories import HEADER, ir_ben_r, ir_ben_r_rows, write_data


def test_a_profiled_table_stores_its_published_profile(profiled):
    run = profiled
    assert run.is_published and run.grade in "ABCDE"
    assert run.result["rows_count"] == 200
    assert run.result["primary_key"]["duplicate_count"] == "< 10"
    assert_no_small_cells(run.result)
    names = list(run.variable_results.values_list("name", flat=True))
    assert names == ["BEN_NIR_PSA", "BEN_RNG_GEM", "BEN_NAI_ANN", "BEN_SEX_COD", "BEN_RES_DPT"]
    dpt = run.variable_results.get(name="BEN_RES_DPT")
    assert dpt.data["missing_count"] == "< 10"
    assert "02A" not in [v["value"] for v in dpt.data["top_values"]]  # rare value grouped
    assert dpt.variable is not None and dpt.completeness_pct >= 95
    for result in VariableResult.objects.all():
        assert_no_small_cells(result.data)


def test_the_job_result_holds_no_small_count(profiled):
    assert profiled.job.result["grade"] == profiled.grade
    assert_no_small_cells(profiled.job.result)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (f"{HEADER}\n" + "\n".join(ir_ben_r_rows(20)), None),  # sanity: this one works
        (
            f"{HEADER.replace(';', '#')}\n"
            + "\n".join(r.replace(";", "#") for r in ir_ben_r_rows(20)),
            "séparateur",
        ),
        # a column subset profiles now (tests/catalogue/quality/test_extracts.py); a file
        # with none of the declared columns is still refused, naming what it read
        ("FOO;BAR\n1;1\n2;1\n", "FOO"),
    ],
)
def test_bad_input_fails_the_job_with_what_to_fix_and_keeps_nothing(
    table, cast, content, expected, settings
):
    path = settings.DATA_ROOT / "bad.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    data_file = data_file_attach(table=table, by=cast.data, path="bad.csv")
    run = profiling_run_inline(data_file=data_file, by=cast.data)
    if expected is None:
        assert run.job.status == "succeeded"
        return
    assert run.job.status == "failed" and run.job.error.startswith("profiling.error:separator|")
    assert expected in message_text(run.job.error), run.job.error
    assert not run.is_published and run.result is None
    assert not VariableResult.objects.filter(run=run).exists()


def test_a_failed_runs_error_reads_in_the_language_of_the_page(table, cast, client, settings):
    path = settings.DATA_ROOT / "bad.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("FOO;BAR\n1;1\n")  # none of the declared columns
    run = profiling_run_inline(
        data_file=data_file_attach(table=table, by=cast.data, path="bad.csv"), by=cast.data
    )
    assert run.job.status == "failed" and "séparateur" not in run.job.error  # a code, no words
    client.force_login(cast.data)
    url = f"/catalogue/qualite/profilages/{run.pk}/"

    english = html.unescape(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    french = html.unescape(client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    api = client.get(f"/api/jobs/{run.job.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()

    assert "No declared column is recognised in “bad.csv” (header read: FOO, BAR)" in english
    assert "séparateur" not in english and "Aucune colonne" not in english
    assert "Aucune colonne déclarée n'est reconnue dans « bad.csv »" in french
    assert api["error"].startswith("No declared column is recognised")


def test_a_data_file_gone_from_the_server_is_named_in_the_language_of_the_page(table, cast, client):
    write_data()
    data_file = data_file_attach(table=table, by=cast.data, path="IR_BEN_R.csv")
    data_file.absolute_path.unlink()
    run = profiling_run_inline(data_file=data_file, by=cast.data)
    assert run.job.status == "failed" and run.job.error.startswith("quality.data_file_gone|")
    client.force_login(cast.data)
    url = f"/catalogue/qualite/profilages/{run.pk}/"
    english = html.unescape(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "The file “IR_BEN_R.csv” is no longer on the server" in english


def test_a_latin1_comma_file_profiles(table, cast):
    write_data(
        "latin.csv",
        [*ir_ben_r_rows(), "00000000000009999;1;1950;1;Évr"],
        sep=",",
        encoding="latin-1",
    )
    run = profiling_run_inline(
        data_file=data_file_attach(table=table, by=cast.data, path="latin.csv"), by=cast.data
    )
    assert run.job.status == "succeeded", run.job.error
    assert run.result["source"]["encoding"] == "latin-1"


def test_a_renamed_binary_is_refused(table, cast):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    with pytest.raises(Exception) as info:
        data_file_attach(table=table, by=cast.data, upload=SimpleUploadedFile("IR_BEN_R.csv", png))
    assert "image/png" in str(info.value)
    junk = bytes(range(256)) * 10
    with pytest.raises(Exception, match="binaire"):
        data_file_attach(table=table, by=cast.data, upload=SimpleUploadedFile("x.csv", junk))


def test_an_upload_over_the_size_limit_is_refused(table, cast, settings):
    settings.PROFILING_UPLOAD_MAX_BYTES = 100
    with pytest.raises(Exception, match="limite"):
        data_file_attach(
            table=table, by=cast.data, upload=SimpleUploadedFile("a.csv", b"A;B\n" + b"1;2\n" * 50)
        )


def test_a_parquet_upload_is_kept_privately_and_profiles(table, cast, settings, tmp_path):
    import pandas as pd

    source = tmp_path / "x.parquet"
    rows = [line.split(";") for line in ir_ben_r_rows(50)]
    pd.DataFrame(rows, columns=HEADER.split(";")).to_parquet(source)
    upload = SimpleUploadedFile("export.bin", source.read_bytes())
    data_file = data_file_attach(table=table, by=cast.data, upload=upload)
    assert data_file.format == "parquet"
    assert data_file.absolute_path.is_relative_to(settings.PRIVATE_ROOT)
    run = profiling_run_inline(data_file=data_file, by=cast.data)
    assert run.job.status == "succeeded", run.job.error


def test_a_path_outside_the_data_root_is_refused(table, cast, settings, tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_text("A;B\n1;2\n")
    for path in (str(outside), "../secret.csv"):
        with pytest.raises(Exception, match="sort de la racine"):
            data_file_attach(table=table, by=cast.data, path=path)


def test_every_run_is_kept_and_the_history_follows_them(profiled, table, cast):
    write_data("v2.csv", ir_ben_r_rows(200, missing_dpt=40, seed=2))
    second = profiling_run_inline(
        data_file=data_file_attach(table=table, by=cast.data, path="v2.csv"), by=cast.data
    )
    assert second.job.status == "succeeded"
    variable = table.variables.get(name="BEN_RES_DPT")
    history = list(variable.quality_results.order_by("run__published_at"))
    assert [h.run_id for h in history] == [profiled.pk, second.pk]
    assert history[1].completeness_pct < history[0].completeness_pct
    assert ProfilingRun.objects.filter(table=table).count() == 2


def test_curator_rules_are_checked_at_the_next_run(table, cast):
    variable = table.variables.get(name="BEN_NAI_ANN")
    curator_rule_set(variable=variable, by=cast.data, minimum="1990", maximum="2030")
    write_data()
    run = profiling_run_inline(
        data_file=data_file_attach(table=table, by=cast.data, path="IR_BEN_R.csv"), by=cast.data
    )
    rules = run.variable_results.get(name="BEN_NAI_ANN").data["plausibility"]["rules"]
    assert any(
        r["rule"].startswith("curator") and r["failed_count"] not in (0, None) for r in rules
    )


def test_orphans_are_counted_against_the_profiled_referenced_table(profiled, cast):
    from catalogue.models import JoinKey, Variable

    child = ir_ben_r(name="ER_PRS_F")
    Variable.objects.filter(table=child).exclude(name__in=["BEN_NIR_PSA", "BEN_RNG_GEM"]).delete()
    child.primary_key = []
    child.save()
    JoinKey.objects.create(
        from_table=child,
        from_columns=["BEN_NIR_PSA", "BEN_RNG_GEM"],
        to_table=profiled.table,
        to_table_name="IR_BEN_R",
        to_columns=["BEN_NIR_PSA", "BEN_RNG_GEM"],
    )
    lines = [f"{i:017d};1" for i in range(100)] + [f"{900000 + i:017d};1" for i in range(12)]
    write_data("ER_PRS_F.csv", lines, header="BEN_NIR_PSA;BEN_RNG_GEM")
    run = profiling_run_inline(
        data_file=data_file_attach(table=child, by=cast.data, path="ER_PRS_F.csv"), by=cast.data
    )
    assert run.job.status == "succeeded", run.job.error
    (fk,) = run.result["foreign_keys"]
    assert fk["referenced_table"] == "IR_BEN_R" and fk["orphan_count"] == 12


def test_the_database_rolls_up_the_latest_run_of_each_table(profiled, cast):
    other = ir_ben_r(name="IR_BEN_R_COPY")
    write_data("copy.csv")
    run = profiling_run_inline(
        data_file=data_file_attach(table=other, by=cast.data, path="copy.csv"), by=cast.data
    )
    rollup = database_rollup(profiled.table.database)
    assert {r.pk for r in rollup["runs"]} == {profiled.pk, run.pk}
    assert rollup["scores"].grade is not None
    expected = round((profiled.completeness + run.completeness) / 2, 2)
    assert rollup["scores"].completeness == pytest.approx(expected, abs=0.1)


def test_a_retried_profiling_job_profiles_the_same_file_again(profiled, cast):
    from portal.jobs import job_retry, job_run_inline
    from portal.models import Job

    Job.objects.filter(pk=profiled.job_id).update(status=Job.Status.FAILED)
    profiled.job.refresh_from_db()

    new_job = job_run_inline(job=job_retry(job=profiled.job, by=cast.data))

    assert new_job.status == "succeeded", new_job.error
    rerun = ProfilingRun.objects.get(job=new_job)
    assert rerun.pk != profiled.pk and rerun.data_file_id == profiled.data_file_id
