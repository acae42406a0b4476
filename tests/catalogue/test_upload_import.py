"""Table Schema imports from the web: archives read safely, nothing unpacked left behind."""

from __future__ import annotations

import html
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalogue.labels import schema_error_text
from catalogue.models import Database, ImportRun
from catalogue.services.uploads import tableschema_upload_import
from catalogue.tableschema import SchemaErrors
from portal.jobs import job_run_inline
from tests.portal.zipbombs import bomb_entry, entry, zip_of

SUBSET = Path(__file__).resolve().parents[2] / "catalogue" / "fixtures" / "snds-subset"

pytestmark = pytest.mark.django_db


def _subset_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((SUBSET / "schemas" / "BENEFICIAIRE").rglob("*.json")):
            archive.write(path, f"schemas/{path.name}")
    return buffer.getvalue()


def _leftovers(settings) -> list[Path]:
    root = Path(settings.PRIVATE_ROOT) / "catalogue-imports"
    return list(root.rglob("*")) if root.exists() else []


def test_an_inline_zip_import_leaves_no_unpacked_folder_behind(cast, settings, client):
    client.force_login(cast.data)
    upload = SimpleUploadedFile("snds.zip", _subset_zip())
    response = client.post("/catalogue/gestion/", {"database": "SNDS", "files": upload})
    assert response.status_code == 302
    assert Database.objects.get(acronym="SNDS").tables.exists()
    assert _leftovers(settings) == []


def test_a_job_import_removes_the_uploads_once_imported(cast, settings, monkeypatch):
    monkeypatch.setattr("catalogue.services.uploads.INLINE_LIMIT", 10)
    upload = SimpleUploadedFile("snds.zip", _subset_zip())
    job = tableschema_upload_import(files=[upload], database="SNDS", strict=False, by=cast.data)
    assert _leftovers(settings)  # kept for the worker
    job_run_inline(job=job)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert ImportRun.objects.filter(database__acronym="SNDS").exists()
    assert _leftovers(settings) == []


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ([bomb_entry("schemas/IR_BEN_R.json", mib=1024)], "décompresse plus de 200 fois"),
        ([bomb_entry("schemas/IR_BEN_R.json", mib=30, lie=True)], "illisible"),
        ([entry("../../settings.py", b"DEBUG = True")], "chemin interdit"),
        ([entry("schemas/link.json", b"/etc/passwd", mode=0o120777)], "lien symbolique"),
    ],
    ids=["1-gib-bomb", "lying-bomb", "path-escape", "symlink"],
)
def test_a_hostile_archive_is_refused_and_leaves_nothing(cast, settings, members, message):
    upload = SimpleUploadedFile("snds.zip", zip_of(members))
    with pytest.raises(SchemaErrors) as refused:
        tableschema_upload_import(files=[upload], database="SNDS", strict=False, by=cast.data)
    assert message in schema_error_text(refused.value.errors[0])
    assert _leftovers(settings) == []
    assert not (Path(settings.PRIVATE_ROOT).parent / "settings.py").exists()
    assert not Database.objects.filter(acronym="SNDS").exists()


def test_an_upload_over_the_limit_is_refused_before_anything_is_written(cast, settings):
    settings.CATALOGUE_UPLOAD_MAX_BYTES = 1000
    upload = SimpleUploadedFile("snds.zip", _subset_zip())
    with pytest.raises(SchemaErrors) as refused:
        tableschema_upload_import(files=[upload], database="SNDS", strict=False, by=cast.data)
    assert "la limite est de 1000" in schema_error_text(refused.value.errors[0])
    assert _leftovers(settings) == []


def _bad_schema_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "schemas/T_A.json", '{"name": "T_A", "fields": [{"name": "X", "type": "nope"}]}'
        )
    return buffer.getvalue()


def test_a_refused_import_reads_in_the_language_of_the_page(cast, settings, client, monkeypatch):
    monkeypatch.setattr("catalogue.services.uploads.INLINE_LIMIT", 10)
    upload = SimpleUploadedFile("bad.zip", _bad_schema_zip())
    job = tableschema_upload_import(files=[upload], database="SNDS", strict=False, by=cast.data)
    job_run_inline(job=job)
    job.refresh_from_db()
    assert job.status == "failed" and job.error.startswith("catalogue.import_refused|")
    assert "inconnu" not in job.error  # codes and parameters: the page words them
    client.force_login(cast.data)

    english = html.unescape(
        client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    french = html.unescape(
        client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    )

    assert "Import refused, nothing was changed" in english
    assert "T_A.json, field “X”: unknown type “nope”" in english
    assert "inconnu" not in english and "champ" not in english
    assert "T_A.json, champ « X » : type « nope » inconnu" in french


def test_a_refused_inline_import_reads_in_english_on_an_english_page(cast, client):
    client.force_login(cast.data)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    upload = SimpleUploadedFile("bad.zip", _bad_schema_zip())
    page = client.post("/catalogue/gestion/", {"database": "SNDS", "files": upload})
    text = html.unescape(page.content.decode())
    assert page.status_code == 200 and "T_A.json, field “X”: unknown type “nope”" in text
    assert "inconnu" not in text
