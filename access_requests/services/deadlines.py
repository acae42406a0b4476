"""Deadlines: CNIL renewal, tacit CESREES opinions, daily reminders and the follow-up of
authorised projects."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit import audit_record
from portal.roles import Capability, holders_of

from .. import calendar as workdays
from ..models import (
    TERMINAL_STATES,
    Dossier,
    HistoryEntry,
    Opinion,
    Status,
)
from ..rules import is_instructor
from .errors import ActionForbidden, DossierError
from .limits import cnil_max_renewals, cnil_months, follow_up_reminder_days
from .notifications import notify
from .transitions import dossier_transition


def cnil_deadline_renew(*, dossier: Dossier, by, comment: str = "") -> Dossier:
    """Renew the CNIL deadline once (two more months)."""
    if not is_instructor(by):
        raise ActionForbidden(_("Seul le guichet prolonge le délai de la CNIL."))
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if dossier.status != Status.CNIL_REVIEW:
            raise DossierError(_("Le délai se prolonge pendant l'instruction par la CNIL."))
        if dossier.cnil_renewals >= cnil_max_renewals():
            raise DossierError(_("Le délai de la CNIL n'est renouvelable qu'une fois."))
        before = dossier.due_on
        dossier.due_on = workdays.add_months(dossier.due_on or timezone.localdate(), cnil_months())
        dossier.cnil_renewals += 1
        dossier.save(update_fields=["due_on", "cnil_renewals", "updated_at"])
        HistoryEntry.objects.create(
            dossier=dossier,
            actor=by,
            transition="renew_cnil_deadline",
            from_status=dossier.status,
            to_status=dossier.status,
            comment=comment,
        )
        audit_record(
            actor=by,
            action="dossier.cnil_renew",
            target=dossier,
            changes={"due_on": [before, dossier.due_on]},
        )
    return dossier


# --- Daily deadlines ------------------------------------------------------------------
def dossiers_apply_tacit_opinions(*, today: date | None = None) -> list[str]:
    """The CESREES month has passed without an opinion: the opinion is tacitly favourable."""
    today = today or timezone.localdate()
    late = Dossier.objects.filter(
        status__in=[Status.SENT_TO_CESREES, Status.CESREES_REVIEW], due_on__lt=today
    )
    done = []
    for dossier in late:
        try:
            dossier_transition(
                dossier=dossier,
                name="file_opinion",
                by=None,
                today=today,
                opinion=Opinion.TACIT,
                comment=_("Avis favorable tacite : le délai d'un mois du CESREES est écoulé."),
            )
            done.append(dossier.reference)
        except DossierError:
            continue  # moved on meanwhile
    return done


def deadlines_remind(*, today: date | None = None, days: int | None = None) -> list[str]:
    """E-mail the guichet the dossiers whose deadline falls within ``days`` days (or passed)."""
    today = today or timezone.localdate()
    days = settings.ACCESS_REMINDER_DAYS if days is None else days
    due = list(
        Dossier.objects.filter(due_on__isnull=False, due_on__lte=today + timedelta(days=days))
        .exclude(status__in=TERMINAL_STATES)
        .order_by("due_on", "reference")
    )
    if not due:
        return []
    lines = [_("Dossiers à échéance dans les %(n)d jours :") % {"n": days}, ""]
    for d in due:
        late = _(" (EN RETARD)") if d.due_on < today else ""
        lines.append(
            f"- {d.reference} — {d.get_status_display()} — {d.due_on:%d/%m/%Y}{late} — {d.title}"
        )
    recipients = sorted(u.email for u in holders_of(Capability.DOSSIER_INSTRUCT) if u.email)
    if recipients:
        from ..tasks import send_dossier_email

        subject = _("Portail HDH : %(n)d dossier(s) à échéance") % {"n": len(due)}
        transaction.on_commit(
            lambda: send_dossier_email.delay(
                subject=subject, body="\n".join(lines), recipients=recipients
            )
        )
    return [d.reference for d in due]


# --- Follow-up of authorised projects -------------------------------------------------
FOLLOW_UP_REMINDERS = (
    # (date field, "already reminded" field, subject)
    (
        "authorisation_expires_on",
        "expiry_reminded_on",
        gettext_lazy("[%(ref)s] L'autorisation arrive à échéance le %(d)s"),
    ),
    (
        "results_due_on",
        "results_reminded_on",
        gettext_lazy("[%(ref)s] Résultats attendus le %(d)s"),
    ),
)


def follow_up_remind(*, today: date | None = None, days: int | None = None) -> list[str]:
    """E-mail the team and the projects directorate once when a running project's
    authorisation expires, or its results are due, within ``days`` days."""
    today = today or timezone.localdate()
    days = follow_up_reminder_days() if days is None else days
    horizon = today + timedelta(days=days)
    running = [Status.AUTHORISED, Status.AGREEMENT_SIGNED, Status.DATA_AVAILABLE]
    running.append(Status.IN_PROGRESS)
    sent = []
    for date_field, flag, subject in FOLLOW_UP_REMINDERS:
        due = Dossier.objects.filter(
            status__in=running,
            **{f"{date_field}__isnull": False, f"{date_field}__lte": horizon, flag: None},
        )
        for dossier in due:
            with transaction.atomic():
                when = getattr(dossier, date_field)
                Dossier.objects.filter(pk=dossier.pk).update(**{flag: today})
                audit_record(
                    actor=None,
                    action="dossier.follow_up_remind",
                    target=dossier,
                    changes={date_field: when},
                )
                notify(
                    dossier,
                    ("team", "projets"),
                    subject=str(subject) % {"ref": dossier.reference, "d": f"{when:%d/%m/%Y}"},
                    body=_("Dossier %(ref)s — %(title)s")
                    % {"ref": dossier.reference, "title": dossier.title},
                )
            sent.append(f"{dossier.reference}:{date_field}")
    return sent
