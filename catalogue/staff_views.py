"""Staff page for django-import-export: upload, dry-run preview with row errors, confirm."""

from __future__ import annotations

import uuid
from pathlib import Path

import tablib
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.permissions import capability_required
from portal.roles import Capability
from portal.uploads import upload_limit

from .resources import RESOURCES

FORMATS = {"csv": "csv", "xlsx": "xlsx", "json": "json"}


def _folder() -> Path:
    folder = Path(settings.PRIVATE_ROOT) / "catalogue-import-export"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _load(path: Path, fmt: str) -> tablib.Dataset:
    mode = "rb" if fmt == "xlsx" else "r"
    with path.open(mode, **({} if fmt == "xlsx" else {"encoding": "utf-8-sig"})) as fh:
        return tablib.Dataset().load(fh.read(), format=fmt)


@capability_required(Capability.CATALOGUE_CURATE)
@upload_limit("CATALOGUE_UPLOAD_MAX_BYTES")
def file_import(request, model):
    if model not in RESOURCES:
        raise Http404
    resource = RESOURCES[model]()
    context = {"model": model, "models": list(RESOURCES), "formats": list(FORMATS)}
    if request.method == "POST" and "confirm" in request.POST:
        token = request.session.get("catalogue_import", {})
        if token.get("id") != request.POST.get("confirm") or token.get("model") != model:
            messages.error(request, _("Aperçu expiré : déposez le fichier à nouveau."))
            return redirect("catalogue:file-import", model=model)
        path = _folder() / token["id"]
        dataset = _load(path, token["format"])
        with transaction.atomic():
            result = resource.import_data(dataset, dry_run=False, raise_errors=True)
            audit_record(
                actor=request.user,
                action="catalogue.file_import",
                target=None,
                changes={"model": model, "totals": dict(result.totals)},
            )
        path.unlink(missing_ok=True)
        del request.session["catalogue_import"]
        messages.success(
            request,
            _("Import terminé : %(new)s créés, %(update)s modifiés, %(skip)s inchangés.")
            % {k: result.totals.get(k, 0) for k in ("new", "update", "skip")},
        )
        return redirect("catalogue:file-import", model=model)
    if request.method == "POST":
        upload = request.FILES.get("file")
        fmt = request.POST.get("format", "csv")
        if upload is None or fmt not in FORMATS:
            messages.error(request, _("Choisissez un fichier et son format."))
            return render(request, "catalogue/file_import.html", context)
        token = uuid.uuid4().hex
        path = _folder() / token
        path.write_bytes(upload.read())
        try:
            dataset = _load(path, fmt)
        except Exception as exc:  # noqa: BLE001 - tablib raises many kinds on bad files
            path.unlink(missing_ok=True)
            messages.error(request, _("Fichier illisible (%(error)s).") % {"error": exc})
            return render(request, "catalogue/file_import.html", context)
        result = resource.import_data(dataset, dry_run=True)
        request.session["catalogue_import"] = {"id": token, "model": model, "format": fmt}
        context.update(
            {
                "result": result,
                "token": token,
                "has_errors": result.has_errors() or result.has_validation_errors(),
            }
        )
    return render(request, "catalogue/file_import.html", context)
