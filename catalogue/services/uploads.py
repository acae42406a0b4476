"""Imports started from the web: uploads are kept as sent, unpacked into a temporary folder
for the import (inline, or by a job), and nothing unpacked outlives the import."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from portal.archives import ArchiveError, Limits, SafeZip
from portal.jobs import job_enqueue

from ..tableschema import SchemaError, SchemaErrors
from .imports import tableschema_import

# Above this many bytes uploaded, the import runs as a background job.
IMPORT_KIND = "catalogue.import"  # declared with its task in catalogue/tasks.py
INLINE_LIMIT = 2 * 1024 * 1024


def _imports_root() -> Path:
    return Path(settings.PRIVATE_ROOT) / "catalogue-imports"


def _limits() -> Limits:
    return Limits(
        entry_bytes=settings.CATALOGUE_UNPACKED_MAX_BYTES,
        total_bytes=settings.CATALOGUE_UNPACKED_MAX_BYTES,
    )


def _refused(name: str, exc: ArchiveError) -> SchemaErrors:
    # the archive's code, worded when shown (catalogue.labels): a job stores no words
    return SchemaErrors([SchemaError(name, "archive", reason=exc.code, **exc.params)])


def _store(files, folder: Path) -> None:
    """Keep the uploads as sent (a retried job reads them again); archives checked now."""
    folder.mkdir(parents=True)
    for upload in files:
        name = Path(upload.name).name
        with (folder / name).open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        if name.lower().endswith(".zip"):
            try:
                SafeZip(folder / name, _limits()).close()  # names, links, sizes, ratios
            except ArchiveError as exc:
                raise _refused(name, exc) from exc


@contextmanager
def _unpacked(upload_dir: Path) -> Iterator[Path]:
    """The stored uploads as one folder (schemas/, nomenclatures/), removed afterwards."""
    work = Path(tempfile.mkdtemp(prefix="work-", dir=_imports_root()))
    try:
        for stored in sorted(upload_dir.iterdir()):
            if stored.name.lower().endswith(".zip"):
                try:
                    with SafeZip(stored, _limits()) as archive:
                        archive.extract(work)
                except ArchiveError as exc:
                    raise _refused(stored.name, exc) from exc
            else:
                (work / "schemas").mkdir(exist_ok=True)
                shutil.copyfile(stored, work / "schemas" / stored.name)
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def tableschema_stored_import(*, upload_dir: str | Path, database: str, strict: bool, by):
    """Import the uploads kept in ``upload_dir`` (see :func:`tableschema_upload_import`)."""
    with _unpacked(Path(upload_dir)) as folder:
        schemas = folder / "schemas" if (folder / "schemas").is_dir() else folder
        nomenclatures = folder / "nomenclatures"
        return tableschema_import(
            paths=[str(schemas)],
            database=database,
            nomenclatures=str(nomenclatures) if nomenclatures.is_dir() else None,
            strict=strict,
            by=by,
        )


def tableschema_upload_import(*, files, database: str, strict: bool, by):
    """Import uploaded schemas: an :class:`ImportRun` when small, else a queued ``Job``.

    The job removes the uploads once it has imported them; an inline import removes them
    before returning.
    """
    size = sum(f.size for f in files)
    if size > settings.CATALOGUE_UPLOAD_MAX_BYTES:
        raise SchemaErrors(
            [
                SchemaError(
                    ", ".join(Path(f.name).name for f in files),
                    "upload_too_large",
                    size=size,
                    limit=settings.CATALOGUE_UPLOAD_MAX_BYTES,
                )
            ]
        )
    folder = _imports_root() / uuid.uuid4().hex
    handed_to_job = False
    try:
        _store(files, folder)
        if size <= INLINE_LIMIT:
            return tableschema_stored_import(
                upload_dir=folder, database=database, strict=strict, by=by
            )
        handed_to_job = True
    finally:
        if not handed_to_job:
            shutil.rmtree(folder, ignore_errors=True)
    return job_enqueue(
        kind=IMPORT_KIND,
        title=f"Import Table Schema → {database}",
        kwargs={"upload_dir": str(folder), "database": database, "strict": strict}
        | {"user_id": by.pk},
        by=by,
    )
