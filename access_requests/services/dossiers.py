"""Creating, editing, archiving a dossier and publishing its results."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_diff, audit_record
from portal.roles import Capability, can

from ..models import (
    CONTENT_FIELDS,
    Dossier,
    Status,
)
from ..rules import (
    can_edit,
    can_publish_results,
)
from .errors import ActionForbidden, DossierError, InvalidDossier, require_text

DOSSIER_FIELDS = CONTENT_FIELDS


def next_reference(year: int) -> str:
    prefix = f"HDH-{year}-"
    last = Dossier.objects.filter(reference__startswith=prefix).aggregate(m=Max("reference"))["m"]
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def check_study_period(start: date | None, end: date | None) -> None:
    """A study period ends on or after its start (the form says it first, the service too)."""
    if start and end and end < start:
        raise InvalidDossier(
            _("La période d'étude finit le %(end)s, avant son début le %(start)s.")
            % {"end": end.strftime("%d/%m/%Y"), "start": start.strftime("%d/%m/%Y")}
        )


def dossier_create(*, by, title: str, **fields) -> Dossier:
    """A new draft dossier led by ``by``, with the next reference of the year."""
    if not can(by, Capability.DOSSIER_CREATE):
        raise ActionForbidden(_("Seuls les porteurs de projet créent des dossiers."))
    unknown = set(fields) - set(DOSSIER_FIELDS)
    if unknown:
        raise InvalidDossier(_("Champs inconnus : %(f)s") % {"f": ", ".join(sorted(unknown))})
    check_study_period(fields.get("study_start"), fields.get("study_end"))
    year = timezone.localdate().year
    for _attempt in range(5):
        try:
            with transaction.atomic():
                dossier = Dossier.objects.create(
                    reference=next_reference(year), title=title, owner=by, **fields
                )
                audit_record(
                    actor=by, action="dossier.create", target=dossier, changes={"title": title}
                )
                return dossier
        except IntegrityError:
            continue  # two dossiers took the same number at once: take the next one
    raise DossierError(_("Impossible d'attribuer une référence, réessayez."))


def dossier_update(*, dossier: Dossier, by, data: dict) -> Dossier:
    """Change the content of a dossier the porteur may still edit."""
    if not can_edit(by, dossier):
        raise ActionForbidden(_("Ce dossier ne peut pas être modifié à cette étape."))
    fields = [f for f in data if f in DOSSIER_FIELDS]
    check_study_period(
        data.get("study_start", dossier.study_start), data.get("study_end", dossier.study_end)
    )
    with transaction.atomic():
        # "Before" from the database: a ModelForm has already written the new values into
        # ``dossier`` when it validated.
        stored = Dossier.objects.select_for_update().get(pk=dossier.pk)
        before = {f: getattr(stored, f) for f in fields}
        for f in fields:
            setattr(dossier, f, data[f])
        dossier.save()
        audit_record(
            actor=by,
            action="dossier.update",
            target=dossier,
            changes=audit_diff(dossier, before, fields),
        )
    return dossier


def results_publish(*, dossier: Dossier, by, summary: str) -> Dossier:
    """Publish the project's results in the public directory (leaders or projets)."""
    if dossier.status not in (Status.IN_PROGRESS, Status.CLOSED):
        raise DossierError(_("Les résultats se publient une fois le projet démarré."))
    if not can_publish_results(by, dossier):
        raise ActionForbidden(_("Votre rôle ne permet pas de publier les résultats."))
    summary = require_text(summary, _("Décrivez les résultats publiés."))
    with transaction.atomic():
        dossier.results_summary = summary
        dossier.results_published_on = timezone.localdate()
        dossier.save(update_fields=["results_summary", "results_published_on", "updated_at"])
        audit_record(actor=by, action="dossier.results_publish", target=dossier)
    return dossier


def dossier_archive(*, dossier: Dossier, by, reason: str) -> Dossier:
    """Archive a dossier: the legal record stays whole (never deleted), out of daily work.

    Only the guichet and admins archive; the reason is required and audited.
    """
    if not (getattr(by, "is_superuser", False) or can(by, Capability.DOSSIER_INSTRUCT)):
        raise ActionForbidden(_("Seuls le guichet et les administrateurs archivent un dossier."))
    reason = require_text(reason, _("Indiquez le motif de l'archivage."))
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if dossier.archived_at is not None:
            raise DossierError(_("Ce dossier est déjà archivé."))
        dossier.archived_at = timezone.now()
        dossier.archive_reason = reason
        dossier.archived_by = by
        dossier.save(update_fields=["archived_at", "archive_reason", "archived_by"])
        audit_record(
            actor=by,
            action="dossier.archive",
            target=dossier,
            changes={"archived_at": [None, dossier.archived_at], "reason": reason},
        )
    return dossier
