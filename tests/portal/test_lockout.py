"""The login lockout keys on the real client, and a user name alone cannot be locked."""

from __future__ import annotations

import time

import pytest
from django.test import RequestFactory

from portal.lockout import client_ip, username_delay

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def _lockout(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_DELAY_BASE_SECONDS = 0.05
    settings.LOGIN_DELAY_MAX_SECONDS = 0.2


def _login(client, username, password, *, via_proxy_for=None, remote=PROXY):
    extra = {"REMOTE_ADDR": remote}
    if via_proxy_for:
        extra["HTTP_X_FORWARDED_FOR"] = via_proxy_for
    return client.post("/comptes/login/", {"username": username, "password": password}, **extra)


def test_behind_the_proxy_an_attacker_cannot_lock_the_guichet_out(cast, client, settings):
    for _ in range(8):
        response = _login(client, "guichet", "guess", via_proxy_for="203.0.113.66")
    assert response.status_code == 429  # the attacker's address is locked

    response = _login(client, "guichet", cast.password, via_proxy_for="198.51.100.7")
    assert response.status_code == 302  # the guichet, from her own address, still logs in


def test_a_forwarded_header_from_an_untrusted_client_is_ignored(cast, client):
    for n in range(6):  # a new "address" each time: spoofed, so still one client
        response = _login(
            client, "alice", "guess", via_proxy_for=f"192.0.2.{n}", remote="203.0.113.9"
        )
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),  # not from a proxy: the header is ignored
        (PROXY, "198.51.100.7", "198.51.100.7"),
        (PROXY, "1.2.3.4, 198.51.100.7", "198.51.100.7"),  # the left part is the client's word
        (PROXY, "198.51.100.7, 10.0.0.9", "198.51.100.7"),  # trusted hops are skipped
        (PROXY, "not-an-ip", PROXY),
        (PROXY, "", PROXY),
    ],
)
def test_the_client_address_comes_from_a_trusted_proxy_only(remote, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_failures_on_a_name_slow_its_next_attempts_softly(cast, client, settings):
    assert username_delay("alice") == 0
    for n in range(6):  # six different addresses: none is locked
        _login(client, "alice", "guess", via_proxy_for=f"198.51.100.{n}")
    assert username_delay("ALICE") == settings.LOGIN_DELAY_MAX_SECONDS  # capped
    started = time.monotonic()
    response = _login(client, "alice", cast.password, via_proxy_for="198.51.100.200")
    assert time.monotonic() - started >= settings.LOGIN_DELAY_MAX_SECONDS
    assert response.status_code == 302  # slowed, never refused
    assert username_delay("alice") == 0  # a success starts afresh
