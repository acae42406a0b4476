"""The porteur–guichet thread, internal notes and read receipts."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.actors import is_signed_in
from portal.audit import audit_record

from ..models import (
    Dossier,
    Message,
    MessageRead,
)
from ..rules import (
    can_post_thread,
    is_contributor,
    is_hdh_staff,
)
from .errors import ActionForbidden, require_text
from .notifications import notify


def messages_mark_read(*, dossier: Dossier, user) -> None:
    """``user`` has now read every message of ``dossier`` (a read receipt, not audited: it
    changes nothing of the dossier)."""
    if not is_signed_in(user):
        return
    MessageRead.objects.update_or_create(
        user=user, dossier=dossier, defaults={"read_at": timezone.now()}
    )


def message_post(*, dossier: Dossier, by, body: str, kind: str = Message.Kind.THREAD) -> Message:
    """A message in the porteur–guichet thread, or an internal staff note."""
    body = require_text(body, _("Le message est vide."))
    if kind == Message.Kind.INTERNAL:
        if not is_hdh_staff(by):
            raise ActionForbidden(_("Les notes internes sont réservées aux équipes du HDH."))
    elif not can_post_thread(by, dossier):
        raise ActionForbidden(_("Vous ne pouvez pas écrire sur ce dossier."))
    with transaction.atomic():
        message = Message.objects.create(dossier=dossier, author=by, body=body, kind=kind)
        audit_record(actor=by, action=f"dossier.message_{kind}", target=dossier)
        if kind == Message.Kind.THREAD:
            audience = ("guichet",) if is_contributor(by, dossier) else ("team",)
            notify(
                dossier,
                audience,
                subject=_("[%(ref)s] Nouveau message") % {"ref": dossier.reference},
                body=body,
                exclude=by,
            )
    return message
