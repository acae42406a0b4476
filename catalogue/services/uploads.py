"""Imports started from the web: uploaded files are unpacked, then imported now or by a job."""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path

from django.conf import settings

from portal.jobs import job_enqueue

from ..tableschema import SchemaError, SchemaErrors
from .imports import tableschema_import

# Above this many bytes uploaded, the import runs as a background job.
INLINE_LIMIT = 2 * 1024 * 1024


def _unpack(files, folder: Path) -> None:
    for upload in files:
        name = Path(upload.name).name
        if name.lower().endswith(".zip"):
            try:
                with zipfile.ZipFile(upload) as zf:
                    for member in zf.infolist():
                        target = (folder / member.filename).resolve()
                        if not str(target).startswith(str(folder.resolve())):
                            raise SchemaErrors(
                                [SchemaError(name, "chemin interdit dans l'archive")]
                            )
                        if not member.is_dir():
                            target.parent.mkdir(parents=True, exist_ok=True)
                            target.write_bytes(zf.read(member))
            except zipfile.BadZipFile as exc:
                raise SchemaErrors([SchemaError(name, "archive ZIP illisible")]) from exc
        else:
            (folder / "schemas").mkdir(parents=True, exist_ok=True)
            with (folder / "schemas" / name).open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)


def tableschema_upload_import(*, files, database: str, strict: bool, by):
    """Import uploaded schemas: an :class:`ImportRun` when small, else a queued ``Job``."""
    folder = Path(settings.PRIVATE_ROOT) / "catalogue-imports" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    _unpack(files, folder)
    schemas = folder / "schemas" if (folder / "schemas").is_dir() else folder
    nomenclatures = folder / "nomenclatures"
    kwargs = {
        "paths": [str(schemas)],
        "database": database,
        "nomenclatures": str(nomenclatures) if nomenclatures.is_dir() else None,
        "strict": strict,
    }
    size = sum(f.size for f in files)
    if size <= INLINE_LIMIT:
        return tableschema_import(**kwargs, by=by)
    return job_enqueue(
        kind="catalogue.import",
        title=f"Import Table Schema → {database}",
        task="catalogue.import_tableschema",
        kwargs=kwargs | {"user_id": by.pk},
        by=by,
        capability="catalogue.curate",
    )
