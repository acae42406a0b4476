"""Adding codes to a list straight from the search and browse pages."""

import pytest

from catalogue.codelists import services
from catalogue.codelists.models import CodeList
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_list(referentials, cast):
    return services.code_list_create(
        name="Diabète", by=cast.alice, items=[{"system": "CIM10", "code": "E11"}]
    )


def test_alice_adds_a_block_with_its_descendants_from_its_page(alices_list, cast, client):
    client.force_login(cast.alice)
    page = client.get("/catalogue/codes/CIM10/E10-E14/")
    assert 'data-testid="add-to-list"' in page.content.decode()
    answer = client.post(
        "/catalogue/listes/ajouter/",
        {"list": alices_list.pk, "codes": ["CIM10:E10-E14"], "include_descendants": "on",
         "next": "/catalogue/codes/CIM10/E10-E14/"},
    )  # fmt: skip
    assert answer.status_code == 302 and answer["Location"] == "/catalogue/codes/CIM10/E10-E14/"
    latest = CodeList.objects.get().latest
    assert latest.number == 2
    block = latest.items.get(code="E10-E14")
    assert block.include_descendants and not block.excluded
    assert latest.items.filter(code="E11").exists()  # what was there stays
    assert AuditEntry.objects.filter(action="codelists.update", actor=cast.alice).exists()


def test_alice_ticks_search_hits_and_adds_them_as_exclusions(alices_list, cast, client):
    client.force_login(cast.alice)
    page = client.get("/catalogue/codes/?q=E119")
    assert 'value="CIM10:E119"' in page.content.decode()
    client.post(
        "/catalogue/listes/ajouter/",
        {"list": alices_list.pk, "codes": ["CIM10:E119"], "excluded": "on",
         "next": "https://evil.example/"},
    )  # fmt: skip
    item = CodeList.objects.get().latest.items.get(code="E119")
    assert item.excluded and not item.include_descendants


def test_it_hides_alices_list_from_charlie(alices_list, cast, client):
    client.force_login(cast.charlie)
    answer = client.post(
        "/catalogue/listes/ajouter/", {"list": alices_list.pk, "codes": ["CIM10:E10"]}
    )
    assert answer.status_code == 404
    assert CodeList.objects.get().latest.number == 1


def test_anonymous_visitors_browse_without_the_form(referentials, client):
    page = client.get("/catalogue/codes/?q=diabete")
    assert page.status_code == 200 and 'form="add-codes"' not in page.content.decode()
    assert client.post("/catalogue/listes/ajouter/", {"list": 1}).status_code == 302  # to login


def test_the_code_pages_speak_english_on_request(referentials, cast, client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.force_login(cast.data)
    page = client.get("/catalogue/codes/?q=E11").content.decode()
    assert "Search codes" in page and "Rechercher des codes" not in page
    assert "Import IR_PHA_R or the BDPM" in page
    page = client.get("/catalogue/referentiels/importer/").content.decode()
    assert "Import a drug referential" in page
