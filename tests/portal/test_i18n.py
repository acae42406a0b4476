import pytest

pytestmark = pytest.mark.django_db


def test_the_portal_speaks_french_by_default(client):
    page = client.get("/").content.decode()
    assert '<html lang="fr"' in page
    assert "Se connecter" in page


def test_the_language_switch_turns_the_portal_to_english(client, cast):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="en"' in page
    assert "Log in" in page and "Health Data Hub portal" in page
    client.force_login(cast.guichet)
    page = client.get("/").content.decode()
    assert "Hello Gaëlle" in page and "Access desk" in page
