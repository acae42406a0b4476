"""The API follows the same rules as the pages."""

import pytest

from access_requests.models import Dossier, Status
from tests.access_requests.factories import alice_dossier, make_draft

pytestmark = pytest.mark.django_db


def test_a_porteur_creates_edits_and_submits_through_the_api(cast, client):
    client.force_login(cast.alice)
    created = client.post(
        "/api/dossiers/dossiers/",
        {
            "title": "Étude API",
            "route": "standard",
            "public_summary": "Résumé",
            "objectives": "Objectifs",
            "data_controller": "Inserm",
            "status": "authorised",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["owner"] == "alice"  # status is not writable
    reference = body["reference"]
    patched = client.patch(
        f"/api/dossiers/dossiers/{reference}/", {"funding": "ANR"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["funding"] == "ANR"
    refused = client.post(
        f"/api/dossiers/dossiers/{reference}/transition/",
        {"transition": "submit"},
        content_type="application/json",
    )
    assert refused.status_code == 409 and "protocole" in refused.json()["detail"]


def test_a_study_ending_before_it_starts_is_a_400_that_says_so(cast, client):
    client.force_login(cast.alice)
    fields = {"title": "Étude", "route": "standard", "study_start": "2018-01-01"}
    created = client.post(
        "/api/dossiers/dossiers/",
        {**fields, "study_end": "0130-06-25"},
        content_type="application/json",
    )
    assert created.status_code == 400 and "2018" in created.json()["detail"]
    assert not Dossier.objects.filter(title="Étude").exists()
    dossier = make_draft(cast.alice)
    patched = client.patch(
        f"/api/dossiers/dossiers/{dossier.reference}/",
        {"study_start": "2020-01-01", "study_end": "2019-01-01"},
        content_type="application/json",
    )
    assert patched.status_code == 400
    dossier.refresh_from_db()
    assert str(dossier.study_end) != "2019-01-01"


def test_staff_cannot_create_dossiers(cast, client):
    client.force_login(cast.guichet)
    response = client.post(
        "/api/dossiers/dossiers/", {"title": "x"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_transitions_through_the_api_check_the_role(cast, client):
    dossier = alice_dossier(cast, "submitted")
    url = f"/api/dossiers/dossiers/{dossier.reference}/transition/"
    client.force_login(cast.alice)
    assert (
        client.post(url, {"transition": "start_check"}, content_type="application/json").status_code
        == 403
    )
    client.force_login(cast.charlie)
    assert (
        client.post(url, {"transition": "start_check"}, content_type="application/json").status_code
        == 404
    )
    client.force_login(cast.guichet)
    ok = client.post(url, {"transition": "request_complements"}, content_type="application/json")
    assert ok.status_code == 409  # not from "submitted"
    ok = client.post(
        url, {"transition": "start_check", "comment": "Je prends."}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == Status.COMPLETENESS_CHECK
    history = client.get(f"/api/dossiers/dossiers/{dossier.reference}/history/").json()
    assert history[-1]["comment"] == "Je prends." and history[-1]["actor"] == "guichet"


def test_a_member_edits_only_while_the_dossier_is_editable(cast, client):
    dossier = alice_dossier(cast, "submitted")
    client.force_login(cast.bob)
    response = client.patch(
        f"/api/dossiers/dossiers/{dossier.reference}/",
        {"title": "Changé"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).title != "Changé"


def test_the_list_filters_by_status_and_route(cast, client):
    alice_dossier(cast, "submitted", title="Soumis")
    make_draft(cast.alice, title="Brouillon", complete=False)
    client.force_login(cast.alice)
    data = client.get("/api/dossiers/dossiers/", {"status": "submitted"}).json()
    assert [d["title"] for d in data["results"]] == ["Soumis"]


def test_requested_data_and_team_through_the_api(cast, client):
    from catalogue.models import Database

    sniiram = Database.objects.create(acronym="DCIR", name="DCIR")
    dossier = make_draft(cast.alice, complete=False)
    client.force_login(cast.alice)
    url = f"/api/dossiers/dossiers/{dossier.reference}/"
    added = client.post(
        url + "requested-data/",
        {"database": sniiram.pk, "justification": "Soins"},
        content_type="application/json",
    )
    assert added.status_code == 201 and added.json()["name"] == "DCIR — DCIR"
    team = client.post(
        url + "team/", {"user": "bob", "role": "co_leader"}, content_type="application/json"
    )
    assert team.status_code == 201
    client.force_login(cast.bob)
    assert client.get(url).json()["team"] == [{"user": "bob", "role": "co_leader"}]
    refused = client.post(
        url + "team/", {"user": "charlie", "role": "member"}, content_type="application/json"
    )
    assert refused.status_code == 201  # bob is now co-leader
    client.force_login(cast.charlie)
    refused = client.post(
        url + "team/", {"user": "charlie", "role": "co_leader"}, content_type="application/json"
    )
    assert refused.status_code == 403  # a plain member cannot promote himself


def test_requested_data_names_the_tables_variables_through_the_api(cast, client):
    from catalogue.models import Database, Table, Variable
    from tests.access_requests.factories import make_draft

    table = Table.objects.create(
        database=Database.objects.create(acronym="DCIR", name="DCIR"), name="ER_PRS_F"
    )
    Variable.objects.create(table=table, name="EXE_SOI_DTD")
    dossier = make_draft(cast.alice, complete=False)
    client.force_login(cast.alice)
    url = f"/api/dossiers/dossiers/{dossier.reference}/requested-data/"
    unknown = client.post(
        url,
        {"table": table.pk, "variable_names": ["NOPE"], "justification": "x"},
        content_type="application/json",
    )
    assert unknown.status_code == 400 and "NOPE" in unknown.json()["detail"]
    created = client.post(
        url,
        {
            "table": table.pk,
            "variable_names": ["EXE_SOI_DTD"],
            "codes": "CIM-10 I63",
            "justification": "Dates des soins.",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["variables"] == ["EXE_SOI_DTD"]
    assert created.json()["codes"] == "CIM-10 I63"


def test_the_opinion_reasons_go_through_the_api_too(cast, client):
    from tests.access_requests.factories import alice_dossier, file_reports

    dossier = alice_dossier(cast, "cesrees_review")
    file_reports(dossier, cast)
    client.force_login(cast.cesrees)
    url = f"/api/dossiers/dossiers/{dossier.reference}/transition/"
    refused = client.post(
        url,
        {"transition": "file_opinion", "opinion": "unfavourable"},
        content_type="application/json",
    )
    assert refused.status_code == 409 and "motifs" in refused.json()["detail"]
    filed = client.post(
        url,
        {
            "transition": "file_opinion",
            "opinion": "unfavourable",
            "reasons": "Intérêt public non démontré.",
            "recommendations": "Préciser le bénéfice attendu.",
        },
        content_type="application/json",
    )
    assert filed.status_code == 200
    assert filed.json()["cesrees_reasons"] == "Intérêt public non démontré."
