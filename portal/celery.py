"""The one Celery app of the portal. Brokers: Redis when REDIS_URL is set, else kombu's
filesystem transport under var/broker (see settings)."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_ready, worker_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_broker_dirs() -> None:
    """The filesystem transport needs its folders before the first message."""
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        opts = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            Path(opts[key]).mkdir(parents=True, exist_ok=True)


@worker_ready.connect
def _sigterm_is_a_bounded_shutdown(sender, **kwargs) -> None:
    """Make SIGTERM a *bounded* shutdown, on every broker and however the worker started.

    Celery's SIGTERM is a warm shutdown that waits for running jobs without limit (an ETL
    can run for an hour), so a supervisor's or ``docker stop``'s SIGTERM was ignored until
    its SIGKILL. Here SIGTERM starts Celery's cold shutdown, preceded by its soft shutdown:
    running jobs get ``CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT`` seconds to finish, then their
    pool process receives SIGTERM and :func:`portal.jobs.run_job` hands the job back
    (failed, retryable). This is what ``REMAP_SIGTERM=SIGQUIT`` does, which Celery only
    reads from the environment before the application is imported."""
    from celery.apps.worker import _shutdown_handler, on_cold_shutdown
    from celery.platforms import EX_FAILURE

    worker = getattr(sender, "controller", None)
    if worker is None:
        return
    _shutdown_handler(
        worker, sig="SIGTERM", how="Cold", callback=on_cold_shutdown, exitcode=EX_FAILURE
    )
    terminate = worker.terminate

    def terminate_then_leave(in_sighandler=False):
        terminate(in_sighandler=in_sighandler)
        if not in_sighandler:  # the cold shutdown is over (it sends no worker_shutdown)
            _leave(worker.exitcode)

    worker.terminate = terminate_then_leave


def _leave(exitcode) -> None:
    """Exit now that the worker has stopped: interpreter finalisation then spent ~6 s in
    native finalisers of the data libraries, past the shutdown bound, with everything of
    ours (pool, beat, broker connection) already closed."""
    import logging
    import sys

    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exitcode if isinstance(exitcode, int) else 0)


@worker_shutdown.connect
def _exit_once_stopped(sender, **kwargs) -> None:
    """After a warm shutdown (the worker's ``stop``)."""
    _leave(getattr(sender, "exitcode", 0))
