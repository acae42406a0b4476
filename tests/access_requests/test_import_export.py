"""Admins import and export dossiers (django-import-export); the status is never imported."""

import pytest
import tablib

from access_requests.admin import DossierResource
from access_requests.models import Dossier, Status
from tests.access_requests.factories import alice_dossier

pytestmark = pytest.mark.django_db


def test_export_then_import_round_trips_without_touching_the_status(cast):
    dossier = alice_dossier(cast, "submitted")
    dataset = DossierResource().export()
    assert dataset.dict[0]["reference"] == dossier.reference
    assert dataset.dict[0]["status"] == "submitted" and dataset.dict[0]["owner"] == "alice"

    rows = tablib.Dataset(headers=["reference", "title", "owner", "route", "status"])
    rows.append([dossier.reference, "Titre corrigé", "alice", "standard", "closed"])
    rows.append(["HDH-2019-0001", "Projet historique", "charlie", "mr004", "authorised"])
    result = DossierResource().import_data(rows, dry_run=False, raise_errors=True)
    assert not result.has_errors()
    dossier.refresh_from_db()
    assert dossier.title == "Titre corrigé" and dossier.status == Status.SUBMITTED
    imported = Dossier.objects.get(reference="HDH-2019-0001")
    assert imported.owner == cast.charlie and imported.status == Status.DRAFT


def test_the_admin_export_page_answers_for_admins(cast, client):
    alice_dossier(cast)
    client.force_login(cast.admin)
    assert client.get("/admin/access_requests/dossier/export/").status_code == 200
    assert client.get("/admin/access_requests/dossier/import/").status_code == 200
    client.force_login(cast.guichet)
    assert client.get("/admin/access_requests/dossier/export/").status_code == 302
