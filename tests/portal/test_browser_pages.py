"""In Chromium: axe-core finds no serious or critical violation on the main pages, a chart page
speaks one language, the 404 page offers a way back, and no page loads a script from elsewhere.

axe-core comes from the npm registry through package.json / package-lock.json (`npm ci`, run
by .ci/run) into node_modules/, and is injected into the page by Selenium: nothing is fetched
at run time.
"""

import json
import os
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client
from selenium.webdriver.common.by import By

from tests.conftest import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


class _Out:
    def write(self, _text):
        pass


AXE_REPORT = os.environ.get("HDH_AXE_REPORT", "")  # a JSON file: every violation, any impact
_report: dict[str, list[dict]] = {}


def _axe_serious(browser) -> list[dict]:
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `npm ci` (.ci/run does)")
    browser.execute_script(AXE.read_text())
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',"
        " 'wcag21aa', 'best-practice']}}).then((r) => done(r.violations.map((v) => ({id: v.id,"
        " impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}))))"
        ".catch((e) => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));"
    )
    if AXE_REPORT:
        _report[browser.current_url] = result
        Path(AXE_REPORT).write_text(json.dumps(_report, indent=1, ensure_ascii=False))
    return [v for v in result if v["impact"] in ("serious", "critical")]


def _login(browser, live_server, user):
    """The browser gets the session of ``user`` without typing a password."""
    client = Client()
    client.force_login(user)
    browser.get(f"{live_server.url}/pages/plan-du-site/")
    browser.add_cookie(
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "path": "/",
        }
    )


def _foreign_scripts(browser, live_server) -> list[str]:
    here = urlparse(live_server.url).netloc
    sources = browser.execute_script(
        "return Array.from(document.scripts).map((s) => s.src).filter(Boolean)"
        ".concat(performance.getEntriesByType('resource').map((e) => e.name))"
    )
    return [s for s in sources if urlparse(s).netloc not in (here, "")]


def _wait_charts(browser, count=1):
    wait_for(
        lambda: (
            browser.execute_script(
                "return document.querySelectorAll('[data-drawn] .main-svg, [data-testid=chart-empty]').length"
            )
            >= count
        ),
        timeout=30,
        message="the charts were not drawn",
    )


@pytest.fixture
def demo(live_cast):
    from access_requests.demo import seed as seed_dossiers
    from bibliometrics.demo import seed as seed_publications
    from catalogue.demo import seed as seed_catalogue

    users = {
        u: live_cast[u]
        for u in ("alice", "bob", "charlie", "data", "guichet", "cesrees", "projets", "admin")
    }
    seed_catalogue(users=users, stdout=_Out())
    seed_publications(users=users, stdout=_Out())
    seed_dossiers(users=users, stdout=_Out())
    return live_cast


@pytest.fixture
def live_cast(transactional_db):
    from django.contrib.auth.models import Group

    from portal.roles import sync_role_groups
    from tests.conftest import make_cast

    sync_role_groups(Group)
    return make_cast()


def test_the_main_pages_have_no_serious_accessibility_violation(browser, live_server, demo):
    from access_requests.models import Dossier
    from catalogue.models import JoinKey

    joined = JoinKey.objects.filter(to_table__isnull=False).select_related("from_table__database")
    public = [
        joined.first().from_table.get_absolute_url(),  # variable filter, side menu, join graph
        "/",
        "/catalogue/",
        "/catalogue/recherche/?q=date+hospitalisation",
        "/catalogue/b/SNDS/",
        "/publications/",
        "/dossiers/repertoire/",
        "/pages/accessibilite/",
        "/pages/plan-du-site/",
        "/pages/parametres-affichage/",
        "/pages/cookies/",
        "/nowhere/",
    ]
    found = {}
    for path in public:
        browser.get(live_server.url + path)
        if path == "/publications/":
            _wait_charts(browser, 5)
        elif path == public[0]:
            _wait_charts(browser, 1)
            assert browser.find_element(By.CSS_SELECTOR, "[data-testid=join-graph-legend]")
        found[path] = _axe_serious(browser)
        assert not _foreign_scripts(browser, live_server), path
    # a form with errors: the login form with a wrong password
    browser.get(live_server.url + "/comptes/login/")
    browser.find_element(By.NAME, "username").send_keys("alice")
    browser.find_element(By.NAME, "password").send_keys("wrong")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_for(
        lambda: (
            "fr-input-group--error" in browser.page_source
            or "fr-alert--error" in browser.page_source
        ),
        timeout=15,
    )
    found["login with errors"] = _axe_serious(browser)
    # a dossier, as its project leader, and the guichet's dashboard
    dossier = (
        Dossier.objects.filter(owner=demo.alice).first()
        if hasattr(Dossier, "owner")
        else Dossier.objects.first()
    )
    _login(browser, live_server, demo.alice)
    browser.get(live_server.url + dossier.get_absolute_url())
    found["dossier"] = _axe_serious(browser)
    _login(browser, live_server, demo.guichet)
    browser.get(live_server.url + "/dossiers/tableau-de-bord/")
    found["guichet dashboard"] = _axe_serious(browser)
    _login(browser, live_server, demo.data)
    browser.get(live_server.url + "/omop/")
    found["omop"] = _axe_serious(browser)
    problems = {page: v for page, v in found.items() if v}
    assert not problems, problems


@pytest.mark.parametrize(
    ("language", "mine", "theirs"),
    [
        (
            "fr",
            ["Publications par an", "Carte des affiliations"],
            ["Download plot", "Publications per year", "Autoscale"],
        ),
        (
            "en",
            ["Publications per year", "Affiliation map"],
            ["Télécharger", "Publications par an", "Carte des affiliations"],
        ),
    ],
)
def test_the_dashboard_speaks_one_language(browser, live_server, language, mine, theirs):
    from bibliometrics import demo as bibliometrics_demo

    bibliometrics_demo.seed(users={}, stdout=_Out())
    browser.get(f"{live_server.url}/pages/plan-du-site/")
    browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "path": "/"})
    browser.get(f"{live_server.url}/publications/")
    _wait_charts(browser, 5)
    # hovering shows the toolbar: its titles are in the page's language too
    chart = browser.find_element(By.ID, "chart-production")
    from selenium.webdriver import ActionChains

    ActionChains(browser).move_to_element(chart).perform()
    text = browser.execute_script(
        "return document.body.innerText + ' ' + Array.from(document.querySelectorAll('[data-title], [title], [aria-label]'))"
        ".map((e) => (e.getAttribute('data-title') || '') + ' ' + (e.getAttribute('title') || '') + ' ' + (e.getAttribute('aria-label') || '')).join(' ')"
    )
    for word in mine:
        assert word in text, word
    for word in theirs:
        assert word not in text, word
    titles = browser.execute_script(
        "return Array.from(document.querySelectorAll('#chart-production .modebar-btn')).map((b) => b.getAttribute('data-title'))"
    )
    assert len(titles) <= 2 and not any(
        "Share" in (t or "") or "Partager" in (t or "") for t in titles
    ), titles
    assert not _foreign_scripts(browser, live_server)


def test_the_404_page_offers_a_way_home_and_the_footer_links_resolve(browser, live_server):
    browser.get(f"{live_server.url}/catalogue/b/NOPE/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Page non trouvée"
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "footer a")]
    assert len(links) >= 7
    home = browser.find_element(By.CSS_SELECTOR, "[data-testid=error-home]")
    home.click()
    wait_for(lambda: urlparse(browser.current_url).path == "/", timeout=15)
    client = Client()
    for href in links:
        path = urlparse(href)
        if path.netloc != urlparse(live_server.url).netloc:
            continue
        assert client.get(path.path).status_code in (200, 503), href  # healthz may say 503
