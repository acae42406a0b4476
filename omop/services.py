"""Writes of the omop app: starting, cancelling, retrying and recording OMOP conversions.

A conversion is an :class:`~omop.models.EtlJob` bound to a shared :class:`portal.models.Job`
(dispatched on commit by :func:`portal.jobs.job_enqueue`). Two jobs never write the same
output at once: an ``EtlJob`` holds its target (``active``) from creation until its run
ends, and a partial unique constraint refuses a second holder; a target left held by a job
that ended without releasing it (worker killed, cancelled while queued) is released here
before the check.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zipfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.archives import ArchiveError, Limits, SafeZip, archive_error_message
from portal.audit import audit_record
from portal.datapaths import DataPathError, PathKind, data_path_resolve, data_root
from portal.errors import PortalError
from portal.jobs import job_cancel, job_enqueue, job_retry
from portal.messages import coded
from portal.models import Job
from portal.roles import Capability

from .etl.config import EngineConfig, release_date_from_epoch
from .etl.readers import path_bytes
from .labels import generated_extract_label
from .models import SEED_MAX, EtlJob
from .results import table_row_counts

KIND = "omop.etl"  # declared with its task in omop/tasks.py
CAPABILITY = Capability.OMOP_RUN
UPLOAD_SUFFIXES = (".csv", ".parquet", ".txt")


class EtlInputError(PortalError, ValueError):
    """The request cannot start a conversion; the message says what to fix (400).

    ``job_message`` is the same error as a job stores it: a code with its parameters
    (portal.messages) when the message has parameters, worded when the job page renders,
    since the worker that meets it runs in French."""

    def __init__(self, message: str, *, job_message: str = ""):
        super().__init__(message)
        self.job_message = job_message or message


class EtlTargetBusy(EtlInputError):
    """Another queued or running conversion writes the same output (409)."""

    status = 409


class EtlStateError(EtlInputError):
    """The conversion is not in a state that allows the action (409)."""

    status = 409


class EtlOutputMissing(EtlInputError):
    """The conversion has no output to give (404)."""

    status = 404


# --------------------------------------------------------------------------- limits


def upload_max_bytes() -> int:
    return settings.OMOP_UPLOAD_MAX_BYTES


def generated_max_persons() -> int:
    return settings.OMOP_GENERATED_MAX_PERSONS


def download_max_bytes() -> int:
    return settings.OMOP_DOWNLOAD_MAX_BYTES


# ----------------------------------------------------------------------------- engine

# bytes of CSV per generated person (measured: 2,000 persons → 53 MB)
GENERATED_BYTES_PER_PERSON = 26_000


def engine_config(*, vocabulary: bool = False, vocabulary_dir: str | None = None) -> EngineConfig:
    """The engines' configuration, built from the settings (the engines read nothing else).

    ``vocabulary``: map the events with the vocabulary in use (the current release's
    Parquet copy, or ``vocabulary_dir`` when given) and the latest version of the curated
    SOURCE_TO_CONCEPT_MAP; without a loaded vocabulary nothing is mapped."""
    folder, stcm = None, ()
    if vocabulary:
        from .vocabulary.services import current_parquet_dir, stcm_rows

        current = current_parquet_dir()
        folder = vocabulary_dir or (str(current) if current else None)
        if folder:
            stcm = tuple(
                stcm_rows().values_list("source_vocabulary_id", "source_code", "target_concept_id")
            )
    return EngineConfig(
        vocabulary_dir=folder,
        stcm=stcm,
        memory_limit=settings.OMOP_DUCKDB_MEMORY_LIMIT,
        threads=settings.OMOP_DUCKDB_THREADS or None,
        temp_dir=settings.OMOP_TEMP_DIR,
        spark_master_url=settings.SPARK_MASTER_URL or "local[*]",
        spark_driver_memory=settings.SPARK_DRIVER_MEMORY,
        spark_partitions=settings.OMOP_SPARK_SHUFFLE_PARTITIONS or None,
        release_date=release_date_from_epoch(settings.SOURCE_DATE_EPOCH),
    )


def spark_cluster_configured() -> bool:
    return not (settings.SPARK_MASTER_URL or "local").startswith("local")


def default_engine(extract_bytes: int) -> str:
    """DuckDB, unless a Spark cluster is configured and the extract is at least
    ``OMOP_SPARK_MIN_BYTES``: one machine converts what fits its disk, a cluster the rest."""
    if spark_cluster_configured() and extract_bytes >= settings.OMOP_SPARK_MIN_BYTES:
        return EtlJob.Engine.SPARK
    return EtlJob.Engine.DUCKDB


# --------------------------------------------------------------------------- sources


def extract_dir_resolve(relative: str) -> Path:
    """The extract folder ``relative`` names inside ``DATA_ROOT`` (see :mod:`portal.datapaths`)."""
    try:
        return data_path_resolve(relative, kind=PathKind.DIRECTORY)
    except DataPathError as exc:
        stored = coded("omop.data_path", reason=exc.code, **exc.params)
        raise EtlInputError(str(exc), job_message=stored) from exc


def data_root_extracts(*, depth: int = 2) -> list[str]:
    """Folders under ``DATA_ROOT`` that hold at least one CSV or Parquet file."""
    root = data_root()
    if not root.is_dir():
        return []
    found: list[str] = []

    def walk(folder: Path, level: int) -> None:
        try:
            children = sorted(folder.iterdir())
        except OSError:
            return
        if any(
            c.is_file() and c.name.lower().endswith((*UPLOAD_SUFFIXES, ".csv.gz")) for c in children
        ):
            found.append(folder.relative_to(root).as_posix())
        if level < depth:
            for child in children:
                if (
                    child.is_dir()
                    and not child.name.startswith(".")
                    and child.resolve().is_relative_to(root)
                ):
                    walk(child, level + 1)

    for child in sorted(root.iterdir()):
        if (
            child.is_dir()
            and not child.name.startswith(".")
            and child.resolve().is_relative_to(root)
        ):
            walk(child, 1)
    return found


def _upload_limits() -> Limits:
    # Parquet is already compressed and SNDS CSVs compress ~10:1: 20× the upload is plenty.
    unpacked = 20 * upload_max_bytes()
    return Limits(entry_bytes=unpacked, total_bytes=unpacked, ratio=500.0, entries=10_000)


def _is_table_file(name: PurePosixPath) -> bool:
    """Entries converted; hidden files and macOS resource forks are skipped."""
    return not (name.name.startswith(".") or name.parts[0] == "__MACOSX")


def _archive_refused(exc: ArchiveError) -> EtlInputError:
    return EtlInputError(
        _("Archive de l'extrait refusée : %(reason)s") % {"reason": archive_error_message(exc)},
        job_message=coded("omop.archive_refused", reason=exc.code, **exc.params),
    )


def _open_upload(source) -> SafeZip:
    """The upload as a :class:`SafeZip` whose files are all tables, or :class:`EtlInputError`."""
    try:
        archive = SafeZip(source, _upload_limits())
    except ArchiveError as exc:
        raise _archive_refused(exc) from exc
    files = [PurePosixPath(n.replace("\\", "/")) for n in archive.names()]
    if not files:
        archive.close()
        raise EtlInputError(_("L'archive est vide : elle doit contenir les fichiers de l'extrait."))
    for name in files:
        if _is_table_file(name) and not name.name.lower().endswith(UPLOAD_SUFFIXES):
            archive.close()
            raise EtlInputError(
                _(
                    "L'archive ne doit contenir que des fichiers .csv, .parquet ou .txt "
                    "(trouvé : %(name)s)."
                )
                % {"name": name},
                job_message=coded("omop.archive_file_type", name=str(name)),
            )
    return archive


def upload_validate(upload) -> None:
    """Check an uploaded extract: a real zip of CSV/Parquet/TXT files, no path escaping,
    no bomb (see :mod:`portal.archives`)."""
    limit = upload_max_bytes()
    if upload.size > limit:
        raise EtlInputError(
            _("L'archive fait %(size)s Mo ; la limite est de %(limit)s Mo.")
            % {"size": upload.size // 2**20, "limit": limit // 2**20}
        )
    upload.seek(0)
    if not zipfile.is_zipfile(upload):
        raise EtlInputError(_("Le fichier déposé n'est pas une archive zip valide."))
    upload.seek(0)
    try:
        _open_upload(upload).close()
    finally:
        upload.seek(0)


def upload_store(upload) -> Path:
    """Keep a validated upload under ``PRIVATE_ROOT/omop/uploads`` (retries reuse it)."""
    folder = Path(settings.PRIVATE_ROOT) / "omop" / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.zip"
    upload.seek(0)
    with path.open("wb") as out:
        for chunk in (
            upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(2**20), b"")
        ):
            out.write(chunk)
    return path


def upload_unpack(zip_path: Path, folder: Path) -> Path:
    """Unpack a stored upload (checked again) and return the folder holding the tables."""
    folder.mkdir(parents=True, exist_ok=True)
    with _open_upload(zip_path) as archive:
        try:
            archive.extract(folder, accept=_is_table_file)
        except ArchiveError as exc:
            raise _archive_refused(exc) from exc
    # Archives often hold one top folder ("extract/IR_BEN_R.csv"): convert that folder.
    entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return folder


# --------------------------------------------------------------------------- jobs


def _release_stale_targets(target: str) -> None:
    """Free a target still held by jobs that ended without releasing it."""
    EtlJob.objects.filter(target=target, active=True).exclude(
        job__status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
    ).update(active=False)


def etl_job_title(etl_job: EtlJob) -> str:
    """The job's title, as a code the pages word in their language (portal.messages)."""
    if etl_job.source == EtlJob.Source.GENERATED:
        return coded("omop.title_generated", persons=etl_job.persons, seed=etl_job.seed)
    return coded("omop.title", extract=etl_job.extract_label)


def _enqueue(etl_job: EtlJob, *, by) -> EtlJob:
    """Create the Job and save ``etl_job`` bound to it, in the caller's transaction."""
    job = job_enqueue(
        kind=KIND, title=etl_job_title(etl_job), kwargs={"etl_job_id": str(etl_job.pk)}, by=by
    )
    return _bind(etl_job, job)


def _bind(etl_job: EtlJob, job: Job) -> EtlJob:
    """Save ``etl_job`` as the conversion of ``job``, holding its target."""
    _release_stale_targets(etl_job.target)
    etl_job.job = job
    etl_job.active = True
    try:
        with transaction.atomic():
            etl_job.save(force_insert=True)
    except IntegrityError as exc:
        raise EtlTargetBusy(
            _(
                "Une autre conversion en attente ou en cours écrit déjà la sortie "
                "« %(target)s » : attendez sa fin, annulez-la ou choisissez un autre nom."
            )
            % {"target": etl_job.target}
        ) from exc
    return etl_job


def _label(
    *, source: str, source_path: str, upload_name: str, persons: int | None, seed: int | None
) -> str:
    if source == EtlJob.Source.DATA_ROOT:
        return source_path
    if source == EtlJob.Source.UPLOAD:
        return upload_name
    # Stored in the source language whoever creates it, so that the catalogue acronym made from
    # it (catalogue_acronym) is the same for the same extract; pages show display_label.
    with translation.override("fr"):
        return str(generated_extract_label(persons, seed))


def etl_job_create(
    *,
    source: str,
    by,
    engine: str = "",
    output_format: str = EtlJob.Format.CSV,
    target: str = "",
    source_path: str = "",
    upload=None,
    persons: int | None = None,
    seed: int | None = None,
    window_start: dt.date | None = None,
    window_end: dt.date | None = None,
) -> EtlJob:
    """Start a conversion: check its input, create the EtlJob and its Job (dispatched on commit).

    An empty ``engine`` picks :func:`default_engine` from the extract's size.
    Raises :class:`EtlInputError` (message for the user) when the request cannot run, and
    :class:`EtlTargetBusy` when another active job writes ``target``.
    """
    if source not in EtlJob.Source.values:
        raise EtlInputError(_("Source inconnue : choisissez dossier, archive ou extrait généré."))
    if engine and engine not in EtlJob.Engine.values:
        raise EtlInputError(_("Moteur inconnu : choisissez DuckDB ou Spark."))
    if output_format not in EtlJob.Format.values:
        raise EtlInputError(_("Format de sortie inconnu : choisissez CSV, Parquet ou SQLite."))
    if window_start and window_end and window_start > window_end:
        raise EtlInputError(_("La fenêtre commence après sa fin : inversez les deux dates."))
    target = (target or "").strip()
    if target and (slugify(target) != target or len(target) > 64):
        raise EtlInputError(
            _("Le nom de sortie ne doit contenir que des lettres minuscules, chiffres et tirets.")
        )
    upload_name, upload_file = "", ""
    if source == EtlJob.Source.DATA_ROOT:
        extract_dir_resolve(source_path)
        source_path = PurePosixPath(source_path.strip()).as_posix()
        persons = seed = None
    elif source == EtlJob.Source.UPLOAD:
        if upload is None:
            raise EtlInputError(_("Déposez l'archive zip de l'extrait."))
        upload_validate(upload)
        upload_name = Path(getattr(upload, "name", "extrait.zip")).name[:255]
        source_path, persons, seed = "", None, None
    else:
        if persons is None or not 1 <= persons <= generated_max_persons():
            raise EtlInputError(
                _("Le nombre de personnes doit être compris entre 1 et %(max)s.")
                % {"max": generated_max_persons()}
            )
        seed = 0 if seed is None else int(seed)
        if not 0 <= seed <= SEED_MAX:
            raise EtlInputError(
                _("La graine doit être comprise entre 0 et %(max)s.") % {"max": SEED_MAX}
            )
        source_path = ""
    if not engine:
        if source == EtlJob.Source.DATA_ROOT:
            size = path_bytes(extract_dir_resolve(source_path))
        elif source == EtlJob.Source.UPLOAD:
            size = int(getattr(upload, "size", 0) or 0)
        else:
            size = (persons or 0) * GENERATED_BYTES_PER_PERSON
        engine = default_engine(size)
    etl_job = EtlJob(
        source=source,
        source_path=source_path,
        upload_name=upload_name,
        persons=persons,
        seed=seed,
        engine=engine,
        output_format=output_format,
        window_start=window_start,
        window_end=window_end,
    )
    etl_job.target = target or str(etl_job.pk)
    etl_job.extract_label = _label(
        source=source,
        source_path=source_path,
        upload_name=upload_name,
        persons=persons,
        seed=seed,
    )[:255]
    stored = upload_store(upload) if source == EtlJob.Source.UPLOAD else None
    try:
        with transaction.atomic():
            if stored:
                upload_file = str(stored)
                etl_job.upload_file = upload_file
            _enqueue(etl_job, by=by)
            audit_record(
                actor=by,
                action="omop.etl_job.create",
                target=etl_job,
                changes={
                    "source": source,
                    "extract": etl_job.extract_label,
                    "engine": engine,
                    "format": output_format,
                    "target": etl_job.target,
                },
            )
    except BaseException:
        if stored:
            stored.unlink(missing_ok=True)
        raise
    return etl_job


def _copy(etl_job: EtlJob) -> EtlJob:
    fields = [
        "source", "source_path", "upload_file", "upload_name", "persons", "seed",
        "extract_label", "engine", "output_format", "target", "window_start", "window_end",
    ]  # fmt: skip
    return EtlJob(**{f: getattr(etl_job, f) for f in fields})


def etl_job_retry(*, etl_job: EtlJob, by) -> EtlJob:
    """Run a failed or cancelled conversion again, as a new job writing the same target."""
    if etl_job.job.status not in (Job.Status.FAILED, Job.Status.CANCELLED):
        raise EtlStateError(_("Seule une conversion échouée ou annulée peut être relancée."))
    job = job_retry(job=etl_job.job, by=by)
    return EtlJob.objects.get(job=job)


def etl_job_retry_copy(*, original: Job, job: Job, by) -> EtlJob:
    """Retry hook of the conversion kind (``omop/tasks.py``), whichever page retried it:
    the new job gets its own conversion, a copy of the original writing the same target."""
    source = EtlJob.objects.get(job=original)
    new = _bind(_copy(source), job)
    job.task_kwargs = {"etl_job_id": str(new.pk)}
    job.save(update_fields=["task_kwargs"])
    audit_record(
        actor=by, action="omop.etl_job.retry", target=new, changes={"retry_of": str(source.pk)}
    )
    return new


def etl_job_cancel(*, etl_job: EtlJob, by) -> EtlJob:
    """Cancel a queued conversion now; ask a running one to stop at its next step."""
    with transaction.atomic():
        job = job_cancel(job=etl_job.job, by=by)
        if job.status == Job.Status.CANCELLED:
            EtlJob.objects.filter(pk=etl_job.pk).update(active=False)
        audit_record(actor=by, action="omop.etl_job.cancel", target=etl_job)
    etl_job.refresh_from_db()
    return etl_job


def etl_job_steps_save(*, etl_job: EtlJob, steps: dict) -> None:
    """Per-step progress written by the worker (no audit: it is not a state change)."""
    EtlJob.objects.filter(pk=etl_job.pk).update(steps=steps)


def etl_job_record_output(
    *, etl_job: EtlJob, report: dict, results: dict, output_bytes: int, steps: dict
) -> None:
    """Store the (already suppressed) report and results of a finished conversion."""
    with transaction.atomic():
        EtlJob.objects.filter(pk=etl_job.pk).update(
            report=report, results=results, output_bytes=output_bytes, steps=steps
        )
        audit_record(
            actor=None,
            action="omop.etl_job.output",
            target=etl_job,
            changes={"output_bytes": output_bytes, "dq_passed": report.get("dq_passed")},
        )


def etl_job_release(*, etl_job: EtlJob) -> None:
    """The run is over (whatever its outcome): the target may be written by another job."""
    EtlJob.objects.filter(pk=etl_job.pk).update(active=False)


# --------------------------------------------------------------------------- catalogue

TABLE_DESCRIPTIONS = {
    "location": gettext_lazy(
        "Lieux de résidence (commune INSEE) et départements des établissements."
    ),
    "care_site": gettext_lazy(
        "Établissements de soins, identifiés par leur FINESS à 8 caractères."
    ),
    "provider": gettext_lazy(
        "Spécialités médicales et activités de professionnels de santé utilisées."
    ),
    "person": gettext_lazy("Une ligne par patient (pseudonyme et rang de naissance)."),
    "death": gettext_lazy("Décès connus et plausibles."),
    "visit_occurrence": gettext_lazy(
        "Visites : prestations du DCIR regroupées et séjours PMSI MCO."
    ),
    "drug_exposure": gettext_lazy("Délivrances de médicaments (CIP13)."),
    "procedure_occurrence": gettext_lazy(
        "Actes : CCAM du DCIR et du PMSI MCO, actes NGAP des auxiliaires médicaux avec leur "
        "nombre de séances."
    ),
    "visit_detail": gettext_lazy("Passages dans les unités médicales des séjours PMSI MCO."),
    "condition_occurrence": gettext_lazy(
        "Diagnostics : principal, relié et associés des séjours PMSI MCO, affections de "
        "longue durée (ALD)."
    ),
    "device_exposure": gettext_lazy("Dispositifs médicaux délivrés (LPP)."),
    "measurement": gettext_lazy("Actes de biologie (NABM), sans résultat dans le SNDS."),
    "observation": gettext_lazy(
        "Observations : les événements dont le concept standard est une observation (par "
        "exemple les facteurs influant sur l'état de santé, codes Z de la CIM-10) ; vide sans "
        "vocabulaire."
    ),
    "cost": gettext_lazy("Montants en euros des visites, médicaments, actes et dispositifs."),
    "observation_period": gettext_lazy("Période d'observation de chaque patient."),
    "cdm_source": gettext_lazy("Description de la source et de la conversion."),
}
_FIELD_TYPES = {"bigint": "integer", "integer": "integer", "float": "number", "date": "date",
                "datetime": "datetime"}  # fmt: skip


def omop_table_schemas(tables: list[str]) -> list[dict]:
    """Frictionless Table Schemas of OMOP tables, from the OHDSI field-level specification."""
    import csv

    from .etl import spec

    guidance: dict[tuple[str, str], str] = {}
    with spec.SPEC_FILE.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            key = (row["cdmTableName"].lower(), row["cdmFieldName"].lower())
            guidance[key] = row["userGuidance"] if row["userGuidance"] != "NA" else ""
    schemas = []
    for table in tables:
        fields, foreign_keys = [], []
        for fld in spec.fields(table):
            entry = {
                "name": fld.name,
                "type": _FIELD_TYPES.get(fld.datatype, "string"),
                "description": guidance.get((table, fld.name), ""),
                "constraints": {"required": fld.required},
            }
            if fld.datatype.startswith("varchar(") and fld.datatype != "varchar(max)":
                entry["length"] = fld.datatype[len("varchar(") : -1]
            fields.append(entry)
            if fld.fk_table and fld.fk_table in tables and fld.fk_table != table:
                pk = spec.primary_key(fld.fk_table)
                if pk:
                    foreign_keys.append(
                        {"fields": fld.name, "reference": {"resource": fld.fk_table, "fields": pk}}
                    )
        pk = spec.primary_key(table)
        schemas.append(
            {
                "name": table,
                "title": table,
                "produit": "OMOP CDM v5.4",
                "description": str(TABLE_DESCRIPTIONS.get(table, "")),
                "fields": fields,
                "primaryKey": [pk] if pk else [],
                "foreignKeys": foreign_keys,
            }
        )
    return schemas


def catalogue_acronym(etl_job: EtlJob) -> str:
    return ("OMOP-" + slugify(etl_job.extract_label))[:64].rstrip("-")


def etl_job_register_in_catalogue(*, etl_job: EtlJob, by):
    """Describe a succeeded conversion's output in the catalogue: database
    "OMOP CDM — <extract>", its tables and variables from the OMOP specification.

    Re-registering the same extract updates it in place. Row counts are stored only when
    they are published (the catalogue is public): not small, and not giving a small
    difference away beside another table's (:func:`omop.results.table_row_counts`).
    """
    import json
    import tempfile

    from django.conf import settings as conf

    from catalogue.models import Database, Table
    from catalogue.services import tableschema_import

    if etl_job.job.status != Job.Status.SUCCEEDED:
        raise EtlStateError(_("Seule une conversion terminée avec succès peut être cataloguée."))
    tables = [t["table"] for t in etl_job.report.get("rows_written", [])] or list(
        etl_job.report.get("tables", [])
    )
    acronym = catalogue_acronym(etl_job)
    with tempfile.TemporaryDirectory() as tmp:
        for schema in omop_table_schemas(tables):
            (Path(tmp) / f"{schema['name']}.json").write_text(json.dumps(schema), encoding="utf-8")
        with transaction.atomic():
            tableschema_import(
                paths=[tmp],
                database=acronym,
                by=by,
                database_name=f"OMOP CDM — {etl_job.extract_label}"[:255],
            )
            database = Database.objects.get(acronym=acronym)
            database.name = f"OMOP CDM — {etl_job.extract_label}"[:255]
            database.description = _(
                "Sortie au format OMOP CDM v5.4 de la conversion de l'extrait SNDS "
                "« %(extract)s » (moteur %(engine)s, format %(format)s). Identifiants élargis "
                "en bigint, comme dans la conversion de référence du HDH."
            ) % {
                "extract": etl_job.extract_label,
                "engine": etl_job.engine,
                "format": etl_job.output_format,
            }
            database.synthetic = etl_job.source == EtlJob.Source.GENERATED
            database.producer = "Health Data Hub"
            database.keywords = "OMOP, CDM v5.4, SNDS, OHDSI"
            database.themes = "OMOP"
            database.save()
            # Tables side by side (person 200, observation_period 199) must not give a
            # small difference away: the disclosure rule decides which counts to show.
            counts = table_row_counts(
                etl_job.report.get("rows_written", []), conf.SMALL_CELL_THRESHOLD
            )
            for name, published in counts.items():
                table = Table.objects.filter(database=database, name=name).first()
                if table is not None and table.row_count != published:
                    table.row_count = published
                    table.save()
            EtlJob.objects.filter(pk=etl_job.pk).update(catalogue_acronym=acronym)
            audit_record(
                actor=by,
                action="omop.etl_job.register",
                target=etl_job,
                changes={"catalogue": acronym, "tables": len(tables)},
            )
    etl_job.catalogue_acronym = acronym
    return database


def etl_job_output_zip(*, etl_job: EtlJob, by):
    """A temporary file holding the output (and its report) as a zip, or an error.

    Every download is audited (who took which output)."""
    import tempfile

    if etl_job.job.status != Job.Status.SUCCEEDED:
        raise EtlOutputMissing(_("La conversion n'a pas produit de sortie."))
    folder = etl_job.output_dir
    if not folder.is_dir():
        raise EtlOutputMissing(_("La sortie n'existe plus sur le serveur (remplacée ou effacée)."))
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    if sum(p.stat().st_size for p in files) > download_max_bytes():
        raise EtlOutputMissing(
            _("La sortie dépasse %(limit)s Mo : récupérez-la sur le serveur (%(path)s).")
            % {"limit": download_max_bytes() // 2**20, "path": folder}
        )
    out = tempfile.TemporaryFile()  # noqa: SIM115 - returned open, closed by the response
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, arcname=path.relative_to(folder).as_posix())
    out.seek(0)
    with transaction.atomic():
        audit_record(
            actor=by,
            action="omop.output_download",
            target=etl_job,
            changes={"files": len(files), "output": etl_job.output_path},
        )
    return out
