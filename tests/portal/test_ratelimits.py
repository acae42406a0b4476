"""Rate limits on login, password reset, token, search and export (issue 20)."""

import pytest
from django.core import mail

from tests.conftest import totp_code, verified_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rate(group, rate):
        settings.RATELIMITS = {**settings.RATELIMITS, group: rate}

    return set_rate


def test_one_address_cannot_try_passwords_on_many_names(client, cast, settings, rates):
    settings.AXES_ENABLED = False  # the rate limit alone (the lockout has its own test)
    limit = int(settings.RATELIMITS["login"].split("/")[0])
    # the same count per hour: a per-minute window that turns during the loop (a loaded
    # machine) would start a new count and never answer 429
    rates("login", f"{limit}/h")
    answers = [
        client.post("/comptes/login/", {"username": f"user{i}", "password": "x"}).status_code
        for i in range(limit + 1)
    ]
    assert answers[:limit] == [200] * limit and answers[limit] == 429


def test_one_name_cannot_be_tried_from_many_addresses(client, cast, settings, rates):
    settings.LOGIN_DELAY_MAX_SECONDS = 0.01  # the name's slow-down would outlast the minute
    limit = int(settings.RATELIMITS["login_name"].split("/")[0])
    rates("login_name", f"{limit}/h")  # as above: no window turning during the loop
    answers = [
        client.post(
            "/comptes/login/",
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR=f"10.0.{i}.1",
        ).status_code
        for i in range(limit + 1)
    ]
    assert 429 not in answers[:limit] and answers[limit] == 429


def test_password_reset_mails_stop_after_three_an_hour(client, cast):
    answers = [
        client.post(
            "/comptes/password_reset/", {"email": "alice@example.org"}, REMOTE_ADDR=f"10.1.{i}.1"
        ).status_code
        for i in range(4)
    ]
    assert answers == [302, 302, 302, 429]
    assert len(mail.outbox) == 3


def test_the_search_page_answers_a_cheap_429_past_its_rate(
    client, rates, django_assert_max_num_queries
):
    rates("search", "3/m")
    for _ in range(3):
        assert client.get("/catalogue/recherche/", {"q": "sexe"}).status_code == 200
    with django_assert_max_num_queries(0):
        response = client.get("/catalogue/recherche/", {"q": "sexe"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert len(response.content) < 200
    assert client.get("/").status_code == 200  # other pages are not affected


def test_exports_are_rate_limited(client, rates):
    rates("export", "2/m")
    answers = [client.get("/dossiers/repertoire/export.csv").status_code for _ in range(3)]
    assert answers == [200, 200, 429]


def test_the_api_token_exchange_is_throttled(client, cast, rates):
    rates("token", "2/m")
    data = {"username": "alice", "password": "wrong"}
    answers = [client.post("/api/auth/token/", data).status_code for _ in range(3)]
    assert answers == [400, 400, 429]


def test_the_api_search_is_throttled(client, rates):
    rates("search", "2/m")
    answers = [client.get("/api/catalogue/search/", {"q": "sexe"}).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    listed = [client.get("/api/catalogue/tables/", {"search": "x"}).status_code for _ in range(1)]
    assert listed == [429]  # searches share one budget
    assert client.get("/api/catalogue/tables/").status_code == 200


def test_the_second_factor_cannot_be_guessed_quickly(client, cast, rates):
    rates("login", "3/m")
    device = verified_device(cast.data)
    client.post("/comptes/login/", {"username": "data", "password": cast.password})
    for code in ("111111", "222222", "333333"):
        client.post("/comptes/2fa/verifier/", {"code": code})
    response = client.post("/comptes/2fa/verifier/", {"code": totp_code(device)})
    assert response.status_code == 429
