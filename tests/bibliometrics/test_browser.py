"""The dashboard draws its Plotly charts offline and a click on a bar lists its publications."""

import pytest
from selenium.webdriver.common.by import By

from tests.conftest import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class _Out:
    def write(self, _text):
        pass


def test_charts_render_and_a_click_opens_the_publications(browser, live_server):
    from bibliometrics import demo

    demo.seed(users={}, stdout=_Out())
    browser.get(f"{live_server.url}/publications/")
    wait_for(
        lambda: (
            browser.execute_script(
                "return document.querySelectorAll('.hdh-chart .main-svg').length"
            )
            >= 9
        ),
        timeout=30,
        message="the charts were not drawn",
    )
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
    # the map's country layer comes from the topojson shipped in the app
    wait_for(
        lambda: (
            browser.execute_script(
                "return document.querySelectorAll('#chart-map .choroplethlocation').length"
            )
            > 0
        ),
        timeout=30,
        message="the map has no country",
    )
    # a long journal name is cut on the axis (no second layout pass) and whole on hover
    ticks = browser.execute_script(
        "return [...document.querySelectorAll('#chart-journals .ytick text')]"
        ".map((t) => t.textContent)"
    )
    journals = browser.execute_script("return document.getElementById('chart-journals').data[0].y")
    long_name = "Revue d'Épidémiologie et de Santé Publique"
    assert long_name in journals and long_name not in ticks
    assert "Revue d'Épidémiologie et de Santé Pub…" in ticks
    assert all(len(t) <= 38 for t in ticks) and "PLOS ONE" in ticks
    # a click on the first bar of "publications per year" opens that year's list
    browser.execute_script(
        "const gd = document.getElementById('chart-production');"
        "gd.emit('plotly_click', {points: [{x: gd.data[0].x[0], y: gd.data[0].y[0]}]});"
    )
    wait_for(lambda: "/publications/liste/" in browser.current_url, timeout=15)
    assert "year=2015" in browser.current_url
    count = browser.find_element(By.CSS_SELECTOR, "[data-testid=result-count]").text
    assert count.startswith("2 publication")
