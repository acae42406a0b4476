"""Every URL × anonymous and each role → the expected answer (200, login, 403 or 404)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.access import ACTORS, LOGIN, all_cases

CASES = all_cases()

# Patterns that are not pages of ours: Django admin internals, i18n, auth forms that need
# a token, POST-only actions (each tested where its behaviour is tested), format suffixes.
EXEMPT_PREFIXES = ("admin:", "set_language", "password_reset_confirm", "logout")
EXEMPT = {
    "password_reset_done",
    "password_reset_complete",
    "password_change_done",
    "healthz",
    "portal:job-cancel",
    "portal:job-retry",
    "api-jobs-cancel",
    "api-jobs-retry",
    "api-token",
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[str(c) for c in CASES])
def test_access_matrix(case, cast, client):
    objects = case.setup(cast) if case.setup else {}
    url = case.url(objects) if callable(case.url) else case.url
    data = case.data(objects) if callable(case.data) else case.data
    for actor in ACTORS:
        client.logout()
        if actor != "anonymous":
            client.force_login(cast[actor])
        response = getattr(client, case.method)(url, data)
        expected = case.expected_for(actor)
        if expected == LOGIN:
            assert response.status_code == 302, f"{actor} on {url}: {response.status_code}"
            assert "/comptes/login/" in response["Location"], f"{actor} on {url}"
        else:
            assert response.status_code == expected, (
                f"{actor} on {url}: got {response.status_code}, expected {expected}"
            )


def _named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            yield from _named_patterns(pattern, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_named_url_is_in_the_matrix():
    covered = {case.name for case in CASES}
    missing = sorted(
        name
        for name in set(_named_patterns())
        if name not in covered
        and name not in EXEMPT
        and not name.startswith(EXEMPT_PREFIXES)
        and not name.endswith(("-format", "api-root"))
    )
    assert not missing, f"URLs missing from the access matrix: {missing}"
