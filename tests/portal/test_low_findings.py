"""The low findings of the security review, each with the behaviour a user now sees."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.access_requests.factories import PDF, alice_dossier

pytestmark = pytest.mark.django_db


# --- javascript: links -----------------------------------------------------------------


@pytest.mark.parametrize(
    "link", ["javascript:alert(document.cookie)", "JaVaScRiPt:alert(1)", "data:text/html,x"]
)
def test_a_catalogue_documentation_link_must_be_http_or_https(link):
    from tests.catalogue.factories import DatabaseFactory

    database = DatabaseFactory(
        documentation=f"https://documentation-snds.health-data-hub.fr\n{link}"
    )
    with pytest.raises(ValidationError, match="http"):
        database.full_clean()


def test_the_api_refuses_a_javascript_link_and_the_page_never_links_one(cast, client):
    from catalogue.models import Database
    from tests.catalogue.factories import DatabaseFactory

    client.force_login(cast.data)
    response = client.post(
        "/api/catalogue/databases/",
        {"acronym": "EGB", "name": "EGB", "documentation": "javascript:alert(1)"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Database.objects.filter(acronym="EGB").exists()
    # A row stored before the rule still never becomes a link.
    DatabaseFactory(acronym="OLD", documentation="javascript:alert(1)\nhttps://ok.example/")
    page = client.get("/catalogue/b/OLD/").content.decode()
    assert 'href="javascript:' not in page
    assert 'href="https://ok.example/"' in page


# --- curator rule maximum=inf ------------------------------------------------------------


@pytest.mark.parametrize("bound", ["inf", "-inf", "nan", "Infinity", "1e400"])
def test_a_curator_rule_bound_must_be_a_finite_number(cast, bound):
    from catalogue.quality.services import curator_rule_set
    from tests.catalogue.factories import VariableFactory

    variable = VariableFactory(type="integer")
    with pytest.raises(ValidationError, match="nombre"):
        curator_rule_set(variable=variable, by=cast.data, maximum=bound)
    with pytest.raises(ValidationError, match="nombre"):
        curator_rule_set(variable=variable, by=cast.data, minimum=bound)


# --- wrongly-typed Table Schema fields -----------------------------------------------------


@pytest.mark.parametrize(
    ("patch", "where"),
    [
        ({"description": {"fr": "objet"}}, "description"),
        ({"title": ["a", "b"]}, "title"),
        ({"fields": [{"name": "A", "type": "string", "description": ["x"]}]}, "description"),
        ({"fields": [{"name": "A", "type": "string", "nomenclature": {"x": 1}}]}, "nomenclature"),
        (
            {"foreignKeys": [{"fields": 3, "reference": {"resource": "B", "fields": "A"}}]},
            "foreignKeys",
        ),
    ],
)
def test_a_wrongly_typed_table_schema_property_is_refused_not_stored_as_python_text(
    cast, tmp_path, patch, where
):
    from catalogue.models import Table
    from catalogue.services import tableschema_import
    from catalogue.tableschema import SchemaErrors

    schema = {"name": "T", "fields": [{"name": "A", "type": "string"}], **patch}
    path = tmp_path / "T.json"
    path.write_text(json.dumps(schema))
    with pytest.raises(SchemaErrors, match=where):
        tableschema_import(paths=[path], database="SNDS", by=cast.data)
    assert not Table.objects.filter(name="T").exists()


def test_a_number_where_text_is_expected_is_still_read_as_text(cast, tmp_path):
    from catalogue.models import Variable
    from catalogue.services import tableschema_import

    schema = {"name": "T", "fields": [{"name": "A", "type": "string", "length": 8}]}
    path = tmp_path / "T.json"
    path.write_text(json.dumps(schema))
    tableschema_import(paths=[path], database="SNDS", by=cast.data)
    assert Variable.objects.get(name="A").length == "8"


# --- junk BibTeX -----------------------------------------------------------------------------


def test_a_junk_bibtex_file_fails_the_import_with_a_clear_error(tmp_path):
    from bibliometrics import services
    from portal.messages import message_text
    from portal.models import Job

    junk = tmp_path / "export.bib"
    junk.write_text("this is not BibTeX at all\n{}{}}}\n% nothing here\n")
    run = services.import_start(paths=[junk], fmt="bibtex", background=False)
    run.job.refresh_from_db()
    assert run.job.status == Job.Status.FAILED
    error = message_text(run.job.error)  # stored as a code, worded in the reader's language
    assert "Aucune notice" in error and "export.bib" in error
    assert "aucune notice reconnue" in message_text(run.stats["rejects"][0]["reason"])


def test_a_publication_import_over_the_limit_is_refused_before_it_is_stored(cast, settings):
    from bibliometrics import services
    from portal.jobs import JobError
    from portal.messages import message_text

    settings.PUBLICATION_IMPORT_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.ris", b"TY  - JOUR\n" * 500)
    with pytest.raises(JobError) as refused:
        services.import_upload(files=[upload], fmt="ris", by=cast.data)
    assert "la limite est de 1000" in message_text(str(refused.value))
    folder = settings.PRIVATE_ROOT / "bibliometrics"
    assert not folder.exists() or not any(folder.rglob("*.ris"))


# --- team members: no user-name oracle ---------------------------------------------------------


def test_adding_a_team_member_does_not_tell_which_names_exist_or_are_staff(cast, client):
    from django.contrib.auth.models import User

    User.objects.create_user("dormant", is_active=False)
    dossier = alice_dossier(cast)
    client.force_login(cast.alice)
    answers = set()
    for username in ("nobody-by-that-name", "guichet", "admin", "dormant"):
        web = client.post(
            f"/dossiers/{dossier.reference}/equipe/", {"username": username, "role": "member"}
        )
        api = client.post(
            f"/api/dossiers/dossiers/{dossier.reference}/team/",
            {"user": username, "role": "member"},
            content_type="application/json",
        )
        assert api.status_code == 400
        answers.add((web.status_code, _error_text(web.content.decode()), json.dumps(api.json())))
    assert len(answers) == 1, answers
    ok = client.post(
        f"/dossiers/{dossier.reference}/equipe/", {"username": "charlie", "role": "member"}
    )
    assert ok.status_code == 302
    assert dossier.team.filter(user=cast.charlie).exists()


def _error_text(html: str) -> str:
    import re

    return " ".join(re.findall(r'class="fr-error-text"[^>]*>\s*([^<]+)', html))


# --- 403s in the log ----------------------------------------------------------------------------


def test_a_403_is_logged_in_one_line_without_a_traceback(cast, client, caplog):
    client.force_login(cast.alice)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/catalogue/gestion/")
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and all(r.exc_info is None for r in records)
    assert "Traceback" not in caplog.text


# --- uploads measured while they arrive ----------------------------------------------------------


def test_an_upload_over_the_page_limit_is_stopped_before_it_is_written_whole(
    cast, client, settings, tmp_path
):
    settings.ACCESS_DOCUMENT_MAX_BYTES = 100 * 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # anything bigger would go to a temporary file
    dossier = alice_dossier(cast)
    before = dossier.documents.count()
    client.force_login(cast.alice)
    big = SimpleUploadedFile("protocole.pdf", PDF + b"0" * (8 * 1024 * 1024))
    response = client.post(
        f"/dossiers/{dossier.reference}/documents/ajouter/", {"kind": "protocol", "file": big}
    )
    assert response.status_code == 400
    assert list((tmp_path / "uploads").iterdir()) == []
    assert dossier.documents.count() == before
