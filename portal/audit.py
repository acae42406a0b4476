"""The audit log's one writer."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .actors import Actor, actor_user
from .audit_actions import AuditAction
from .models import AuditEntry


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, default=str))


def audit_record(
    *,
    actor: Actor | str,
    action: AuditAction | str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record that ``actor`` did ``action`` on ``target``.

    Call it inside the same ``transaction.atomic()`` as the change it records, so that a
    change and its trace are committed (or rolled back) together. ``changes`` is free-form
    JSON, by convention ``{"field": [before, after]}`` or a small summary. ``action`` is one
    of :class:`~portal.audit_actions.AuditAction` (a closed list): any other is refused.
    ``actor`` is a user, ``None`` (the system) or the name of a system actor
    (``"dpo-export"``), kept as its label.
    """
    if action not in AuditAction.values:
        raise ValueError(f"{action!r} is not an audit action: add it to portal/audit_actions.py")
    actor_obj = None if isinstance(actor, str) else actor_user(actor)
    entry = AuditEntry(
        actor=actor_obj,
        actor_repr=(actor_obj.get_username() if actor_obj else (str(actor) if actor else "system"))[
            :150
        ],
        action=str(action),
        changes=_jsonable(changes or {}),
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        entry.target_id = str(target.pk)
        entry.target_repr = str(target)[:255]
    entry.save()
    return entry


def audit_diff(
    instance: models.Model, before: dict[str, Any], fields: list[str]
) -> dict[str, list]:
    """``{"field": [before, after]}`` for the fields of ``instance`` that changed."""
    return {
        f: [before.get(f), getattr(instance, f)]
        for f in fields
        if before.get(f) != getattr(instance, f)
    }
