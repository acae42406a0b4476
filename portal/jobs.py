"""The one background-job pattern of the portal.

A :class:`~portal.models.Job` row is the truth about a job; Celery only carries it out.

* :func:`job_task` declares a job kind, once, in its app's ``tasks.py``: the kind stored on
  the row, the Celery task name, the capability that lets others see it, and the hook that
  gives a retried job its own domain row. It turns ``def run(ctx, **kwargs)`` into a
  Celery task that moves the row through running → succeeded / failed / cancelled, with
  progress, a log tail and a heartbeat that lets :func:`jobs_fail_stale` notice a dead
  worker.
* :func:`job_enqueue` creates the row of a kind (audited) and dispatches it on commit;
  ``inline=True`` creates it for :func:`job_run_inline`, which runs the same task body in
  this process (demo seeders, small files, tests): no broker needed.
* :func:`job_retry` creates the new job and calls the kind's retry hook in the same
  transaction, so the worker finds the job complete.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from .actors import actor_user
from .audit import audit_record
from .errors import Conflict
from .messages import coded
from .models import Job

logger = logging.getLogger(__name__)

LOG_TAIL_LINES = 200


class JobError(Conflict):
    """A failure whose message tells the user what to fix (shown as is on the job page;
    409 in the API: the job is not in a state that allows the action)."""


class JobCancelled(Exception):
    """Raised inside a job when its cancellation was requested."""


class WorkerStopping(BaseException):
    """Raised inside a job when its worker process is told to stop (SIGTERM at the end of a
    bounded warm shutdown): the job is handed back, failed and retryable, not left running.
    A BaseException so that no ``except Exception`` in a job swallows it."""


def _on_sigterm(signum, frame):
    raise WorkerStopping


@contextmanager
def _stoppable():
    """In a prefork pool process, turn the pool's SIGTERM into :class:`WorkerStopping`.

    The pool's main process keeps Celery's own handlers (warm shutdown); a job run inline
    (tests, the demo, ``--pool=solo``) is left alone too."""
    from billiard.process import current_process

    in_pool = current_process().name.startswith("ForkPoolWorker")
    if not in_pool or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


RetryHook = Callable[..., None]


@dataclass(frozen=True)
class JobKind:
    """One kind of background job, declared once with :func:`job_task`.

    ``on_retry(original=, job=, by=)`` runs in the transaction that creates the retry
    ``job`` of ``original``: the app copies its domain row (the conversion, the profiling
    run) onto the new job, and may update ``job.task_kwargs`` (saved) before dispatch.
    """

    kind: str
    task: str
    capability: str
    body: Callable[..., Any]
    on_retry: RetryHook | None = None


_KINDS: dict[str, JobKind] = {}


def job_kind(kind: str) -> JobKind:
    """The declaration of ``kind``; the apps' ``tasks`` modules are imported on first use
    (the web process does not import them otherwise)."""
    if kind not in _KINDS:
        autodiscover_modules("tasks")
    try:
        return _KINDS[kind]
    except KeyError:
        raise LookupError(f"unknown job kind {kind!r}: declare it with @job_task") from None


def job_enqueue(
    *,
    kind: str,
    title: str,
    kwargs: dict[str, Any] | None = None,
    by=None,
    retry_of: Job | None = None,
    inline: bool = False,
) -> Job:
    """Create a queued job of ``kind`` and dispatch it to a worker once the transaction
    commits; with ``inline``, nothing is dispatched: the caller runs it with
    :func:`job_run_inline` after its transaction."""
    declared = job_kind(kind)
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            title=title[:255],
            task_name=declared.task,
            task_kwargs=kwargs or {},
            created_by=actor_user(by),
            capability=declared.capability,
            retry_of=retry_of,
        )
        changes = {"task": declared.task, "kind": kind} | ({"inline": True} if inline else {})
        audit_record(actor=by, action="job.enqueue", target=job, changes=changes)
        if not inline:
            transaction.on_commit(lambda: _dispatch(job))
    return job


def job_run_inline(*, job: Job) -> Job:
    """Run a queued job in this process, with the same body, states and audit as a worker
    (the demo and the no-broker paths). Call it outside the transaction that created it."""
    run_job(job_kind(job.kind).body, str(job.pk), dict(job.task_kwargs))
    job.refresh_from_db()
    return job


def _dispatch(job: Job) -> None:
    from .celery import app

    job.refresh_from_db(fields=["task_kwargs"])  # as the creating transaction left them
    app.send_task(job.task_name, kwargs={**job.task_kwargs, "job_id": str(job.pk)})


def job_cancel(*, job: Job, by) -> Job:
    """Cancel a queued job at once; ask a running one to stop at its next checkpoint."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.is_finished:
            raise JobError(_("Cette tâche est déjà terminée."))
        before = job.status
        job.cancel_requested = True
        fields = ["cancel_requested"]
        if job.status == Job.Status.QUEUED:
            job.status = Job.Status.CANCELLED
            job.finished_at = timezone.now()
            job.message = _("Annulée avant son démarrage.")
            fields += ["status", "finished_at", "message"]
        job.save(update_fields=fields)
        audit_record(
            actor=by, action="job.cancel", target=job, changes={"status": [before, job.status]}
        )
    return job


def job_retry(*, job: Job, by) -> Job:
    """Start the same task again, as a new job linked to the failed or cancelled one; the
    kind's retry hook gives it its own domain row in the same transaction."""
    if job.status not in (Job.Status.FAILED, Job.Status.CANCELLED):
        raise JobError(_("Seule une tâche échouée ou annulée peut être relancée."))
    declared = job_kind(job.kind)
    with transaction.atomic():
        new = job_enqueue(
            kind=job.kind, title=job.title, kwargs=job.task_kwargs, by=by, retry_of=job
        )
        if declared.on_retry:
            declared.on_retry(original=job, job=new, by=by)
    return new


def jobs_fail_stale(*, timeout: timedelta | None = None) -> int:
    """Mark failed the running jobs whose worker stopped sending heartbeats."""
    timeout = timeout or timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT_SECONDS)
    limit = timezone.now() - timeout
    count = 0
    for job in Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=limit):
        with transaction.atomic():
            updated = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                status=Job.Status.FAILED,
                finished_at=timezone.now(),
                error=_(
                    "Le worker qui exécutait cette tâche ne répond plus (arrêté ou tué). "
                    "Relancez la tâche."
                ),
            )
            if updated:
                audit_record(
                    actor=None,
                    action="job.fail_stale",
                    target=job,
                    changes={"status": ["running", "failed"]},
                )
                count += 1
    return count


class JobContext:
    """What a job function gets: progress, log, cancellation checks."""

    def __init__(self, job: Job, *, min_interval: float = 0.5):
        self.job = job
        self._min_interval = min_interval
        self._last_write = 0.0
        self._pending_log: list[str] = []
        self._lock = threading.Lock()

    def progress(self, percent: float, message: str = "", *, force: bool = False) -> None:
        """Report progress (0–100). Writes are throttled; the last one always lands."""
        self.job.progress = max(0, min(100, int(percent)))
        if message:
            self.job.message = message[:500]
        now = time.monotonic()
        if force or now - self._last_write >= self._min_interval:
            self.flush()

    def log(self, line: str) -> None:
        logger.info("[job %s] %s", self.job.pk, line)
        with self._lock:
            self._pending_log.append(f"{timezone.now():%H:%M:%S} {line}")

    def flush(self) -> None:
        with self._lock:
            if self._pending_log:
                lines = (self.job.log.splitlines() + self._pending_log)[-LOG_TAIL_LINES:]
                self.job.log = "\n".join(lines)
                self._pending_log = []
        self._last_write = time.monotonic()
        Job.objects.filter(pk=self.job.pk).update(
            progress=self.job.progress,
            message=self.job.message,
            log=self.job.log,
            heartbeat_at=timezone.now(),
        )

    def check_cancelled(self) -> None:
        if Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise JobCancelled

    @property
    def cancelled(self) -> bool:
        return Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists()


class _Heartbeat(threading.Thread):
    """Keeps ``heartbeat_at`` fresh while a long step runs without reporting progress."""

    def __init__(self, job_id, interval: float):
        super().__init__(daemon=True)
        self.job_id = job_id
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        finally:
            connection.close()


def _finish(job: Job, status: str, **fields) -> None:
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), **fields)
        audit_record(
            actor=None, action=f"job.{status}", target=job, changes={"status": ["running", status]}
        )


def run_job(fn: Callable[..., Any], job_id: str, kwargs: dict[str, Any]) -> None:
    """Run ``fn`` for the job ``job_id`` (the body of every job task)."""
    try:
        job = Job.objects.get(pk=job_id)
    except Job.DoesNotExist:
        logger.warning("job %s vanished before it started", job_id)
        return
    # A redelivered message (worker restart, acks_late) or a job cancelled while queued.
    claimed = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    if not claimed:
        return
    job.refresh_from_db()
    ctx = JobContext(job)
    beat = _Heartbeat(job.pk, interval=max(1.0, settings.JOB_HEARTBEAT_TIMEOUT_SECONDS / 4))
    beat.start()
    try:
        with _stoppable():
            result = fn(ctx, **kwargs)
        ctx.flush()
        _finish(
            job,
            Job.Status.SUCCEEDED,
            progress=100,
            result=result or {},
            message=job.message or _("Terminé."),
        )
    except JobCancelled:
        ctx.flush()
        _finish(job, Job.Status.CANCELLED, message=_("Annulée à la demande."))
    except WorkerStopping:
        ctx.log("ERROR worker stopping")
        ctx.flush()
        _finish(
            job,
            Job.Status.FAILED,
            error=_("Interrompue par l'arrêt du worker : relancez-la."),
        )
    except JobError as exc:
        ctx.log(f"ERROR {exc}")
        ctx.flush()
        _finish(job, Job.Status.FAILED, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a job must always end in a final state
        logger.exception("job %s failed", job.pk)
        ctx.log(traceback.format_exc(limit=5))
        ctx.flush()
        _finish(
            job,
            Job.Status.FAILED,
            # a code: the worker runs in French, the page words it (portal.messages)
            error=coded("portal.unexpected_error", error=f"{type(exc).__name__}: {exc}"),
        )
    finally:
        beat.stopped.set()
        beat.join(timeout=5)


def job_task(
    kind: str, *, task: str, capability: str = "", on_retry: RetryHook | None = None, **options
):
    """Declare a job kind on its body ``def run(ctx: JobContext, **kwargs)``::

        @job_task(KIND, task="omop.run_etl", capability=Capability.OMOP_RUN, on_retry=copy_hook)

    ``task`` is the Celery task name (stable: queued messages and past rows carry it)."""

    def decorator(fn):
        known = _KINDS.get(kind)
        if known and (known.body.__module__, known.body.__qualname__) != (
            fn.__module__,
            fn.__qualname__,
        ):
            raise ValueError(f"job kind {kind!r} declared twice")
        _KINDS[kind] = JobKind(kind, task, capability, fn, on_retry)

        @shared_task(name=task, acks_late=True, **options)
        def celery_task(job_id: str, **kwargs):
            run_job(fn, job_id, kwargs)

        return celery_task

    return decorator
