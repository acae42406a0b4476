"""A person logs in with a real browser and sees their home page."""

import pytest
from selenium.webdriver.common.by import By

from tests.conftest import click_and_wait_for_next_page
from tests.conftest import totp_code_for_secret as _code_for_secret

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_demo_user_logs_in_and_sees_their_home(browser, live_server, cast):
    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/")
    assert "Se connecter" in browser.page_source, browser.page_source[:3000]
    click_and_wait_for_next_page(browser, browser.find_element(By.LINK_TEXT, "Se connecter"))
    browser.find_element(By.NAME, "username").send_keys("guichet")
    browser.find_element(By.NAME, "password").send_keys(cast.password)
    submit = browser.find_element(By.CSS_SELECTOR, "form button[type=submit]")
    click_and_wait_for_next_page(browser, submit)
    # First login of a staff member: enrol an authenticator app, scanning the QR code.
    assert "/comptes/2fa/" in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=otp-qr] svg")
    secret = browser.find_element(By.CSS_SELECTOR, "[data-testid=otp-secret]").text
    browser.find_element(By.NAME, "code").send_keys(_code_for_secret(secret))
    click_and_wait_for_next_page(
        browser, browser.find_element(By.CSS_SELECTOR, "#content form button[type=submit]")
    )
    codes = browser.find_elements(By.CSS_SELECTOR, "[data-testid=recovery-codes] li")
    assert len(codes) == 10
    click_and_wait_for_next_page(browser, browser.find_element(By.LINK_TEXT, "Continuer"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Bonjour Gaëlle"
    assert "GUICHET" in browser.find_element(By.CSS_SELECTOR, ".fr-text--lead").text.upper()
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=current-user]").text == "Gaëlle"
