"""Retention of the audit log, and its export for the Data Protection Officer (DPO).

Entries older than ``AUDIT_RETENTION_DAYS`` are first written to a gzipped JSON-lines file
under ``AUDIT_EXPORT_ROOT`` (handed to the DPO, archived with the legal records), then
deleted; the purge itself is an audit entry. Nobody deletes entries by hand (the admin
cannot). ``manage.py audit_export`` gives the DPO any period or person on request.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .audit import audit_record
from .models import AuditEntry

EXPORT_FIELDS = [
    "id",
    "created_at",
    "actor_repr",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "changes",
]


def audit_entries_between(
    *, since: datetime | None = None, until: datetime | None = None, person: str | None = None
) -> QuerySet[AuditEntry]:
    """Entries of a period, optionally only those by or about one username (DPO requests)."""
    entries = AuditEntry.objects.select_related("target_type").order_by("created_at", "id")
    if since:
        entries = entries.filter(created_at__gte=since)
    if until:
        entries = entries.filter(created_at__lt=until)
    if person:
        entries = entries.filter(
            Q(actor_repr=person) | Q(target_type__model="user", target_repr=person)
        )
    return entries


def _row(entry: AuditEntry) -> dict:
    return {
        "id": entry.pk,
        "created_at": entry.created_at.isoformat(),
        "actor_repr": entry.actor_repr,
        "action": entry.action,
        "target_type": entry.target_type.model if entry.target_type else "",
        "target_id": entry.target_id,
        "target_repr": entry.target_repr,
        "changes": entry.changes,
    }


def write_jsonl(entries: Iterable[AuditEntry], out) -> int:
    count = 0
    for entry in entries:
        out.write(json.dumps(_row(entry), cls=DjangoJSONEncoder, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(entries: Iterable[AuditEntry], out) -> int:
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    count = 0
    for entry in entries:
        row = _row(entry)
        row["changes"] = json.dumps(row["changes"], cls=DjangoJSONEncoder, ensure_ascii=False)
        writer.writerow(row)
        count += 1
    return count


def audit_retention_apply(*, now: datetime | None = None) -> dict:
    """Export then delete the entries past their retention; returns what was done."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    export_root = Path(settings.AUDIT_EXPORT_ROOT)
    export_root.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        expired = audit_entries_between(until=cutoff).select_for_update(of=("self",))
        ids = list(expired.values_list("id", flat=True))
        if not ids:
            return {"deleted": 0, "file": None}
        path = export_root / f"audit-until-{cutoff:%Y%m%dT%H%M%S}.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as out:
            written = write_jsonl(audit_entries_between(until=cutoff).iterator(), out)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        deleted, _ = AuditEntry.objects.filter(id__in=ids).delete()
        audit_record(
            actor=None,
            action="audit.retention_purge",
            changes={
                "cutoff": cutoff,
                "retention_days": settings.AUDIT_RETENTION_DAYS,
                "exported": written,
                "deleted": deleted,
                "file": path.name,
                "sha256": digest,
            },
        )
    return {"deleted": deleted, "file": str(path), "sha256": digest}
