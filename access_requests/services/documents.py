"""The dossier's documents: versioned uploads checked by content, audited reads."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from portal.audit import audit_record

from ..documents import EXTENSIONS, sniff_document
from ..models import (
    Document,
    Dossier,
)
from ..rules import can_upload
from .errors import ActionForbidden, DossierError
from .limits import document_max_bytes


def document_open(*, document: Document, by):
    """The stored file of ``document``, opened for ``by`` (who must see its dossier); every
    read of a dossier document is audited."""
    with transaction.atomic():
        audit_record(
            actor=by,
            action="dossier.document_download",
            target=document.dossier,
            changes={
                "document": document.pk,
                "kind": document.kind,
                "version": document.version,
                "name": document.original_name,
            },
        )
    return document.file.open("rb")


def document_add(*, dossier: Dossier, by, kind: str, upload: UploadedFile) -> Document:
    """Store a new version of a document after checking its type from its content."""
    if not can_upload(by, dossier):
        raise ActionForbidden(_("Vous ne pouvez pas déposer de document sur ce dossier."))
    if kind not in Document.Kind.values:
        raise DossierError(_("Choisissez le type du document."))
    limit = document_max_bytes()
    if upload.size > limit:
        raise DossierError(
            _("Le fichier dépasse %(mb)d Mo : réduisez-le ou découpez-le.")
            % {"mb": limit // (1024 * 1024)}
        )
    mime = sniff_document(upload.file)
    if mime is None:
        raise DossierError(
            _("Le contenu du fichier n'est pas un PDF, un ODT ou un DOCX (quel que soit son nom).")
        )
    stem = (upload.name or "document").rsplit("/", 1)[-1].rsplit(".", 1)[0][:200] or "document"
    name = f"{stem}.{EXTENSIONS[mime]}"
    with transaction.atomic():
        last = (
            Document.objects.select_for_update()
            .filter(dossier=dossier, kind=kind)
            .aggregate(m=Max("version"))["m"]
        )
        document = Document(
            dossier=dossier,
            kind=kind,
            version=(last or 0) + 1,
            original_name=name,
            content_type=mime,
            size=upload.size,
            uploaded_by=by,
        )
        document.file.save(
            f"{dossier.reference}-{kind}-v{document.version}.{EXTENSIONS[mime]}", upload, save=False
        )
        document.save()
        audit_record(
            actor=by,
            action="dossier.document_add",
            target=dossier,
            changes={"document": name, "kind": kind, "version": document.version},
        )
    return document
