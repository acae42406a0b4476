"""The audit log records only actions of its closed list, each with a label people read."""

import ast
from pathlib import Path

import pytest

from portal.audit import audit_record
from portal.audit_actions import AuditAction
from portal.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]
APPS = ["portal", "catalogue", "omop", "bibliometrics", "access_requests"]


def _literal_actions():
    """Every ``audit_record(action="…")`` written as a literal in the apps' code."""
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "audit_record":
                    for kw in node.keywords:
                        if kw.arg == "action" and isinstance(kw.value, ast.Constant):
                            yield f"{path.relative_to(ROOT)}:{node.lineno}", kw.value.value


def test_every_action_the_code_records_is_in_the_closed_list():
    found = list(_literal_actions())
    assert len(found) > 40  # the scan sees the code
    assert [(where, a) for where, a in found if a not in AuditAction.values] == []


@pytest.mark.django_db
def test_an_action_outside_the_list_is_refused_and_nothing_is_written(cast):
    with pytest.raises(ValueError, match="audit_actions.py"):
        audit_record(actor=cast.data, action="catalogue.something_new")
    assert not AuditEntry.objects.filter(action="catalogue.something_new").exists()


@pytest.mark.django_db
def test_the_admin_shows_what_happened_in_words(cast, client):
    audit_record(actor=cast.guichet, action=AuditAction.DOSSIER_SEND_TO_CESREES)
    client.force_login(cast.admin)
    page = client.get("/admin/portal/auditentry/").content.decode()
    assert "Dossier transmis au CESREES" in page
