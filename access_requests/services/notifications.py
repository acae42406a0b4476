"""E-mails about a dossier, sent through Celery once the transaction commits."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from portal.roles import Capability, holders_of

from ..models import Dossier


def transition_body(dossier: Dossier, spec, by, comment: str) -> str:
    who = (by.get_full_name() or by.get_username()) if by is not None else _("le portail")
    lines = [
        _("Dossier %(ref)s — %(title)s") % {"ref": dossier.reference, "title": dossier.title},
        _("Étape : %(label)s (par %(who)s)") % {"label": spec.label, "who": who},
        _("Nouveau statut : %(status)s") % {"status": dossier.get_status_display()},
    ]
    if dossier.due_on:
        lines.append(_("Échéance : %(d)s") % {"d": dossier.due_on.strftime("%d/%m/%Y")})
    if comment:
        lines += ["", comment]
    return "\n".join(lines)


def recipients_of(dossier: Dossier, audiences, exclude=None) -> list[str]:
    users = set()
    if "team" in audiences:
        users.add(dossier.owner)
        users.update(m.user for m in dossier.team.select_related("user"))
    if "guichet" in audiences:
        users.update(holders_of(Capability.DOSSIER_INSTRUCT))
    if "projets" in audiences:
        users.update(holders_of(Capability.DOSSIER_FOLLOW))
    if "rapporteurs" in audiences:
        users.update(a.rapporteur for a in dossier.assignments.select_related("rapporteur"))
    return sorted(
        {
            u.email
            for u in users
            if u.email and u.is_active and (exclude is None or u.pk != exclude.pk)
        }
    )


def notify(dossier: Dossier, audiences, *, subject: str, body: str, exclude=None) -> None:
    """E-mail the audiences once the current transaction commits (never before)."""
    recipients = recipients_of(dossier, audiences, exclude=exclude)
    if not recipients:
        return
    url = dossier.get_absolute_url()

    def send():
        from ..tasks import send_dossier_email

        send_dossier_email.delay(subject=subject, body=f"{body}\n\n{url}", recipients=recipients)

    transaction.on_commit(send)
