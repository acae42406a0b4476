"""Small-cell suppression on every public page and endpoint that shows statistics."""

import json

import pytest

from catalogue.profiling.suppression import assert_no_small_cells
from catalogue.quality.services import data_file_attach, profiling_run_inline
from portal.roles import Capability

from .factories import RARE_DPT, write_data

MARKER = "&lt; 10"


def _pages(run):
    table = run.table
    return [
        f"/catalogue/qualite/b/{table.database.acronym}/",
        f"/catalogue/qualite/b/{table.database.acronym}/{table.name}/",
        f"/catalogue/qualite/b/{table.database.acronym}/{table.name}/BEN_RES_DPT/",
    ]


def test_public_pages_show_small_counts_as_below_ten(client, profiled):
    database_page, table_page, variable_page = (client.get(u) for u in _pages(profiled))
    for page in (database_page, table_page, variable_page):
        assert page.status_code == 200
    assert "Note " + profiled.grade in table_page.content.decode()
    table_html = table_page.content.decode()
    assert MARKER in table_html  # 3 duplicate keys, 3 missing départements
    variable_html = variable_page.content.decode()
    assert MARKER in variable_html  # 3 missing values
    assert f"<td>{RARE_DPT}</td>" not in variable_html  # a rare value is grouped
    assert "data-hdh-figure" in variable_html and "plotly-hdh-basic.min.js" in variable_html
    assert "pyramide" in table_html  # birth year × sex → pyramid chart
    # chart data embedded in the pages is published data too
    for html in (table_html, variable_html):
        for chunk in html.split('type="application/json">')[1:]:
            figure = json.loads(chunk.split("</script>")[0])
            if not isinstance(figure, dict) or "data" not in figure:
                continue  # the site's chart palette, not a figure
            for trace in figure["data"]:
                for value in trace.get("x", []) + trace.get("y", []):
                    if isinstance(value, int):
                        assert value == 0 or abs(value) >= 10


@pytest.mark.parametrize("actor", ["anonymous", "data"])
def test_every_public_endpoint_publishes_no_small_cell(client, cast, profiled, actor):
    if actor != "anonymous":
        client.force_login(cast[actor])
    table, variable = profiled.table, profiled.table.variables.get(name="BEN_RES_DPT")
    urls = {
        "/api/catalogue/quality/runs/": True,
        f"/api/catalogue/quality/runs/{profiled.pk}/": False,
        "/api/catalogue/quality/tables/": True,
        f"/api/catalogue/quality/tables/{table.pk}/": False,
        f"/api/catalogue/quality/variables/{variable.pk}/": False,
        "/api/catalogue/quality/databases/": True,
        f"/api/catalogue/quality/databases/{table.database.acronym}/": False,
    }
    for url, paginated in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.json()
        assert_no_small_cells(body["results"] if paginated else body)
    detail = client.get(f"/api/catalogue/quality/runs/{profiled.pk}/").json()
    assert detail["profile"]["primary_key"]["duplicate_count"] == "< 10"
    stats = client.get(f"/api/catalogue/quality/variables/{variable.pk}/").json()
    assert stats["latest"]["missing_count"] == "< 10"
    assert len(stats["history"]) == 1


def test_a_failed_run_is_invisible_to_the_public_and_explained_to_the_data_team(
    client, cast, table, settings
):
    path = settings.DATA_ROOT / "bad.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("NIR;RANG\n1;1\n")  # none of the declared columns
    run = profiling_run_inline(
        data_file=data_file_attach(table=table, by=cast.data, path="bad.csv"), by=cast.data
    )
    assert client.get(f"/api/catalogue/quality/runs/{run.pk}/").status_code == 404
    client.force_login(cast.data)
    body = client.get(f"/api/catalogue/quality/runs/{run.pk}/").json()
    assert body["status"] == "failed" and body["profile"] is None
    page = client.get(f"/catalogue/qualite/profilages/{run.pk}/").content.decode()
    assert "NIR, RANG" in page  # what was read is named


def test_the_data_team_attaches_and_starts_from_the_page_and_the_api(
    client, cast, table, django_capture_on_commit_callbacks
):
    from catalogue.quality.models import ProfilingRun

    write_data()
    client.force_login(cast.data)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            f"/catalogue/qualite/profiler/{table.database.acronym}/{table.name}/",
            {"path": "IR_BEN_R.csv"},
        )
    run = ProfilingRun.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/catalogue/qualite/profilages/{run.pk}/"
    )
    assert run.job.status == "queued" and run.job.capability == Capability.PROFILING_RUN
    with django_capture_on_commit_callbacks(execute=False):
        created = client.post(
            "/api/catalogue/quality/runs/",
            {"data_file": run.data_file.pk},
            content_type="application/json",
        )
    assert created.status_code == 201 and created.json()["status"] == "queued"
    refused = client.post(
        "/api/catalogue/quality/files/", {"table": table.pk, "path": "../../etc/passwd"}
    )
    assert refused.status_code == 400 and "sort de la racine" in json.dumps(
        refused.json(), ensure_ascii=False
    )
    client.force_login(cast.alice)
    assert (
        client.post("/api/catalogue/quality/runs/", {"data_file": run.data_file.pk}).status_code
        == 403
    )


def test_rules_form_saves_the_curator_rules(client, cast, table):
    client.force_login(cast.data)
    url = f"/catalogue/qualite/regles/{table.database.acronym}/{table.name}/BEN_RES_DPT/"
    response = client.post(url, {"pattern": "[0-9]{3}", "allowed": "075\n013"})
    assert response.status_code == 302
    rule = table.variables.get(name="BEN_RES_DPT").curator_rule
    assert rule.pattern == "[0-9]{3}" and rule.allowed == ["013", "075"]
    bad = client.post(url, {"pattern": "[0-9"})
    assert bad.status_code == 200 and "Motif invalide" in bad.content.decode()


def test_the_data_team_home_card_counts_tables_never_profiled(cast, table):
    from catalogue.quality.home import cards

    assert cards(cast.alice) == []
    (card,) = cards(cast.data)
    assert card.items[0].count == 1


def test_profile_table_command_prints_the_publishable_profile(profiled, capsys):
    from django.core.management import call_command

    path = profiled.data_file.absolute_path
    call_command("profile_table", "SNDS", "IR_BEN_R", str(path), "--json")
    data = json.loads(capsys.readouterr().out)
    assert_no_small_cells(data)
    assert data["rows_count"] == 200


def test_the_catalogue_pages_show_the_published_quality(client, profiled):
    table = profiled.table
    variable = table.variables.get(name="BEN_RES_DPT")
    table_html = client.get(table.get_absolute_url()).content.decode()
    assert 'data-testid="table-quality"' in table_html and MARKER in table_html
    variable_html = client.get(variable.get_absolute_url()).content.decode()
    assert 'data-testid="variable-stats"' in variable_html and MARKER in variable_html
    assert f"<td>{RARE_DPT}</td>" not in variable_html
    database_html = client.get(table.database.get_absolute_url()).content.decode()
    assert (
        'data-testid="database-quality"' in database_html
        and "Note " + profiled.grade in database_html
    )
