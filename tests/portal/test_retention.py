"""The audit log's retention and its export for the DPO are set in settings (issue 20)."""

import csv
import gzip
import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.audit import audit_record
from portal.models import AuditEntry
from portal.retention import audit_retention_apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def export_root(settings, tmp_path):
    settings.AUDIT_EXPORT_ROOT = tmp_path / "audit-exports"
    settings.AUDIT_RETENTION_DAYS = 30
    return settings.AUDIT_EXPORT_ROOT


def _entry(actor, action, days_ago):
    entry = audit_record(actor=actor, action=action, target=actor)
    AuditEntry.objects.filter(pk=entry.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return entry


def test_entries_past_retention_are_exported_for_the_dpo_then_deleted(cast, export_root):
    old = _entry(cast.alice, "account.login", days_ago=31)
    recent = _entry(cast.alice, "account.logout", days_ago=29)
    result = audit_retention_apply()
    assert result["deleted"] == 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()
    (export,) = export_root.iterdir()
    with gzip.open(export, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    assert [(r["id"], r["action"], r["actor_repr"]) for r in rows] == [
        (old.pk, "account.login", "alice")
    ]
    purge = AuditEntry.objects.get(action="audit.retention_purge")
    assert purge.changes["deleted"] == 1 and purge.changes["file"] == export.name
    assert purge.changes["retention_days"] == 30


def test_nothing_is_deleted_within_retention(cast, export_root):
    entry = _entry(cast.alice, "account.login", days_ago=1)
    before = AuditEntry.objects.count()
    assert audit_retention_apply() == {"deleted": 0, "file": None}
    assert AuditEntry.objects.count() == before and AuditEntry.objects.filter(pk=entry.pk)


def test_the_retention_runs_every_night(settings):
    assert settings.CELERY_BEAT_SCHEDULE["portal-audit-retention"]["task"] == (
        "portal.audit_retention"
    )


def test_the_dpo_exports_everything_by_or_about_one_person(cast, export_root, tmp_path):
    _entry(cast.alice, "account.login", days_ago=3)
    _entry(cast.bob, "account.login", days_ago=3)
    audit_record(actor=cast.admin, action="account.roles_add", target=cast.alice)
    out = tmp_path / "alice.csv"
    call_command("audit_export", "--person", "alice", "--output", str(out), stderr=io.StringIO())
    with out.open(encoding="utf-8") as text:
        rows = list(csv.DictReader(text))
    assert {(r["actor_repr"], r["action"]) for r in rows} == {
        ("alice", "account.login"),  # by her
        ("admin", "account.roles_add"),  # about her
        ("system", "account.roles_add"),  # about her, when the test cast was made
    }
    assert all("bob" not in (r["actor_repr"], r["target_repr"]) for r in rows)
    assert AuditEntry.objects.filter(action="audit.export").exists()
