"""An upload is imported by a real Celery worker, with progress and the report on the job."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bibliometrics.models import ImportRun, IndicatorSnapshot, Publication
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    """The flush of a transactional test drops the role groups: put them back for ``cast``."""
    from django.contrib.auth.models import Group

    from portal.roles import sync_role_groups

    sync_role_groups(Group)


def test_an_uploaded_file_is_imported_by_the_worker(celery_worker, cast, client):
    client.force_login(cast.data)
    files = [
        SimpleUploadedFile("sample.xml", (DATA / "sample.xml").read_bytes()),
        SimpleUploadedFile("sample.wos", (DATA / "sample.wos").read_bytes()),
    ]
    response = client.post("/publications/imports/", {"files": files, "format": "auto"})
    assert response.status_code == 302
    run = ImportRun.objects.get()

    job = wait_for(
        lambda: (
            (j := client.get(f"/api/jobs/{run.job.pk}/").json())["status"]
            in ("succeeded", "failed")
            and j
        ),
        timeout=120,
        message="the import did not finish",
    )

    assert job["status"] == "succeeded", job["error"]
    assert job["progress"] == 100
    assert (job["result"]["new"], job["result"]["rejected"]) == (3, 2)
    assert "format pubmed-xml" in job["log"]
    assert Publication.objects.filter(pmid="90000031").exists()
    assert IndicatorSnapshot.objects.latest().publications == 2
    page = client.get(f"/publications/imports/{run.pk}/").content.decode()
    assert "notice sans titre" in page  # a reject reason, in the page's language
