import re

import pytest
from django.core import mail

from portal.models import AuditEntry

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post("/comptes/login/", {"username": username, "password": password})


def test_a_user_logs_in_and_sees_their_name_then_logs_out(client, cast):
    response = _login(client, "alice", cast.password)
    assert response.status_code == 302
    assert "Alice" in client.get("/").content.decode()
    assert AuditEntry.objects.filter(action="account.login", actor=cast.alice).exists()
    client.post("/comptes/logout/")
    assert "Se connecter" in client.get("/").content.decode()


def test_a_wrong_password_is_refused_with_a_message(client, cast):
    response = _login(client, "alice", "wrong")
    assert response.status_code == 200
    assert (
        "fr-input-group--error" in response.content.decode()
        or "fr-alert" in response.content.decode()
    )


def test_the_address_locks_after_too_many_failed_logins(client, cast, settings):
    settings.LOGIN_DELAY_MAX_SECONDS = 0.01
    settings.RATELIMIT_ENABLE = False  # the lockout itself, without the rate limit before it
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "alice", "wrong")
    response = _login(client, "alice", cast.password)
    assert response.status_code == 429
    assert "Connexion bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link_by_email(client, cast):
    client.post("/comptes/password_reset/", {"email": "alice@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/comptes/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url,
        {"new_password1": "Un-nouveau-mot-2-passe", "new_password2": "Un-nouveau-mot-2-passe"},
    )
    assert response.status_code == 302
    assert _login(client, "alice", "Un-nouveau-mot-2-passe").status_code == 302


def test_staff_sessions_expire_after_thirty_idle_minutes(client, cast):
    _login(client, "data", cast.password)
    client.get("/")
    assert client.session.get_expiry_age() == 30 * 60


def test_project_leaders_keep_the_normal_session_length(client, cast, settings):
    _login(client, "alice", cast.password)
    client.get("/")
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_the_home_page_shows_roles_after_login(client, cast):
    client.force_login(cast.guichet)
    page = client.get("/").content.decode()
    assert "Guichet" in page
    assert 'data-testid="home-cards"' in page


def test_anonymous_visitors_see_the_public_entry_points_only(client):
    page = client.get("/").content.decode()
    assert "Catalogue" in page and "Répertoire des projets" in page
    assert "Conversions OMOP" not in page
