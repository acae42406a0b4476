"""In a real browser: alice submits, the guichet asks for complements, alice answers; alice
walks from an empty dossier to submission; the guichet assigns two rapporteurs through to
the CESREES opinion."""

import pytest
from django.contrib.auth.models import Group
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from access_requests import services
from access_requests.models import Dossier, Status
from portal.roles import sync_role_groups
from tests.access_requests.factories import PDF, alice_dossier, make_draft, second_rapporteur
from tests.conftest import PASSWORD, browser_login, click_and_wait_for_next_page, make_cast


@pytest.fixture
def live_cast(transactional_db):
    # A transactional test flushes the tables, the role groups of the data migration too.
    sync_role_groups(Group)
    return make_cast()


def _next_page(browser, element):
    """Click, wait until the page is left, then until the next one has fully loaded (the
    DSFR script settles the page: an element found before that may be replaced)."""
    click_and_wait_for_next_page(browser, element)
    WebDriverWait(browser, 15).until(
        lambda b: b.execute_script("return document.readyState") == "complete"
    )


def _login(browser, live_server, username, next_url):
    browser_login(browser, live_server, username, PASSWORD, next_url)
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=current-user]")


def _act(browser, action, **fields):
    action_link = browser.find_element(By.CSS_SELECTOR, f"a[data-action={action}]")
    _next_page(browser, action_link)
    for name, value in fields.items():
        browser.find_element(By.NAME, name).send_keys(value)
    _next_page(browser, browser.find_element(By.CSS_SELECTOR, "[data-testid=submit]"))
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


def _fill(browser, **fields):
    for name, value in fields.items():
        element = browser.find_element(By.NAME, name)
        if element.get_attribute("type") == "date":
            # Chromium's date input takes the digits in the locale's order (fr: jj mm aaaa)
            browser.execute_script("arguments[0].value = arguments[1]", element, value)
        elif element.tag_name == "select":
            Select(element).select_by_value(value)
        else:
            element.clear()
            element.send_keys(value)


def _submit(browser):
    _next_page(browser, browser.find_element(By.CSS_SELECTOR, "[data-testid=submit]"))


def _checklist(browser) -> dict[str, str]:
    items = browser.find_elements(By.CSS_SELECTOR, "[data-testid=checklist] [data-item]")
    return {i.get_attribute("data-item"): i.get_attribute("data-done") for i in items}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_alice_walks_from_an_empty_dossier_to_submission(browser, live_server, live_cast, tmp_path):
    _login(browser, live_server, "alice", "/dossiers/")
    new = browser.find_element(By.LINK_TEXT, "Nouveau dossier")  # a labelled button
    _next_page(browser, new)

    # save as you go: the first change creates the draft
    title = browser.find_element(By.NAME, "title")
    title.send_keys("Parcours après AVC")
    title.send_keys(Keys.TAB)
    WebDriverWait(browser, 15).until(
        lambda b: (
            "enregistré" in b.find_element(By.CSS_SELECTOR, "[data-testid=autosave-status]").text
        )
    )
    draft = Dossier.objects.get()
    assert draft.title == "Parcours après AVC" and draft.status == Status.DRAFT

    # a study period that ends before it starts: the error summary links to the field
    _fill(
        browser,
        data_controller="AP-HP",
        public_summary="Étude des parcours.",
        objectives="Décrire les parcours.",
        public_interest="Mieux organiser les soins.",
        study_start="2024-12-31",
        study_end="2020-01-01",
        duration_months="24",
        interest_declarations="Aucun lien d'intérêts.",
    )
    _submit(browser)
    summary = browser.find_element(By.CSS_SELECTOR, "[data-testid=error-summary]")
    link = summary.find_element(By.CSS_SELECTOR, "a[data-field=study_end]")
    assert "précède son début" in link.text
    link.click()
    assert browser.switch_to.active_element.get_attribute("name") == "study_end"
    _fill(browser, study_start="2018-01-01", study_end="2023-12-31")
    _submit(browser)
    assert Dossier.objects.count() == 1  # the autosaved draft, not a second one

    # the checklist, and "Déposer" disabled with its reason
    assert _checklist(browser) == {
        "project": "yes",
        "period": "yes",
        "data": "no",
        "team": "yes",
        "protocol": "no",
        "impact_assessment": "no",
    }
    submit = browser.find_element(By.CSS_SELECTOR, "button[data-action=submit]")
    assert not submit.is_enabled()
    reason = browser.find_element(By.ID, submit.get_attribute("aria-describedby")).text
    assert reason == "Complétez la liste avant de déposer (3 élément(s) manquant(s))."

    # each missing item links to where to add it
    checklist = "[data-testid=checklist] [data-item={}] a"
    _next_page(browser, browser.find_element(By.CSS_SELECTOR, checklist.format("data")))
    _fill(
        browser,
        label="DCIR — soins de ville",
        justification="Parcours de ville.",
        codes="CIM-10 I63",
    )
    _submit(browser)
    pdf = tmp_path / "piece.pdf"
    pdf.write_bytes(PDF)
    for kind in ("protocol", "impact_assessment"):
        _next_page(browser, browser.find_element(By.CSS_SELECTOR, checklist.format(kind)))
        assert (
            Select(browser.find_element(By.NAME, "kind")).first_selected_option.get_attribute(
                "value"
            )
            == kind
        )
        browser.find_element(By.NAME, "file").send_keys(str(pdf))
        _submit(browser)
    assert set(_checklist(browser).values()) == {"yes"}

    assert _act(browser, "submit") == "Déposé"
    next_move = browser.find_element(By.CSS_SELECTOR, "[data-testid=next-move]").text
    assert next_move.startswith("Guichet : vérification avant le")
    stepper = browser.find_element(By.CSS_SELECTOR, "[data-testid=stepper] .fr-stepper__steps")
    assert stepper.get_attribute("data-fr-current-step") == "2"
    # the flash message, once
    assert len(browser.find_elements(By.CSS_SELECTOR, ".fr-alert--success")) == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_guichet_assigns_two_rapporteurs_through_to_the_cesrees_opinion(
    browser, live_server, live_cast
):
    rapporteur2 = second_rapporteur()
    rapporteur2.first_name, rapporteur2.last_name = "Rémi", "Durand"
    rapporteur2.save()
    dossier = alice_dossier(live_cast, "completeness_check")
    url = dossier.get_absolute_url()

    _login(browser, live_server, "guichet", url)
    assert _act(browser, "declare_admissible") == "Recevable"

    def blocked_reason():
        button = browser.find_element(By.CSS_SELECTOR, "button[data-action=send_to_cesrees]")
        assert not button.is_enabled()
        return browser.find_element(By.ID, button.get_attribute("aria-describedby")).text

    assert blocked_reason() == "Désignez 2 rapporteurs (0/2)"
    for expected in ("Céline", "Rémi Durand"):
        _next_page(
            browser, browser.find_element(By.CSS_SELECTOR, "[data-testid=assign-rapporteur]")
        )
        labels = [
            e.text for e in browser.find_elements(By.CSS_SELECTOR, "input[name=rapporteur] + label")
        ]
        assert len(labels) == 2 if expected == "Céline" else len(labels) == 1
        choice = next(e for e in labels if e.startswith(expected))
        assert "dossier(s) ce mois-ci" in choice
        label = browser.find_element(
            By.XPATH,
            f"//input[@name='rapporteur']/following-sibling::label[starts-with(normalize-space(.), '{expected}')]",
        )
        label.click()
        _submit(browser)
        if expected == "Céline":
            assert blocked_reason() == "Désignez 2 rapporteurs (1/2)"
    assert _act(browser, "send_to_cesrees") == "Transmis au CESREES"
    assert _act(browser, "start_cesrees_review") == "En examen au CESREES"

    _login(browser, live_server, "cesrees", url)
    _next_page(browser, browser.find_element(By.LINK_TEXT, "Mon rapport"))
    _fill(browser, report="Protocole solide, conservation trop longue.")
    _submit(browser)
    opinion = browser.find_element(By.CSS_SELECTOR, "button[data-action=file_opinion]")
    assert not opinion.is_enabled()
    reason = browser.find_element(By.ID, opinion.get_attribute("aria-describedby")).text
    assert reason == "Attendez le rapport de chaque rapporteur (1/2 déposés)"
    services.rapporteur_report_file(
        dossier=Dossier.objects.get(pk=dossier.pk),
        by=rapporteur2,
        report="Même avis.",
        recommended_opinion="reserved",
    )
    browser.refresh()
    _next_page(browser, browser.find_element(By.CSS_SELECTOR, "a[data-action=file_opinion]"))
    radios = browser.find_elements(By.CSS_SELECTOR, "input[name=opinion]")
    assert radios and not any(r.is_selected() for r in radios)  # nothing preselected
    browser.find_element(By.CSS_SELECTOR, "input[name=opinion][value=reserved] + label").click()
    _submit(browser)
    summary = browser.find_element(By.CSS_SELECTOR, "[data-testid=error-summary]").text
    assert "Motifs" in summary and "Recommandations au porteur" in summary
    _fill(
        browser,
        reasons="Durée de conservation trop longue.",
        recommendations="Ramener la conservation à cinq ans.",
    )
    _submit(browser)
    assert "Réservé" in browser.find_element(By.CSS_SELECTOR, "[data-testid=confirm-summary]").text
    assert Dossier.objects.get(pk=dossier.pk).status == Status.CESREES_REVIEW
    _next_page(browser, browser.find_element(By.CSS_SELECTOR, "[data-testid=confirm]"))
    badge = browser.find_element(
        By.CSS_SELECTOR, "[data-testid=dossier-title] ~ p [data-testid=status]"
    )
    assert badge.get_attribute("textContent").strip() == "Avis du CESREES rendu"

    _login(browser, live_server, "alice", url)
    assert (
        "Durée de conservation trop longue."
        in browser.find_element(By.CSS_SELECTOR, "[data-testid=opinion-reasons]").text
    )
    options = browser.find_element(By.CSS_SELECTOR, "[data-testid=opinion-options]").text
    assert "Poursuivre vers la CNIL" in options and "Corriger le dossier" in options
