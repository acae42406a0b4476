"""Curation of single catalogue objects (the API's writes): one transaction, audited with
a real before/after."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from portal.audit import audit_diff, audit_record
from portal.audit_actions import AuditAction

from ..models import Database, Nomenclature, Table, Variable

# model → (create, update, delete) audit actions: a closed list, never built from strings.
ACTIONS: dict[type[models.Model], tuple[AuditAction, AuditAction, AuditAction]] = {
    Database: (
        AuditAction.CATALOGUE_DATABASE_CREATE,
        AuditAction.CATALOGUE_DATABASE_UPDATE,
        AuditAction.CATALOGUE_DATABASE_DELETE,
    ),
    Table: (
        AuditAction.CATALOGUE_TABLE_CREATE,
        AuditAction.CATALOGUE_TABLE_UPDATE,
        AuditAction.CATALOGUE_TABLE_DELETE,
    ),
    Variable: (
        AuditAction.CATALOGUE_VARIABLE_CREATE,
        AuditAction.CATALOGUE_VARIABLE_UPDATE,
        AuditAction.CATALOGUE_VARIABLE_DELETE,
    ),
    Nomenclature: (
        AuditAction.CATALOGUE_NOMENCLATURE_CREATE,
        AuditAction.CATALOGUE_NOMENCLATURE_UPDATE,
        AuditAction.CATALOGUE_NOMENCLATURE_DELETE,
    ),
}


def _actions(model: type[models.Model]) -> tuple[AuditAction, AuditAction, AuditAction]:
    return ACTIONS[model._meta.concrete_model]


def catalogue_object_create(*, model: type[models.Model], data: dict[str, Any], by):
    """Create one database, table, variable or nomenclature from validated ``data``."""
    with transaction.atomic():
        instance = model(**data)
        instance.full_clean()
        instance.save()
        audit_record(
            actor=by,
            action=_actions(model)[0],
            target=instance,
            changes={f: [None, v] for f, v in data.items()},
        )
    return instance


def catalogue_object_update(*, instance: models.Model, data: dict[str, Any], by):
    """Change the fields of ``data`` on ``instance``; the audit row holds what changed."""
    model = type(instance)
    with transaction.atomic():
        # "Before" comes from the database: the instance may already carry the new values.
        stored = model._default_manager.select_for_update().get(pk=instance.pk)
        fields = list(data)
        before = {f: getattr(stored, f) for f in fields}
        for field, value in data.items():
            setattr(instance, field, value)
        instance.full_clean()
        instance.save()
        audit_record(
            actor=by,
            action=_actions(model)[1],
            target=instance,
            changes=audit_diff(instance, before, fields),
        )
    return instance


def catalogue_object_delete(*, instance: models.Model, by) -> None:
    """Delete one catalogue object (its history stays in simple-history and the audit log)."""
    with transaction.atomic():
        audit_record(
            actor=by,
            action=_actions(type(instance))[2],
            target=instance,
            changes={"deleted": str(instance)},
        )
        instance.delete()
