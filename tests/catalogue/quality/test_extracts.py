"""A real extract (a column subset with a column the catalogue does not declare) profiles;
its grade explains itself; rules that make no sense are refused when saved."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from catalogue.models import Variable
from catalogue.quality.models import CuratorRule
from catalogue.quality.services import curator_rule_set, data_file_attach, profiling_run_inline
from tests.pages import api_in, page_in

from .factories import write_data


def test_an_extract_without_some_columns_and_with_an_extra_one_is_profiled(table, cast, client):
    table.database.coverage_end = 2015
    table.database.save()
    Variable.objects.create(table=table, position=9, name="BEN_DCD_DTE", type="date")
    lines = [
        f"{i:017d};1;1950;{'2014-05-01' if i % 20 == 0 else ''};{'x' if i % 2 else ''}"
        for i in range(200)
    ]
    write_data(lines=lines, header="BEN_NIR_PSA;BEN_RNG_GEM;BEN_NAI_ANN;BEN_DCD_DTE;MA_COLONNE")
    data_file = data_file_attach(table=table, by=cast.data, path="IR_BEN_R.csv")
    run = profiling_run_inline(data_file=data_file, by=cast.data)
    assert run.job.status == "succeeded", run.job.error
    assert run.result["absent_columns"] == ["BEN_SEX_COD", "BEN_RES_DPT"]
    assert run.result["undeclared_columns"] == ["MA_COLONNE"]
    assert run.result["reference_date"] == "2015-12-31"
    death = run.variable_results.get(name="BEN_DCD_DTE")
    assert death.completeness_pct == 5.0 and death.grade == "A"  # empty by design
    assert run.grade == "A"
    page = client.get(table.get_absolute_url()).content.decode()
    assert "BEN_SEX_COD, BEN_RES_DPT" in page  # the absent columns, said
    assert 'data-testid="undeclared"' in page  # the extra column, flagged
    assert "date de décès : vide pour les personnes en vie" in page
    assert "31 décembre 2015" in page  # the date ages are computed at, shown


def test_the_job_log_names_the_absent_and_undeclared_columns_in_the_language_of_the_page(
    table, cast, client
):
    lines = [f"{i:017d};1;1950;x" for i in range(50)]
    write_data(lines=lines, header="BEN_NIR_PSA;BEN_RNG_GEM;BEN_NAI_ANN;MA_COLONNE")
    data_file = data_file_attach(table=table, by=cast.data, path="IR_BEN_R.csv")
    run = profiling_run_inline(data_file=data_file, by=cast.data)
    assert run.job.status == "succeeded", run.job.error
    assert "Colonnes" not in run.job.log  # codes: the page words them
    client.force_login(cast.data)
    url = f"/jobs/{run.job.pk}/"

    english = page_in(client, "en", url)
    api = api_in(client, "en", f"/api/jobs/{run.job.pk}/")
    french = page_in(client, "fr", url)

    assert (
        "Declared columns absent from the file (partial extract): BEN_SEX_COD, BEN_RES_DPT"
        in english
    )
    assert "Undeclared columns, profiled and flagged: MA_COLONNE" in english
    assert "Colonnes" not in english
    assert "Undeclared columns, profiled and flagged: MA_COLONNE" in api["log"]
    assert "Colonnes non déclarées, profilées et signalées : MA_COLONNE" in french


def test_a_curator_expected_rate_changes_the_grade_and_the_page_says_why(table, cast, client):
    curator_rule_set(
        variable=table.variables.get(name="BEN_RES_DPT"), by=cast.data, expected_completeness="50"
    )
    lines = [f"{i:017d};1;1950;1;{'075' if i % 2 else ''}" for i in range(200)]
    write_data(lines=lines)
    run = profiling_run_inline(
        data_file=data_file_attach(table=table, by=cast.data, path="IR_BEN_R.csv"), by=cast.data
    )
    dpt = run.variable_results.get(name="BEN_RES_DPT")
    assert dpt.data["expected_completeness"] == 50.0
    assert dpt.data["completeness_score"] == 100.0  # 50 % observed, 50 % expected
    page = client.get(table.get_absolute_url()).content.decode()
    assert "fixée par les curateurs" in page


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"maximum": "inf"}, "finie"),
        ({"minimum": "-Infinity"}, "finie"),
        ({"minimum": "nan"}, "finie"),
        ({"minimum": "10", "maximum": "2"}, "dépasse"),
        ({"expected_completeness": "120"}, "entre 0 et 100"),
        ({"expected_completeness": "-1"}, "entre 0 et 100"),
        ({"expected_completeness": "inf"}, "entre 0 et 100"),
    ],
)
def test_a_rule_that_makes_no_sense_is_refused(table, cast, kwargs, message):
    variable = table.variables.get(name="BEN_NAI_ANN")
    with pytest.raises(ValidationError, match=message):
        curator_rule_set(variable=variable, by=cast.data, **kwargs)
    assert not CuratorRule.objects.filter(variable=variable).exists()


def test_dates_bounds_out_of_order_are_refused(table, cast):
    variable = Variable.objects.create(table=table, name="EXE_SOI_DTD", type="date", position=8)
    with pytest.raises(ValidationError, match="dépasse"):
        curator_rule_set(
            variable=variable, by=cast.data, minimum="2020-01-01", maximum="2019-01-01"
        )


def test_the_rules_page_and_the_admin_refuse_an_infinite_maximum(table, cast, client):
    variable = table.variables.get(name="BEN_NAI_ANN")
    client.force_login(cast.data)
    url = f"/catalogue/qualite/regles/SNDS/{table.name}/{variable.name}/"
    response = client.post(url, {"maximum": "inf"})
    assert response.status_code == 200 and "finie" in response.content.decode()
    client.force_login(cast.admin)
    response = client.post(
        "/admin/quality/curatorrule/add/",
        {"variable": variable.pk, "minimum": "5", "maximum": "1", "allowed": "[]"},
    )
    assert response.status_code == 200 and "dépasse" in response.content.decode()
    assert not CuratorRule.objects.exists()
    client.force_login(cast.data)
    response = client.post(
        url, {"minimum": "1900", "maximum": "2020", "expected_completeness": "90"}
    )
    assert response.status_code == 302
    assert CuratorRule.objects.get().expected_completeness == 90


def test_a_file_reference_date_overrides_the_coverage(table, cast):
    write_data(lines=[f"{i:017d};1;1950;1;075" for i in range(40)])
    data_file = data_file_attach(
        table=table, by=cast.data, path="IR_BEN_R.csv", reference_date=dt.date(2000, 6, 30)
    )
    run = profiling_run_inline(data_file=data_file, by=cast.data)
    assert run.result["reference_date"] == "2000-06-30"
    assert [b["label"] for b in run.result["pyramid"]["bands"] if b["male_count"]] == ["50-54"]
