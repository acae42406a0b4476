import pytest
from django.contrib.auth.models import Group

from portal.audit import audit_record
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_audit_record_keeps_who_what_and_the_changes(cast):
    entry = audit_record(
        actor=cast.guichet,
        action="dossier.submit",
        target=cast.alice,
        changes={"status": ["draft", "submitted"]},
    )
    entry.refresh_from_db()
    assert entry.actor == cast.guichet and entry.actor_repr == "guichet"
    assert entry.target_repr == "alice" and entry.target_id == str(cast.alice.pk)
    assert entry.changes == {"status": ["draft", "submitted"]}


def test_role_changes_are_audited(cast):
    cast.charlie.groups.add(Group.objects.get(name="data"))
    entry = AuditEntry.objects.filter(
        action="account.roles_add", target_id=str(cast.charlie.pk)
    ).first()
    assert entry.changes == {"roles": ["data"]}


def test_the_audit_log_is_read_only_in_admin(client, cast):
    entry = audit_record(actor=cast.alice, action="audit.export", target=None)
    client.force_login(cast.admin)
    assert client.get("/admin/portal/auditentry/").status_code == 200
    assert client.get("/admin/portal/auditentry/?action=audit.export").status_code == 200
    assert client.get("/admin/portal/auditentry/add/").status_code == 403
    response = client.post(f"/admin/portal/auditentry/{entry.pk}/change/", {"action": "forged"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.action == "audit.export"
