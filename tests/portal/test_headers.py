"""Headers: a strict Content-Security-Policy with nonces, a Permissions-Policy, and no
page that loads anything from another origin (issue 20)."""

import re
from urllib.parse import urlsplit

import pytest
from django.db import transaction

from tests.access import LOGIN, all_cases

pytestmark = pytest.mark.django_db

# src/href of what a page loads (scripts, styles, icons, images, frames), not plain links.
LOADED = re.compile(
    r"<(?:script|img|iframe|source|embed)\b[^>]*\bsrc=[\"']([^\"']+)"
    r"|<link\b[^>]*\bhref=[\"']([^\"']+)",
    re.IGNORECASE,
)


def _foreign(urls, host="testserver"):
    return [u for u in urls if urlsplit(u).netloc not in ("", host)]


def _loaded_by(html: str) -> list[str]:
    return [a or b for a, b in LOADED.findall(html)]


def test_the_csp_allows_scripts_only_from_the_portal_with_a_nonce(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    script_src = directives["script-src"].split()
    assert script_src[0] == "'self'"
    assert any(s.startswith("'nonce-") for s in script_src)
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "https:", "http:"} & set(script_src)
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


def test_every_inline_script_carries_the_nonce_of_its_response(client, cast):
    client.force_login(cast.admin)
    response = client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)([^>]*)>", html)
    assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline), inline


def test_every_page_sends_a_permissions_policy(client):
    for url in ("/", "/api/", "/healthz", "/comptes/login/"):
        policy = client.get(url).headers["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_swagger_ui_comes_from_the_portal_not_a_cdn(client):
    page = client.get("/api/docs/").content.decode()
    loaded = _loaded_by(page)
    assert any("swagger-ui-bundle.js" in u for u in loaded)
    assert not _foreign(loaded), _foreign(loaded)
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


@pytest.mark.parametrize("actor", ["anonymous", "admin"])
def test_no_page_loads_anything_from_another_origin(client, cast, actor):
    """Every page of the access matrix that answers 200, as a stranger and as an admin."""
    if actor != "anonymous":
        client.force_login(cast[actor])
    offenders = {}
    for case in all_cases():
        if case.method != "get" or case.expected_for(actor) in (LOGIN, 302, 403, 404):
            continue
        with transaction.atomic():  # each case's objects are undone before the next
            objects = case.setup(cast) if case.setup else {}
            url = case.url(objects) if callable(case.url) else case.url
            response = client.get(url)
            transaction.set_rollback(True)
        if "html" not in response.headers.get("Content-Type", ""):
            continue
        policy = response.headers.get("Content-Security-Policy", "")
        foreign = _foreign(_loaded_by(response.content.decode()))
        if foreign or not policy or "http" in policy:
            offenders[url] = foreign or policy or "no CSP"
    assert not offenders, offenders
