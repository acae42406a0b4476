"""Writes of the quality app: data files, curator rules, profiling runs and their results."""

from __future__ import annotations

import codecs
import datetime as dt
import math
import re
import uuid
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalogue.models import Table, Variable
from catalogue.profiling import TableProfile, grade_for
from catalogue.profiling.suppression import publishable
from portal.actors import actor_user
from portal.audit import audit_record
from portal.datapaths import DataPathError, PathKind, data_path_resolve, data_root
from portal.disclosure import share_value
from portal.jobs import job_enqueue, job_run_inline
from portal.messages import coded
from portal.models import Job
from portal.roles import Capability

from .models import CuratorRule, DataFile, ProfilingRun, VariableResult

KIND = "quality.profile_table"  # declared with its task in tasks.py
CAPABILITY = Capability.PROFILING_RUN
HEAD_BYTES = 64 * 1024
PARQUET_MAGIC = b"PAR1"
WHAT_TO_SEND = gettext_lazy(
    "Déposez la table exportée en CSV (séparateur « ; » ou « , », UTF-8 ou Latin-1) ou en Parquet."
)


# --------------------------------------------------------------------------- data files


def upload_max_bytes() -> int:
    return settings.PROFILING_UPLOAD_MAX_BYTES


def data_file_format(head: bytes, tail: bytes = b"", *, name: str = "") -> str:
    """``"csv"`` or ``"parquet"`` from the first (and last) bytes of a file, judged by its
    content, not its name. Raises ``ValidationError`` saying what to send instead."""
    if not head:
        raise ValidationError(_("Le fichier « %(name)s » est vide.") % {"name": name})
    if head.startswith(PARQUET_MAGIC):
        if tail and not tail.endswith(PARQUET_MAGIC):
            raise ValidationError(
                _(
                    "Le fichier « %(name)s » est un Parquet tronqué (copie interrompue ?) : "
                    "déposez-le à nouveau."
                )
                % {"name": name}
            )
        return DataFile.Format.PARQUET
    kind = filetype.guess(head)
    if kind is not None:
        raise ValidationError(
            _("Le fichier « %(name)s » est un fichier %(type)s (.%(ext)s), pas une table. %(what)s")
            % {"name": name, "type": kind.mime, "ext": kind.extension, "what": WHAT_TO_SEND}
        )
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(head, final=False)
    except UnicodeDecodeError:
        text = head.decode("latin-1")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
    if "\x00" in text or controls > max(2, len(text) // 100):
        raise ValidationError(
            _(
                "Le fichier « %(name)s » n'est ni un texte CSV ni un Parquet (contenu binaire). "
                "%(what)s"
            )
            % {"name": name, "what": WHAT_TO_SEND}
        )
    return DataFile.Format.CSV


def resolve_data_path(path: str) -> tuple[Path, str]:
    """The file ``path`` names inside ``DATA_ROOT`` (see :mod:`portal.datapaths`) and its
    location relative to ``DATA_ROOT``."""
    try:
        absolute = data_path_resolve(path, kind=PathKind.FILE)
    except DataPathError as exc:
        raise ValidationError(str(exc)) from exc
    return absolute, str(absolute.relative_to(data_root()))


def data_file_attach(
    *, table: Table, by, upload=None, path: str = "", reference_date: dt.date | None = None
) -> DataFile:
    """Attach a data file to ``table``: an upload (copied under ``PRIVATE_ROOT``) or a
    server file under ``DATA_ROOT``. Validated by content and size. ``reference_date`` is
    the end of the period the file covers (ages are computed at it)."""
    if bool(upload) == bool(path and path.strip()):
        raise ValidationError(
            _("Déposez un fichier ou indiquez un chemin sur le serveur (un seul).")
        )
    if upload is not None:
        name = Path(upload.name or "fichier").name
        if upload.size > upload_max_bytes():
            raise ValidationError(
                _(
                    "Le fichier « %(name)s » fait %(size)s, au-delà de la limite de %(max)s pour "
                    "un dépôt : copiez-le dans le dossier de données du serveur et indiquez son "
                    "chemin."
                )
                % {
                    "name": name,
                    "size": filesizeformat(upload.size),
                    "max": filesizeformat(upload_max_bytes()),
                }
            )
        upload.seek(0)
        head = upload.read(HEAD_BYTES)
        tail = b""
        if head.startswith(PARQUET_MAGIC):
            upload.seek(max(0, upload.size - 4))
            tail = upload.read(4)
        fmt = data_file_format(head, tail, name=name)
        location = f"profiling/{table.pk}/{uuid.uuid4().hex}.{fmt}"
        target = Path(settings.PRIVATE_ROOT) / location
        target.parent.mkdir(parents=True, exist_ok=True)
        upload.seek(0)
        with target.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        origin, size = DataFile.Origin.UPLOAD, upload.size
    else:
        absolute, location = resolve_data_path(path)
        name = absolute.name
        size = absolute.stat().st_size
        with absolute.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
            tail = b""
            if head.startswith(PARQUET_MAGIC) and size > 4:
                fh.seek(size - 4)
                tail = fh.read(4)
        fmt = data_file_format(head, tail, name=name)
        origin, target = DataFile.Origin.PATH, None
    try:
        with transaction.atomic():
            data_file = DataFile.objects.create(
                table=table,
                origin=origin,
                location=location,
                original_name=name[:255],
                format=fmt,
                size=size,
                reference_date=reference_date,
                created_by=actor_user(by),
            )
            audit_record(
                actor=by,
                action="quality.data_file_attach",
                target=table,
                changes={"file": name, "origin": origin, "format": fmt, "size": size},
            )
    except Exception:
        if target is not None:
            target.unlink(missing_ok=True)
        raise
    return data_file


# --------------------------------------------------------------------------- rules


def _check_bound(variable: Variable, text: str, label: str) -> str:
    text = (text or "").strip()
    if not text:
        return ""
    if variable.type in ("date", "datetime", "yearmonth"):
        try:
            dt.date.fromisoformat(text[:10])
        except ValueError:
            raise ValidationError(
                _("%(label)s : une date AAAA-MM-JJ est attendue pour %(var)s.")
                % {"label": label, "var": variable.name}
            ) from None
        return text[:10]
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        raise ValidationError(
            _("%(label)s : un nombre est attendu pour %(var)s.")
            % {"label": label, "var": variable.name}
        ) from None
    # "inf" and "nan" parse as floats but are no bound: they broke every later profiling.
    if not math.isfinite(number):
        raise ValidationError(
            _(
                "%(label)s : « %(value)s » n'est pas un nombre fini : une borne finie est "
                "attendue pour %(var)s ; laissez le champ vide pour ne pas borner."
            )
            % {"label": label, "value": text, "var": variable.name}
        )
    return text.replace(",", ".")


def _check_expected(value) -> float | None:
    if value in (None, ""):
        return None
    try:
        rate = float(str(value).replace(",", ".").strip().rstrip("%").strip())
    except ValueError:
        raise ValidationError(
            _("Complétude attendue : un pourcentage entre 0 et 100 est attendu.")
        ) from None
    if not math.isfinite(rate) or not 0 <= rate <= 100:
        raise ValidationError(
            _(
                "Complétude attendue : %(value)s n'a pas de sens, un pourcentage entre 0 et 100 "
                "est attendu."
            )
            % {"value": value}
        )
    return rate


def curator_rule_clean(
    *,
    variable: Variable,
    minimum: str = "",
    maximum: str = "",
    pattern: str = "",
    allowed: list[str] | None = None,
    expected_completeness=None,
) -> dict:
    """The rule's values, checked and normalised; ``ValidationError`` for a rule that makes
    no sense (a bound that is not a finite number or date, minimum above maximum, an
    invalid pattern, an expected completeness outside 0–100). Used by every way a rule is
    saved (pages, admin)."""
    minimum = _check_bound(variable, minimum, _("Minimum"))
    maximum = _check_bound(variable, maximum, _("Maximum"))
    if minimum and maximum:
        lo, hi = (
            (minimum, maximum)
            if variable.type in ("date", "datetime", "yearmonth")
            else (float(minimum), float(maximum))
        )
        if lo > hi:
            raise ValidationError(
                _("Le minimum (%(min)s) dépasse le maximum (%(max)s).")
                % {"min": minimum, "max": maximum}
            )
    pattern = (pattern or "").strip()
    if pattern:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValidationError(_("Motif invalide : %(error)s.") % {"error": exc}) from None
    return {
        "minimum": minimum,
        "maximum": maximum,
        "pattern": pattern,
        "allowed": sorted({str(v).strip() for v in (allowed or []) if str(v).strip()}),
        "expected_completeness": _check_expected(expected_completeness),
    }


RULE_FIELDS = ("minimum", "maximum", "pattern", "allowed", "expected_completeness")


def curator_rule_set(
    *,
    variable: Variable,
    by,
    minimum: str = "",
    maximum: str = "",
    pattern: str = "",
    allowed: list[str] | None = None,
    expected_completeness=None,
) -> CuratorRule:
    """Set the curator's rules of ``variable`` (plausibility bounds, pattern, allowed
    values, expected completeness), checked at its next run."""
    values = curator_rule_clean(
        variable=variable,
        minimum=minimum,
        maximum=maximum,
        pattern=pattern,
        allowed=allowed,
        expected_completeness=expected_completeness,
    )
    with transaction.atomic():
        rule, _created = CuratorRule.objects.select_for_update().get_or_create(variable=variable)
        before = {f: getattr(rule, f) for f in RULE_FIELDS}
        for field, value in values.items():
            setattr(rule, field, value)
        rule.updated_by = actor_user(by)
        rule.save()
        audit_record(
            actor=by,
            action="quality.rule_set",
            target=variable,
            changes={
                f: [before[f], getattr(rule, f)] for f in before if before[f] != getattr(rule, f)
            },
        )
    return rule


# --------------------------------------------------------------------------- runs


def _job_title(table: Table) -> str:
    return coded("quality.title", db=table.database.acronym, table=table.name)


def profiling_start(*, data_file: DataFile, by, inline: bool = False) -> ProfilingRun:
    """Start profiling ``data_file`` as its table's data, as a background job (``inline``:
    for :func:`profiling_run_inline`, not dispatched)."""
    table = data_file.table
    with transaction.atomic():
        job = job_enqueue(
            kind=KIND,
            title=_job_title(table),
            kwargs={"table_id": table.pk, "data_file_id": data_file.pk},
            by=by,
            inline=inline,
        )
        run = ProfilingRun.objects.create(
            table=table, data_file=data_file, job=job, created_by=job.created_by
        )
        audit_record(
            actor=by,
            action="quality.profiling_start",
            target=table,
            changes={"run": run.pk, "file": data_file.original_name},
        )
    return run


def profiling_run_inline(*, data_file: DataFile, by) -> ProfilingRun:
    """Profile ``data_file`` now, in this process (demo, tests, small files): the same job
    row and task body as a worker would run, without the broker."""
    run = profiling_start(data_file=data_file, by=by, inline=True)
    job_run_inline(job=run.job)
    run.refresh_from_db()
    run.job.refresh_from_db()
    return run


def profiling_run_retry_copy(*, original: Job, job: Job, by) -> ProfilingRun:
    """Retry hook of the profiling kind (``tasks.py``): a new run of the same file."""
    previous = ProfilingRun.objects.get(job=original)
    return ProfilingRun.objects.create(
        table=previous.table, data_file=previous.data_file, job=job, created_by=job.created_by
    )


def _variable_score(var: dict) -> float | None:
    completeness = var.get("completeness_score")
    if completeness is None:
        completeness = share_value(var["completeness_pct"])
    values = [
        completeness,
        share_value(var["conformance"]["pct"]),
        share_value(var["plausibility"]["pct"]),
    ]
    kept = [v for v in values if v is not None]
    return round(sum(kept) / len(kept), 1) if kept else None


def profiling_run_store(*, run: ProfilingRun, profile: TableProfile) -> ProfilingRun:
    """Store the **publishable** form of ``profile`` as the results of ``run`` (one
    transaction). The raw profile, with its exact small counts, is not kept."""
    threshold = settings.SMALL_CELL_THRESHOLD
    published = publishable(profile, threshold)
    variables = published.pop("variables")
    by_name = {v.name: v for v in run.table.variables.all()}
    scores = published["scores"]
    with transaction.atomic():
        run.published_at = timezone.now()
        run.small_cell_threshold = threshold
        run.rows_count = str(published["rows_count"])
        run.conformance = scores.get("conformance")
        run.completeness = scores.get("completeness")
        run.plausibility = scores.get("plausibility")
        run.overall = scores.get("overall")
        run.grade = scores.get("grade") or ""
        run.result = published
        run.duration_s = profile.duration_s
        run.save()
        rows = []
        for position, var in enumerate(variables):
            score = _variable_score(var)
            rows.append(
                VariableResult(
                    run=run,
                    variable=by_name.get(var["name"]),
                    name=var["name"],
                    position=position,
                    completeness_pct=share_value(var["completeness_pct"]),
                    conformance_pct=share_value(var["conformance"]["pct"]),
                    plausibility_pct=share_value(var["plausibility"]["pct"]),
                    score=score,
                    grade=grade_for(score) or "",
                    data=var,
                )
            )
        VariableResult.objects.bulk_create(rows)
        audit_record(
            actor=run.created_by,
            action="quality.profiling_store",
            target=run.table,
            changes={"run": run.pk, "grade": run.grade, "rows_count": published["rows_count"]},
        )
    return run


def table_row_count_from_run(*, run: ProfilingRun, by) -> Table:
    """Fill the table's row count from a published profile (the catalogue is public: a
    count below the small-cell threshold is left empty, as the profile publishes it)."""
    table = run.table
    rows = run.result.get("rows_count") if run.result else None
    count = rows if isinstance(rows, int) else None
    if table.row_count == count:
        return table
    with transaction.atomic():
        before = table.row_count
        table.row_count = count
        table.save(update_fields=["row_count", "updated_at"])
        audit_record(
            actor=by,
            action="quality.row_count_from_profile",
            target=table,
            changes={"row_count": [before, count], "run": run.pk},
        )
    return table
