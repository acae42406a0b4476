"""In Chromium: every quality chart comes with its data as a table (its text alternative),
showing what the chart shows (its displayed texts, so a suppressed count stays "< 10")."""

import pytest
from selenium.webdriver.common.by import By

from catalogue.quality.services import data_file_attach, profiling_run_inline
from tests.catalogue.quality.factories import ir_ben_r, write_data
from tests.conftest import make_cast, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_quality_chart_has_its_data_table(browser, live_server):
    from django.contrib.auth.models import Group

    from portal.roles import sync_role_groups

    sync_role_groups(Group)
    cast = make_cast()
    write_data()
    table = ir_ben_r()
    data_file = data_file_attach(table=table, by=cast.data, path="IR_BEN_R.csv")
    run = profiling_run_inline(data_file=data_file, by=cast.data)
    assert run.job.status == "succeeded", run.job.error
    browser.get(f"{live_server.url}/catalogue/qualite/b/{table.database.acronym}/{table.name}/")
    charts = browser.find_elements(By.CSS_SELECTOR, "[data-hdh-figure]")
    assert charts
    wait_for(
        lambda: (
            len(browser.find_elements(By.CSS_SELECTOR, "details.hdh-chart-data")) == len(charts)
        ),
        timeout=30,
        message="a chart has no data table",
    )
    tables = browser.find_elements(By.CSS_SELECTOR, "details.hdh-chart-data table")
    assert all(t.find_elements(By.CSS_SELECTOR, "tbody tr") for t in tables)
    browser.execute_script(
        "document.querySelectorAll('details.hdh-chart-data').forEach((d) => d.open = true)"
    )
    text = " ".join(t.text for t in tables)
    assert "Données du graphique" in browser.page_source
    assert "Masculin 108" in text and "Féminin 92" in text  # the sex split, as drawn
