"""Every code-list action has its endpoint under /api/."""

import pytest
from rest_framework.test import APIClient

from catalogue.codelists.models import CodeList

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_anyone_searches_codes_with_the_system_as_a_facet(referentials, api):
    answer = api.get("/api/catalogue/codes/", {"q": "metformine"}).json()
    assert answer["results"][0]["code"] == "A10BA02" and answer["facets"]["CIP13"] >= 10
    only = api.get("/api/catalogue/codes/", {"q": "metformine", "system": "CIP13"}).json()
    assert {r["system"] for r in only["results"]} == {"CIP13"}
    assert api.get("/api/catalogue/codes/", {"q": "x", "system": "ICD9"}).status_code == 400


def test_a_list_is_created_updated_expanded_and_exported(referentials, cast, api):
    api.force_authenticate(cast.alice)
    created = api.post(
        "/api/catalogue/code-lists/",
        {
            "name": "Asthme",
            "items": [{"system": "CIM10", "code": "J45", "include_descendants": True}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    updated = api.patch(
        f"/api/catalogue/code-lists/{pk}/",
        {"items": [{"system": "CIM10", "code": "J45"}, {"system": "ATC", "code": "R03AC02"}],
         "comment": "salbutamol"},
        format="json",
    )  # fmt: skip
    assert updated.json()["version"]["number"] == 2
    expanded = api.get(f"/api/catalogue/code-lists/{pk}/expanded/").json()
    assert {"CIM10", "ATC", "CIP13"} <= {c["system"] for c in expanded["codes"]}
    v1 = api.get(f"/api/catalogue/code-lists/{pk}/expanded/?version=1").json()
    assert {c["system"] for c in v1["codes"]} == {"CIM10"}
    sql = api.get(f"/api/catalogue/code-lists/{pk}/export/?fmt=sql").content.decode()
    assert "T_MCOaaB.DGN_PAL IN ('J45'" in sql and "ER_PHA_F.PHA_PRS_C13 IN (" in sql


def test_unknown_codes_are_named_and_nothing_is_created(referentials, cast, api):
    api.force_authenticate(cast.alice)
    answer = api.post(
        "/api/catalogue/code-lists/",
        {
            "name": "x",
            "items": [{"system": "CIM10", "code": "E11"}, {"system": "CCAM", "code": "NOPE01"}],
        },
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["unknown"] == [{"line": "2", "system": "CCAM", "code": "NOPE01"}]
    assert not CodeList.objects.exists()


def test_another_porteurs_list_is_not_found(referentials, cast, api):
    api.force_authenticate(cast.alice)
    pk = api.post("/api/catalogue/code-lists/", {"name": "a", "items": [
        {"system": "CIM10", "code": "E11"}]}, format="json").json()["id"]  # fmt: skip
    api.force_authenticate(cast.charlie)
    assert api.get(f"/api/catalogue/code-lists/{pk}/").status_code == 404
    assert api.post(f"/api/catalogue/code-lists/{pk}/count/", {"output": "x"}).status_code == 404
    assert api.get("/api/catalogue/code-lists/").json()["count"] == 0


def test_a_patch_whose_item_lacks_its_system_is_refused_and_changes_nothing(
    referentials, cast, api
):
    # schemathesis found it: a PATCH is partial, and the nested items were partial too
    api.force_authenticate(cast.alice)
    pk = api.post("/api/catalogue/code-lists/", {"name": "a", "items": [
        {"system": "CIM10", "code": "E11"}]}, format="json").json()["id"]  # fmt: skip
    answer = api.patch(
        f"/api/catalogue/code-lists/{pk}/", {"items": [{"code": "E11"}]}, format="json"
    )
    assert answer.status_code == 400
    assert list(answer.json()["items"]["0"]) == ["system"]  # the first item, its field
    assert CodeList.objects.get(pk=pk).latest.number == 1
