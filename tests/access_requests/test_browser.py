"""In a real browser: alice submits, the guichet asks for complements, alice answers."""

import pytest
from django.contrib.auth.models import Group
from selenium.webdriver.common.by import By

from access_requests.models import Dossier, Status
from portal.roles import sync_role_groups
from tests.access_requests.factories import make_draft
from tests.conftest import PASSWORD, browser_login, click_and_wait_for_next_page, make_cast


@pytest.fixture
def live_cast(transactional_db):
    # A transactional test flushes the tables, the role groups of the data migration too.
    sync_role_groups(Group)
    return make_cast()


def _login(browser, live_server, username, next_url):
    browser_login(browser, live_server, username, PASSWORD, next_url)
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=dossier-title]")


def _act(browser, action, **fields):
    action_link = browser.find_element(By.CSS_SELECTOR, f"a[data-action={action}]")
    click_and_wait_for_next_page(browser, action_link)
    for name, value in fields.items():
        browser.find_element(By.NAME, name).send_keys(value)
    click_and_wait_for_next_page(
        browser, browser.find_element(By.CSS_SELECTOR, "[data-testid=submit]")
    )
    badge = browser.find_element(
        By.CSS_SELECTOR, "[data-testid=dossier-title] ~ p [data-testid=status]"
    )
    return badge.get_attribute("textContent").strip()  # the badge is upper-cased by CSS


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_alice_submits_the_guichet_asks_for_complements_alice_answers(
    browser, live_server, live_cast, mailoutbox
):
    dossier = make_draft(live_cast.alice, title="Parcours de soins après AVC")
    url = dossier.get_absolute_url()

    _login(browser, live_server, "alice", url)
    assert _act(browser, "submit", comment="Merci de votre examen.") == "Déposé"

    _login(browser, live_server, "guichet", url)
    assert _act(browser, "start_check") == "Vérification de complétude"
    status = _act(browser, "request_complements", items="Protocole signé\nCV du porteur")
    assert status == "Compléments demandés"

    _login(browser, live_server, "alice", url)
    asked = browser.find_element(By.CSS_SELECTOR, "[data-testid=complements]").text
    assert "Protocole signé" in asked and "CV du porteur" in asked
    status = _act(browser, "answer_complements", answer="Protocole signé ajouté, CV joint.")
    assert status == "Vérification de complétude"
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid=complements]")

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == Status.COMPLETENESS_CHECK
    assert dossier.complements.get().answer == "Protocole signé ajouté, CV joint."
    assert [h.transition for h in dossier.history.all()] == [
        "submit",
        "start_check",
        "request_complements",
        "answer_complements",
    ]
    # each step e-mailed the other side
    assert len(mailoutbox) == 4
