"""Defect 7 of issue 20: staff sessions and API tokens outlive the idle rule."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from portal.models import ApiToken, AuditEntry
from portal.roles import is_staff_member
from portal.tokens import api_token_issue
from tests.conftest import totp_code, verified_device

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post("/comptes/login/", {"username": username, "password": password})


def _token_for(client, username, password):
    data = {"username": username, "password": password, "name": "script"}
    user = User.objects.get(username=username)
    if is_staff_member(user):
        data["otp_code"] = totp_code(verified_device(user))
    response = client.post("/api/auth/token/", data)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_staff_idle_timer_starts_with_the_login_response(client, cast, settings):
    response = _login(client, "guichet", cast.password)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.STAFF_IDLE_TIMEOUT_SECONDS
    assert client.session.get_expiry_age() == settings.STAFF_IDLE_TIMEOUT_SECONDS


def test_a_staff_session_cookie_does_not_last_twelve_hours(client, cast):
    response = _login(client, "data", cast.password)
    assert int(response.cookies["sessionid"]["max-age"]) <= 3600


def test_a_project_leader_keeps_the_normal_session_cookie(client, cast, settings):
    response = _login(client, "alice", cast.password)
    assert int(response.cookies["sessionid"]["max-age"]) == settings.SESSION_COOKIE_AGE


def test_a_staff_token_expires_within_hours_and_a_porteur_token_within_days(client, cast):
    staff = _token_for(client, "data", cast.password)
    porteur = _token_for(client, "alice", cast.password)
    now = timezone.now()
    staff_left = ApiToken.objects.get(key_prefix=staff["token"][:12]).expires_at - now
    porteur_left = ApiToken.objects.get(key_prefix=porteur["token"][:12]).expires_at - now
    assert timedelta(0) < staff_left <= timedelta(hours=12)
    assert timedelta(days=1) < porteur_left <= timedelta(days=90)


def test_an_expired_token_no_longer_authenticates(client, cast):
    key = _token_for(client, "alice", cast.password)["token"]
    assert client.get("/api/jobs/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/jobs/", HTTP_AUTHORIZATION=f"Token {key}").status_code in (401, 403)


def test_a_password_change_revokes_every_token_of_the_account(client, cast):
    key = _token_for(client, "alice", cast.password)["token"]
    _login(client, "alice", cast.password)
    response = client.post(
        "/comptes/password_change/",
        {
            "old_password": cast.password,
            "new_password1": "Un-nouveau-mot-2-passe",
            "new_password2": "Un-nouveau-mot-2-passe",
        },
    )
    assert response.status_code == 302
    client.logout()
    assert client.get("/api/jobs/", HTTP_AUTHORIZATION=f"Token {key}").status_code in (401, 403)
    token = ApiToken.objects.get(user=cast.alice)
    assert token.revoked_because == ApiToken.RevokedBecause.PASSWORD_CHANGED
    assert AuditEntry.objects.filter(action="api_token.revoke_all", target_id=cast.alice.pk)


def test_alice_lists_and_revokes_her_tokens_on_her_account_page(client, cast):
    client.force_login(cast.alice)
    page = client.post("/comptes/jetons/", {"name": "mon script"}).content.decode()
    token = ApiToken.objects.get(user=cast.alice)
    assert 'data-testid="new-token"' in page and "mon script" in page
    key = page.split('data-testid="new-token"')[1].split("<code>")[1].split("</code>")[0]
    assert client.get("/api/jobs/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert client.post(f"/comptes/jetons/{token.pk}/revoquer/").status_code == 302
    client.logout()
    assert client.get("/api/jobs/", HTTP_AUTHORIZATION=f"Token {key}").status_code in (401, 403)
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1


def test_alice_cannot_see_or_revoke_charlies_token(client, cast):
    token, _key = api_token_issue(user=cast.charlie, name="charlie", by=cast.charlie)
    client.force_login(cast.alice)
    assert "charlie" not in client.get("/comptes/jetons/").content.decode()
    assert client.post(f"/comptes/jetons/{token.pk}/revoquer/").status_code == 404
    assert client.get(f"/api/auth/tokens/{token.pk}/").status_code == 404
    assert client.delete(f"/api/auth/tokens/{token.pk}/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_api_lists_the_owners_tokens_and_revokes_one(client, cast):
    token, key = api_token_issue(user=cast.alice, name="notebook", by=cast.alice)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.get("/api/auth/tokens/", **auth)
    listed = response.json()["results"]
    assert [t["name"] for t in listed] == ["notebook"] and listed[0]["active"] is True
    assert "key_hash" not in listed[0]
    assert client.delete(f"/api/auth/tokens/{token.pk}/", **auth).status_code == 204
    assert client.get("/api/auth/tokens/", **auth).status_code in (401, 403)


def test_only_a_hash_of_the_key_is_stored(cast):
    token, key = api_token_issue(user=cast.alice, name="x", by=cast.alice)
    assert key not in {token.key_hash, token.key_prefix}
    assert not ApiToken.objects.filter(key_hash=key).exists()
