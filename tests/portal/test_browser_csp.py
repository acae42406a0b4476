"""In Chromium, under the real Content-Security-Policy: pages work, nothing is blocked and
nothing is fetched from another origin (scripts added at run time included)."""

from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By

from tests.conftest import browser_login, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/",
    "/catalogue/",
    "/publications/",
    "/dossiers/repertoire/",
    "/etat/",
    "/comptes/login/",
    "/api/docs/",
]
STAFF_PAGES = ["/", "/jobs/", "/omop/", "/comptes/2fa/", "/comptes/jetons/", "/admin/"]


def _problems(browser, live_server):
    """CSP violations in the console, and resources fetched from another origin."""
    own = urlsplit(live_server.url).netloc
    violations = [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]
    ]
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    foreign = [url for url in resources if urlsplit(url).netloc not in ("", own)]
    return violations + foreign


def _visit(browser, live_server, pages):
    problems = {}
    for path in pages:
        browser.get(f"{live_server.url}{path}")
        browser.find_element(By.TAG_NAME, "footer" if path != "/api/docs/" else "body")
        found = _problems(browser, live_server)
        if found:
            problems[path] = found
    return problems


def test_public_pages_run_under_the_csp_with_nothing_from_elsewhere(browser, live_server):
    assert _visit(browser, live_server, PUBLIC_PAGES) == {}


def test_swagger_ui_draws_the_api_under_the_csp(browser, live_server):
    browser.get(f"{live_server.url}/api/docs/")
    wait_for(
        lambda: browser.find_elements(By.CSS_SELECTOR, ".swagger-ui .opblock"),
        timeout=20,
        message="Swagger UI did not draw the operations",
    )
    assert _problems(browser, live_server) == []


def test_staff_pages_run_under_the_csp_with_nothing_from_elsewhere(browser, live_server, cast):
    browser_login(browser, live_server, "admin", cast.password)
    assert _visit(browser, live_server, STAFF_PAGES) == {}
