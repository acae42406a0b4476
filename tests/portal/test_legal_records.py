"""Legal records are never deleted from the admin; dossiers are archived with a reason;
the admin's sections carry names people understand (issue 20)."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from access_requests import services
from access_requests.models import Document, Dossier, HistoryEntry
from portal.models import AuditEntry
from tests.access_requests.factories import alice_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(cast):
    dossier = alice_dossier(cast, "submitted")
    assert dossier.documents.exists() and dossier.history.exists()
    return dossier


def _admin_url(obj, view):
    meta = obj._meta
    return f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/{view}/"


def test_an_admin_cannot_delete_a_dossier_its_documents_history_or_the_audit_log(
    client, cast, dossier
):
    client.force_login(cast.admin)
    records = [
        dossier,
        dossier.documents.first(),
        dossier.history.first(),
        AuditEntry.objects.filter(target_id=str(dossier.pk)).first(),
    ]
    for record in records:
        assert client.get(_admin_url(record, "delete")).status_code == 403, record
        assert client.post(_admin_url(record, "delete"), {"post": "yes"}).status_code == 403
    assert Dossier.objects.filter(pk=dossier.pk).exists()
    assert Document.objects.filter(pk=records[1].pk).exists()
    assert HistoryEntry.objects.filter(dossier=dossier).exists()


@pytest.mark.parametrize("model", [Dossier, Document, HistoryEntry, AuditEntry])
def test_no_bulk_delete_is_offered_for_legal_records(client, cast, dossier, model):
    client.force_login(cast.admin)
    meta = model._meta
    page = client.get(f"/admin/{meta.app_label}/{meta.model_name}/").content.decode()
    assert 'value="delete_selected"' not in page
    ids = list(model.objects.values_list("pk", flat=True))
    client.post(
        f"/admin/{meta.app_label}/{meta.model_name}/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert model.objects.count() == len(ids)


def test_an_admin_archives_a_dossier_with_a_reason_and_it_is_audited(client, cast, dossier):
    client.force_login(cast.admin)
    url = "/admin/access_requests/dossier/"
    form = client.post(url, {"action": "archive", "_selected_action": [dossier.pk]})
    assert "Motif de l" in form.content.decode()
    client.post(
        url,
        {
            "action": "archive",
            "_selected_action": [dossier.pk],
            "apply": "1",
            "reason": "Doublon du dossier 2026-0001",
        },
    )
    dossier.refresh_from_db()
    assert dossier.archived_at is not None and dossier.archived_by == cast.admin
    entry = AuditEntry.objects.get(action="dossier.archive", target_id=str(dossier.pk))
    assert entry.changes["reason"] == "Doublon du dossier 2026-0001"


def test_a_dossier_is_not_archived_without_a_reason(cast, dossier):
    with pytest.raises(services.DossierError):
        services.dossier_archive(dossier=dossier, by=cast.guichet, reason="  ")
    with pytest.raises(services.ActionForbidden):
        services.dossier_archive(dossier=dossier, by=cast.alice, reason="je n'en veux plus")
    dossier.refresh_from_db()
    assert dossier.archived_at is None


def test_admin_sections_carry_names_people_understand(client, cast):
    request = RequestFactory().get("/admin/")
    request.user = cast.admin
    sections = admin.site.get_app_list(request)
    raw = {
        (s["name"], s["app_label"])
        for s in sections
        if s["name"].lower() == s["app_label"].lower() or "_" in s["name"]
    }
    assert not raw, raw
    client.force_login(cast.admin)
    page = client.get("/admin/").content.decode()
    assert "AXES" not in page and "Axes" not in page and "OTP_" not in page
    assert "Connexions échouées et blocages" in page
