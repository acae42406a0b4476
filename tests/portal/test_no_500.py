"""Input that used to raise a 500 now answers 400 or 404 (repros from the security review)."""

from __future__ import annotations

import json

import pytest

from tests.access_requests.factories import alice_dossier

pytestmark = pytest.mark.django_db

CLIENT_ERRORS = (400, 404)


def test_a_huge_search_page_number_is_not_an_error(client):
    response = client.get("/catalogue/recherche/", {"q": "patient", "page": str(10**20)})
    assert response.status_code in (200, *CLIENT_ERRORS)


@pytest.mark.parametrize("value", [str(10**20), str(2**63), "-1", "1e5", "abc"])
@pytest.mark.parametrize("endpoint", ["runs", "files", "tables", "variables", "databases"])
# PostgreSQL answers an out-of-range id with no row; the embedded SQLite database (make run)
# raised OverflowError, a 500: run with DATABASE_URL=sqlite:///… to see it.
def test_a_quality_table_filter_out_of_range_is_not_an_error(cast, client, endpoint, value):
    from tests.catalogue.factories import VariableFactory

    VariableFactory()
    client.force_login(cast.data)
    response = client.get(f"/api/catalogue/quality/{endpoint}/", {"table": value})
    assert response.status_code in (200, *CLIENT_ERRORS)
    response = client.get(f"/api/catalogue/quality/{endpoint}/{value}/")
    assert response.status_code in CLIENT_ERRORS


@pytest.mark.parametrize("action", ["cancel", "retry"])
@pytest.mark.parametrize("job_id", ["not-a-uuid", "1", "' OR 1=1 --"])
def test_a_job_action_on_a_non_uuid_id_is_a_404(cast, client, action, job_id):
    client.force_login(cast.data)
    response = client.post(f"/api/jobs/{job_id}/{action}/")
    assert response.status_code == 404


def test_a_team_post_without_a_role_is_a_400(cast, client):
    dossier = alice_dossier(cast)
    client.force_login(cast.alice)
    api = client.post(
        f"/api/dossiers/dossiers/{dossier.reference}/team/",
        {"user": "charlie"},
        content_type="application/json",
    )
    assert api.status_code == 400
    web = client.post(f"/dossiers/{dossier.reference}/equipe/", {"username": "charlie"})
    assert web.status_code in (200, 400)
    assert not dossier.team.filter(user=cast.charlie).exists()


@pytest.mark.parametrize("seed", [2**70, -(2**70), 2**31])
def test_a_seed_beyond_the_database_integer_is_a_400(cast, client, seed):
    client.force_login(cast.data)
    api = client.post(
        "/api/omop/jobs/",
        {"source": "generated", "persons": 10, "seed": seed},
        content_type="application/json",
    )
    assert api.status_code == 400, api.content
    web = client.post("/omop/jobs/new/", {"source": "generated", "persons": 10, "seed": seed})
    assert web.status_code in (200, 400)
    assert "graine" in web.content.decode().lower()


def test_a_table_schema_with_a_numeric_primary_key_is_refused_clearly(cast, tmp_path):
    from catalogue.services import tableschema_import
    from catalogue.tableschema import SchemaErrors

    schema = {"name": "T", "fields": [{"name": "A", "type": "string"}], "primaryKey": 5}
    path = tmp_path / "T.json"
    path.write_text(json.dumps(schema))
    with pytest.raises(SchemaErrors, match="primaryKey"):
        tableschema_import(paths=[path], database="SNDS", by=cast.data)


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("/api/catalogue/databases/", {"acronym": "EGB", "name": None}),
        ("/api/catalogue/databases/", {"acronym": "EGB", "name": "x", "description": None}),
        ("/api/catalogue/nomenclatures/", {"name": "N", "title": None}),
        ("/api/catalogue/tables/", {"database": "SNDS", "name": "T", "title": None}),
        ("/api/catalogue/tables/", {"database": None, "name": "T"}),
        ("/api/catalogue/tables/", {"database": "SNDS", "name": "T", "primary_key": None}),
        (
            "/api/catalogue/tables/",
            {"database": "SNDS", "name": "T", "row_count": None} | {"missing_values": None},
        ),
        ("/api/catalogue/nomenclatures/", {"name": "N", "fields": None}),
        ("/api/catalogue/variables/", {"table": None, "name": "V"}),
        ("/api/catalogue/variables/", {"name": "V", "constraints": None}),
        # NUL characters
        ("/api/catalogue/databases/", {"acronym": "EGB", "name": "a\x00b"}),
        ("/api/catalogue/tables/", {"database": "SNDS", "name": "T", "primary_key": ["A\x00"]}),
        ("/api/catalogue/variables/", {"table": 1, "name": "V", "constraints": {"x": "\x00"}}),
    ],
)
def test_nulls_and_nul_characters_in_catalogue_api_fields_are_a_400(cast, client, url, payload):
    from tests.catalogue.factories import DatabaseFactory

    DatabaseFactory(acronym="SNDS")
    client.force_login(cast.data)
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 400, response.content


@pytest.mark.parametrize(
    "query",
    [{"search": "a\x00"}, {"name": "\x00"}, {"database__acronym": "\x00"}, {"ordering": "\x00"}],
)
def test_nul_characters_in_catalogue_api_filters_are_not_an_error(client, query):
    response = client.get("/api/catalogue/tables/", query)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    ("endpoint", "data"),
    [
        ("nomenclatures", {"name": "IR_TEST_V", "fields": "null", "primary_key": "null"}),
        ("tables", {"database": "SNDS", "name": "T_TEST", "primary_key": "null"}),
        ("tables", {"database": "SNDS", "name": "T_TEST", "missing_values": "3"}),
        ("variables", {"name": "V", "constraints": "[]"}),
    ],
)
def test_a_form_encoded_json_field_of_the_wrong_shape_is_a_400(cast, client, endpoint, data):
    """Schemathesis found it: ``null`` form-encoded reached the NOT NULL constraint (a 500)."""
    from catalogue.models import Nomenclature, Table
    from tests.catalogue.factories import DatabaseFactory, TableFactory

    DatabaseFactory(acronym="SNDS")
    if endpoint == "variables":
        data = {**data, "table": TableFactory().pk, "position": 1}
    client.force_login(cast.data)
    response = client.post(f"/api/catalogue/{endpoint}/", data)  # multipart, as a form sends
    assert response.status_code == 400, response.content
    field = next(k for k, v in data.items() if v in ("null", "3", "[]"))
    assert field in response.json()
    assert not Nomenclature.objects.filter(name="IR_TEST_V").exists()
    assert not Table.objects.filter(name="T_TEST").exists()


# found by schemathesis once its requests stopped waiting 40 ms each (portal/devserver.py)
def test_a_catalogue_name_with_a_slash_is_refused_with_a_message(cast, client):
    client.force_login(cast.data)
    response = client.post(
        "/api/catalogue/nomenclatures/",
        {"name": "1/0", "code_field": "code", "label_field": "label"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "/" in response.json()["name"][0]
    database = client.post(
        "/api/catalogue/databases/",
        {"acronym": "B", "name": "Base"},
        content_type="application/json",
    )
    assert database.status_code == 201, database.content
    table = client.post(
        "/api/catalogue/tables/",
        {"database": "B", "name": "A/B"},
        content_type="application/json",
    )
    assert table.status_code == 400 and list(table.json()) == ["name"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/catalogue/databases/%00/",
        "/api/catalogue/nomenclatures/a%00b/",
        "/api/catalogue/variables/?q=%00",
        "/catalogue/nomenclatures/%00/",
        "/catalogue/recherche/?q=a%00",
    ],
)
def test_a_nul_character_in_an_address_is_a_client_error(cast, client, url):
    client.force_login(cast.data)
    assert client.get(url).status_code in CLIENT_ERRORS


@pytest.mark.parametrize("multipart", [False, True])
def test_a_nul_character_in_a_form_body_is_a_400(cast, client, multipart):
    from tests.catalogue.factories import DatabaseFactory

    DatabaseFactory(acronym="B")
    client.force_login(cast.data)
    data = {"database": "B\x00", "name": "T"}
    if multipart:
        response = client.post("/api/catalogue/tables/", data)
    else:
        response = client.post(
            "/api/catalogue/tables/",
            "database=B%00&name=T",
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code == 400 and "NUL" in response.json()["detail"]
