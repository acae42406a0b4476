"""Table Schema imports from the web: archives read safely, nothing unpacked left behind."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

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
    with pytest.raises(SchemaErrors, match=message):
        tableschema_upload_import(files=[upload], database="SNDS", strict=False, by=cast.data)
    assert _leftovers(settings) == []
    assert not (Path(settings.PRIVATE_ROOT).parent / "settings.py").exists()
    assert not Database.objects.filter(acronym="SNDS").exists()


def test_an_upload_over_the_limit_is_refused_before_anything_is_written(cast, settings):
    settings.CATALOGUE_UPLOAD_MAX_BYTES = 1000
    upload = SimpleUploadedFile("snds.zip", _subset_zip())
    with pytest.raises(SchemaErrors, match="limite"):
        tableschema_upload_import(files=[upload], database="SNDS", strict=False, by=cast.data)
    assert _leftovers(settings) == []
