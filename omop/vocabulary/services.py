"""Writes of the vocabulary module: load a bundle, load or curate the SOURCE_TO_CONCEPT_MAP.

Each is one service call with its audit row in the same transaction (STYLE.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max

from omop.etl import athena
from omop.etl.athena import VocabularyError
from portal.actors import actor_user
from portal.audit import audit_record
from portal.messages import coded

from . import store
from .models import MappingDecision, MappingSetVersion, SourceToConceptMap, VocabularyRelease

STCM_COLUMNS = ("source_code", "source_concept_id", "source_vocabulary_id",
                "source_code_description", "target_concept_id", "target_vocabulary_id",
                "valid_start_date", "valid_end_date", "invalid_reason")  # fmt: skip
USAGI_COLUMNS = ("sourceCode", "sourceName", "sourceFrequency", "sourceAutoAssignedConceptIds",
                 "matchScore", "mappingStatus", "equivalence", "statusSetBy", "statusSetOn",
                 "conceptId", "conceptName", "domainId", "mappingType", "comment", "createdBy",
                 "createdOn", "assignedReviewer")  # fmt: skip
FAR_FUTURE = dt.date(2099, 12, 31)
LOAD_KIND = "omop.vocabulary"  # declared with its task in tasks.py


def vocabulary_root() -> Path:
    return Path(settings.DATA_ROOT) / "vocabulary"


def vocabulary_load(
    *, path: str | Path, by=None, progress: Callable[[str, int], None] | None = None
) -> VocabularyRelease:
    """Load the Athena bundle at ``path`` (folder or zip): check every file, write the
    Parquet copy the engines read, stream the tables into the database, swap them in, and
    record the release. Loading the bundle in use again changes nothing (idempotent).
    Raises :class:`VocabularyError` (code, file, line) and leaves the previous vocabulary
    in use."""
    started = time.monotonic()
    root = vocabulary_root()
    root.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="load-", dir=root))
    try:
        bundle = athena.open_bundle(path, workdir)
        fingerprint = bundle.fingerprint()
        current = VocabularyRelease.objects.filter(is_current=True).first()
        if current and current.fingerprint == fingerprint and store.is_loaded():
            return current
        staging = workdir / "parquet"
        convert = functools.partial(
            athena.to_parquet,
            bundle,
            staging,
            memory_limit=settings.OMOP_VOCABULARY_MEMORY,
            temp_dir=workdir / "spill",
            progress=progress,
        )
        if store.is_postgresql() and not connection.in_atomic_block:
            # two processes, two cores: PostgreSQL COPYs the files while DuckDB checks them
            # and writes the engines' Parquet; the swap waits for both. Both report progress
            # (a job's share of files, its cancellation), the copy from its own thread.
            counts = _beside(convert, lambda: store.stage_postgresql(bundle, progress))
            store.swap_postgresql()
        else:
            counts = convert()
            store.load(bundle, staging, progress=progress)
        versions = athena.versions(staging)
        final = root / fingerprint[:16]
        shutil.rmtree(final, ignore_errors=True)
        staging.rename(final)
        with transaction.atomic():
            VocabularyRelease.objects.filter(is_current=True).update(is_current=False)
            release = VocabularyRelease.objects.create(
                created_by=actor_user(by),
                source_name=Path(path).name,
                fingerprint=fingerprint,
                versions=versions,
                row_counts=counts,
                parquet_dir=str(final.relative_to(settings.DATA_ROOT)),
                is_current=True,
                seconds=round(time.monotonic() - started, 1),
            )
            audit_record(
                actor=by,
                action="omop.vocabulary.load",
                target=release,
                changes={"versions": versions, "rows": counts,
                         "previous": current.pk if current else None},
            )  # fmt: skip
        return release
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _beside(main, other):
    """Run ``other`` in a thread while ``main`` runs here; return ``main``'s result. When
    either fails, the staging schema is dropped and the first error (``main``'s check,
    which names the file and line, before a database error) is raised."""
    failure: list[BaseException] = []

    def run():
        try:
            other()
        except BaseException as exc:  # noqa: BLE001 (re-raised in the caller's thread)
            failure.append(exc)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=run, name="vocabulary-copy")
    thread.start()
    try:
        result = main()
    except BaseException:
        thread.join()
        store.drop_staging()
        raise
    thread.join()
    if failure:
        store.drop_staging()
        raise failure[0]
    return result


def current_parquet_dir() -> Path | None:
    """The Parquet copy of the vocabulary in use, for the engines (None when none)."""
    release = VocabularyRelease.objects.filter(is_current=True).first()
    return Path(settings.DATA_ROOT) / release.parquet_dir if release else None


# --- SOURCE_TO_CONCEPT_MAP -------------------------------------------------------------------


def _date(value: str, line: int) -> dt.date:
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise VocabularyError("stcm_bad_date", line=line, value=value)


def _parse_stcm(text: str, source_vocabulary: str | None) -> list[dict]:
    """Rows of a SOURCE_TO_CONCEPT_MAP CSV (OMOP columns) or of a Usagi export."""
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    fields = {f.strip() for f in reader.fieldnames or []}
    rows = []
    if {"sourceCode", "conceptId", "mappingStatus"} <= fields:  # Usagi
        if not source_vocabulary:
            raise VocabularyError("usagi_needs_source_vocabulary")
        for line, row in enumerate(reader, start=2):
            if (row.get("mappingStatus") or "").strip().upper() != "APPROVED":
                continue
            rows.append({
                "line": line, "source_code": row["sourceCode"].strip(),
                "source_vocabulary_id": source_vocabulary,
                "source_code_description": (row.get("sourceName") or "").strip()[:255],
                "target_concept_id": row["conceptId"].strip(),
                "valid_start_date": dt.date(1970, 1, 1), "valid_end_date": FAR_FUTURE,
                "invalid_reason": "",
            })  # fmt: skip
        return rows
    required = {"source_code", "source_vocabulary_id", "target_concept_id"}
    missing = required - fields
    if missing:
        raise VocabularyError("stcm_missing_columns", columns=", ".join(sorted(missing)))
    for line, row in enumerate(reader, start=2):
        if None in row.values() or None in row:
            raise VocabularyError("stcm_wrong_field_count", line=line)
        start = row.get("valid_start_date") or "1970-01-01"
        end = row.get("valid_end_date") or "2099-12-31"
        rows.append({
            "line": line, "source_code": row["source_code"].strip(),
            "source_vocabulary_id": row["source_vocabulary_id"].strip(),
            "source_code_description": (row.get("source_code_description") or "").strip()[:255],
            "target_concept_id": row["target_concept_id"].strip(),
            "valid_start_date": _date(start, line), "valid_end_date": _date(end, line),
            "invalid_reason": (row.get("invalid_reason") or "").strip()[:1],
        })  # fmt: skip
    return rows


def _next_version(*, by, reason: str) -> MappingSetVersion:
    last = MappingSetVersion.objects.select_for_update().aggregate(n=Max("number"))["n"] or 0
    return MappingSetVersion.objects.create(
        number=last + 1,
        created_by=actor_user(by),
        reason=reason[:255],
    )


def stcm_load(
    *, file: str | Path, by=None, source_vocabulary: str | None = None, replace: bool = False
) -> MappingSetVersion:
    """Load a SOURCE_TO_CONCEPT_MAP (CSV with OMOP's columns, or a Usagi export) as a new
    version of the curated map. Every target concept must exist in the loaded vocabulary
    (0 means "no match" and is allowed); a row that breaks a rule stops the load with its
    line, and nothing is written. Rows for a (vocabulary, code) already mapped replace the
    old ones; ``replace`` retires every row not in the file."""
    text = Path(file).read_text(encoding="utf-8-sig")
    rows = _parse_stcm(text, source_vocabulary)
    for row in rows:
        if not row["source_code"] or not row["source_vocabulary_id"]:
            raise VocabularyError("stcm_missing_value", line=row["line"])
        try:
            row["target_concept_id"] = int(row["target_concept_id"])
        except ValueError:
            raise VocabularyError("stcm_bad_concept_id", line=row["line"]) from None
    targets = sorted({r["target_concept_id"] for r in rows} - {0})
    known = store.concepts_by_id(targets)
    for row in rows:
        if row["target_concept_id"] and row["target_concept_id"] not in known:
            raise VocabularyError(
                "stcm_unknown_concept", line=row["line"], concept_id=row["target_concept_id"]
            )
    with transaction.atomic():
        version = _next_version(by=by, reason=f"import {Path(file).name}")
        live = SourceToConceptMap.objects.filter(retired_in__isnull=True)
        keys = {(r["source_vocabulary_id"], r["source_code"]) for r in rows}
        retired = [
            m.pk for m in live
            if replace or (m.source_vocabulary_id, m.source_code) in keys
        ]  # fmt: skip
        SourceToConceptMap.objects.filter(pk__in=retired).update(retired_in=version)
        SourceToConceptMap.objects.bulk_create(
            SourceToConceptMap(
                **{k: v for k, v in row.items() if k != "line"},
                target_vocabulary_id=(known.get(row["target_concept_id"]) or {}).get(
                    "vocabulary_id", "None"
                )[:20],
                added_in=version,
            )
            for row in rows
        )
        audit_record(
            actor=by,
            action="omop.stcm.load",
            target=version,
            changes={"file": Path(file).name, "rows": len(rows), "retired": len(retired)},
        )
    return version


def stcm_rows(version: MappingSetVersion | None = None):
    """The rows of the map as it was at ``version`` (the newest when None)."""
    qs = SourceToConceptMap.objects.all()
    if version is None:
        return qs.filter(retired_in__isnull=True)
    return qs.filter(added_in__number__lte=version.number).exclude(
        retired_in__number__lte=version.number
    )


def mapping_decide(
    *,
    source_vocabulary_id: str,
    source_code: str,
    status: str,
    by,
    target_concept_id: int = 0,
    source_name: str = "",
    source_frequency: int = 0,
    match_score: float = 0.0,
    comment: str = "",
) -> MappingDecision:
    """Record a curator's decision on a source code. An approval maps the code to
    ``target_concept_id`` in a new version of the SOURCE_TO_CONCEPT_MAP (replacing its
    previous mapping); a rejection retires the code's mapping, if any."""
    status = MappingDecision.Status(status)
    concept = {}
    if status == MappingDecision.Status.APPROVED:
        concept = store.concepts_by_id([int(target_concept_id)]).get(int(target_concept_id))
        if not concept:
            raise VocabularyError("concept_unknown", concept_id=target_concept_id)
    with transaction.atomic():
        version = _next_version(
            by=by, reason=f"{status.value} {source_vocabulary_id}:{source_code}"
        )
        previous = list(
            SourceToConceptMap.objects.filter(
                retired_in__isnull=True,
                source_vocabulary_id=source_vocabulary_id,
                source_code=source_code,
            ).values_list("target_concept_id", flat=True)
        )
        SourceToConceptMap.objects.filter(
            retired_in__isnull=True,
            source_vocabulary_id=source_vocabulary_id,
            source_code=source_code,
        ).update(retired_in=version)
        if status == MappingDecision.Status.APPROVED:
            SourceToConceptMap.objects.create(
                source_code=source_code,
                source_vocabulary_id=source_vocabulary_id,
                source_code_description=source_name[:255],
                target_concept_id=concept["concept_id"],
                target_vocabulary_id=concept["vocabulary_id"][:20],
                valid_start_date=dt.date(1970, 1, 1),
                valid_end_date=FAR_FUTURE,
                added_in=version,
            )
        decision = MappingDecision.objects.create(
            source_vocabulary_id=source_vocabulary_id,
            source_code=source_code,
            source_name=source_name[:255],
            source_frequency=source_frequency,
            target_concept_id=int(target_concept_id) if concept else 0,
            target_concept_name=(concept.get("concept_name") or "")[:255],
            target_domain_id=(concept.get("domain_id") or "")[:20],
            match_score=match_score,
            status=status,
            comment=comment,
            decided_by=by,
            mapping_version=version,
        )
        audit_record(
            actor=by,
            action=f"omop.mapping.{status.value}",
            target=decision,
            changes={"target_concept_id": [previous, [decision.target_concept_id]],
                     "version": version.number, "comment": comment},
        )  # fmt: skip
    return decision


def stcm_export_csv(rows: Iterable[SourceToConceptMap]) -> str:
    """The map as OMOP's SOURCE_TO_CONCEPT_MAP CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STCM_COLUMNS)
    for r in rows:
        writer.writerow([getattr(r, c) for c in STCM_COLUMNS])
    return out.getvalue()


def usagi_export_csv(decisions: Iterable[MappingDecision]) -> str:
    """The review decisions in Usagi's export format (one row per decision)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(USAGI_COLUMNS)
    for d in decisions:
        user = d.decided_by.get_username() if d.decided_by else ""
        stamp = int(d.decided_at.timestamp() * 1000)
        writer.writerow([
            d.source_code, d.source_name, d.source_frequency, "", f"{d.match_score:.2f}",
            d.status.upper(), "EQUAL" if d.status == "approved" else "UNREVIEWED", user, stamp,
            d.target_concept_id, d.target_concept_name, d.target_domain_id, "MAPS_TO",
            d.comment, user, stamp, "",
        ])  # fmt: skip
    return out.getvalue()


def vocabulary_load_enqueue(*, by, source_path: str = "", upload=None):
    """Start a vocabulary load as a background job, from a folder or zip under the data
    root, or from an uploaded zip (kept in a private folder the job removes when done)."""
    from omop import services as omop_services
    from portal.jobs import job_enqueue

    if upload is not None:
        if upload.size > settings.OMOP_UPLOAD_MAX_BYTES:
            raise VocabularyError("upload_too_large", limit=settings.OMOP_UPLOAD_MAX_BYTES)
        head = upload.read(4)
        upload.seek(0)
        if head != b"PK\x03\x04":
            raise VocabularyError("bundle_not_a_folder_or_zip", path=upload.name)
        folder = Path(tempfile.mkdtemp(prefix="upload-", dir=_uploads()))
        path = folder / "bundle.zip"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        cleanup = True
    else:
        try:
            path = omop_services.extract_dir_resolve(source_path)
        except omop_services.EtlInputError as exc:
            raise VocabularyError("bundle_not_found", path=source_path) from exc
        cleanup = False
    return job_enqueue(
        kind=LOAD_KIND,
        title=coded("omop.vocabulary_title", name=Path(source_path or upload.name).name[:200]),
        kwargs={"path": str(path), "user_id": by.pk, "cleanup": cleanup},
        by=by,
    )


def _uploads() -> Path:
    folder = Path(settings.PRIVATE_ROOT) / "vocabulary-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
