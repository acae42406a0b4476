"""Two-factor authentication: mandatory for staff and admins, optional for porteurs."""

import re
import time

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken

from portal.models import AuditEntry
from portal.tokens import api_tokens_of
from tests.conftest import totp_code, totp_code_for_secret, verified_device

pytestmark = pytest.mark.django_db


def _password_login(client, username, password):
    """Only the password step (``force_login`` would also pass the second factor)."""
    return client.post("/comptes/login/", {"username": username, "password": password})


def _secret_of(page: str) -> str:
    return re.search(r'data-testid="otp-secret">([A-Z2-7=]+)<', page).group(1)


@pytest.mark.parametrize("username", ["data", "guichet", "projets", "admin"])
def test_staff_cannot_reach_any_page_with_their_password_alone(client, cast, username):
    _password_login(client, username, cast.password)
    response = client.get("/jobs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/2fa/")
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/jobs/").status_code == 403


def test_a_staff_member_enrols_with_the_qr_code_and_gets_ten_recovery_codes(client, cast):
    _password_login(client, "guichet", cast.password)
    page = client.get("/comptes/2fa/").content.decode()
    assert "<svg" in page.split('data-testid="otp-qr"')[1][:200]
    assert "otpauth://" not in page  # the QR code is drawn, its secret URL is not a link
    response = client.post("/comptes/2fa/", {"code": totp_code_for_secret(_secret_of(page))})
    codes = re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())
    assert len(codes) == 10
    assert client.get("/jobs/").status_code == 200
    assert AuditEntry.objects.filter(action="account.otp_enrol", actor=cast.guichet).exists()


def test_a_wrong_code_does_not_enrol(client, cast):
    _password_login(client, "data", cast.password)
    client.get("/comptes/2fa/")
    page = client.post("/comptes/2fa/", {"code": "000000"}).content.decode()
    assert "Code incorrect" in page
    assert client.get("/jobs/").status_code == 302


def test_an_enrolled_staff_member_types_the_code_after_the_password(client, cast):
    device = verified_device(cast.data)
    _password_login(client, "data", cast.password)
    response = client.get("/omop/")
    assert response["Location"] == "/comptes/2fa/verifier/?next=%2Fomop%2F"
    wrong = client.post("/comptes/2fa/verifier/", {"code": "123456", "next": "/omop/"})
    assert "Code incorrect" in wrong.content.decode()
    time.sleep(1.1)  # each wrong code doubles the wait before the next try (throttling)
    right = client.post("/comptes/2fa/verifier/", {"code": totp_code(device), "next": "/omop/"})
    assert right["Location"] == "/omop/"
    assert client.get("/omop/").status_code == 200
    assert AuditEntry.objects.filter(action="account.otp_failure", actor=cast.data).exists()


def test_an_enrolled_staff_member_cannot_enrol_a_second_phone_without_the_code(client, cast):
    verified_device(cast.data)
    _password_login(client, "data", cast.password)
    response = client.get("/comptes/2fa/")
    assert response["Location"].startswith("/comptes/2fa/verifier/")


def test_a_recovery_code_works_once(client, cast):
    verified_device(cast.projets)
    client.force_login(cast.projets)
    page = client.post("/comptes/2fa/codes/").content.decode()
    code = re.findall(r"<li><code>(\w+)</code></li>", page)[0]
    other = Client()
    _password_login(other, "projets", cast.password)
    assert other.post("/comptes/2fa/verifier/", {"code": code})["Location"] == "/"
    third = Client()
    _password_login(third, "projets", cast.password)
    assert third.post("/comptes/2fa/verifier/", {"code": code}).status_code == 200
    assert not StaticToken.objects.filter(token=code).exists()
    assert AuditEntry.objects.filter(action="account.otp_recovery_code_used").count() == 1


def test_a_porteur_needs_no_second_factor_but_may_opt_in(client, cast):
    _password_login(client, "alice", cast.password)
    assert client.get("/dossiers/").status_code == 200
    page = client.get("/comptes/2fa/").content.decode()
    assert "Facultative" in page
    client.post("/comptes/2fa/", {"code": totp_code_for_secret(_secret_of(page))})
    later = Client()
    _password_login(later, "alice", cast.password)
    assert later.get("/dossiers/")["Location"].startswith("/comptes/2fa/verifier/")


def test_a_porteur_may_turn_the_second_factor_off_but_staff_may_not(client, cast):
    verified_device(cast.alice)
    client.force_login(cast.alice)
    from tests.conftest import verify_second_factor

    verify_second_factor(client, cast.alice)
    assert client.post("/comptes/2fa/desactiver/").status_code == 302
    assert AuditEntry.objects.filter(action="account.otp_disable").exists()
    staff = Client()
    staff.force_login(cast.guichet)
    assert staff.post("/comptes/2fa/desactiver/").status_code == 403


def test_a_staff_api_token_needs_the_code_too(client, cast):
    device = verified_device(cast.data)
    data = {"username": "data", "password": cast.password}
    assert client.post("/api/auth/token/", data).json() == {"detail": "otp_required"}
    assert not api_tokens_of(cast.data).exists()
    response = client.post("/api/auth/token/", {**data, "otp_code": totp_code(device)})
    assert response.status_code == 200 and response.json()["token"].startswith("hdh_")


def test_the_verification_page_does_not_redirect_elsewhere(client, cast):
    device = verified_device(cast.data)
    _password_login(client, "data", cast.password)
    response = client.post(
        "/comptes/2fa/verifier/", {"code": totp_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
