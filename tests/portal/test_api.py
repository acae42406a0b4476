import pytest

from portal.models import ApiToken
from portal.tokens import _hash
from tests.conftest import totp_code, verified_device

pytestmark = pytest.mark.django_db


def test_the_api_root_lists_every_app(client):
    body = client.get("/api/").json()
    assert {"jobs", "catalogue", "omop", "publications", "dossiers", "schema"} <= set(body)


def test_a_token_is_exchanged_for_a_password_and_authenticates(client, cast):
    code = totp_code(verified_device(cast.data))
    response = client.post(
        "/api/auth/token/", {"username": "data", "password": cast.password, "otp_code": code}
    )
    token = response.json()["token"]
    assert ApiToken.objects.get(key_hash=_hash(token)).user == cast.data
    response = client.get("/api/jobs/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200 and response.json()["count"] == 0


def test_the_openapi_schema_describes_the_jobs_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/jobs/{id}/cancel/" in schema["paths"]
    assert "swagger-ui" in client.get("/api/docs/").content.decode()


def test_a_malformed_job_id_is_a_404_not_a_500(client, cast):
    client.force_login(cast.data)
    for action in ("cancel", "retry"):
        assert client.post(f"/api/jobs/not-a-uuid/{action}/").status_code == 404
