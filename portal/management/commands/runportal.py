"""``manage.py runportal``: the embedded portal on one machine (what ``make run`` calls).

Migrates the database, seeds the demo, then runs a Celery worker (with its beat) beside
the web server, and stops the worker when the server stops, on SIGTERM, SIGHUP or SIGINT,
within a bound (see :func:`_stop_worker`).
"""

import contextlib
import hashlib
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.management.commands.runserver import Command as RunServer
from django.core.management import call_command
from django.core.management.base import BaseCommand

from portal.devserver import NoDelayWSGIServer

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)


class _RunServer(RunServer):
    """``runserver`` (static files included) that sends each response at once."""

    server_cls = NoDelayWSGIServer


class _Stop(BaseException):
    """A stop signal: unwinds the web server, whatever it was doing."""


def _raise_stop(signum, frame):
    raise _Stop(signum)


def _terminate_with_parent() -> None:
    """In the worker, before exec: the kernel sends SIGTERM when runportal dies (Linux)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _stop_worker(worker: subprocess.Popen) -> None:
    """Warm shutdown of the worker and its beat, bounded: SIGTERM, then SIGKILL the group.

    The worker itself lets running jobs finish for ``CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT``
    seconds and hands them back; past that plus a margin, its whole group is killed."""
    for sig in STOP_SIGNALS:  # a second signal must not cut this short
        signal.signal(sig, signal.SIG_IGN)
    bound = settings.CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT + WORKER_EXIT_MARGIN_SECONDS
    try:
        os.killpg(worker.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    with contextlib.suppress(subprocess.TimeoutExpired):
        worker.wait(timeout=bound)
    with contextlib.suppress(ProcessLookupError):  # the pool and anything left in the group
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()


def collect_static() -> bool:
    """``collectstatic``, unless the static sources are those it collected last time; True
    when it ran. Hashing and compressing the 91 MB took about 7 s at every start."""
    root = Path(settings.STATIC_ROOT)
    stamp = root.with_name(f"{root.name}.sources")  # beside it: WhiteNoise serves it whole
    sources = _static_sources()
    if root.is_dir() and stamp.is_file() and stamp.read_text() == sources:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(sources)
    return True


def _static_sources() -> str:
    """A fingerprint of what ``collectstatic`` would collect, and where to."""
    files = sorted(
        (path, os.stat(storage.path(path)))
        for finder in finders.get_finders()
        for path, storage in finder.list(["CVS", ".*", "*~"])
    )
    digest = hashlib.sha256(f"{settings.STATIC_ROOT}\0{settings.STORAGES['staticfiles']}".encode())
    for path, stat in files:
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


# Past the soft shutdown: the cold shutdown and the process exit.
WORKER_EXIT_MARGIN_SECONDS = 4.0


class Command(BaseCommand):
    help = "Run the embedded portal: migrate, seed the demo, web server + Celery worker."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-seed", action="store_true")

    def handle(self, *args, addrport, no_seed, **options):
        var_dir = Path(settings.VAR_DIR)
        var_dir.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        # Hashed, compressed static files: WhiteNoise serves them with a one-year cache.
        collect_static()
        if not no_seed:
            call_command("seed_demo", password=self._demo_password(var_dir), stdout=self.stdout)
        # Before the worker starts: a signal arriving at any moment from now stops it too.
        # A supervisor sends SIGTERM, a closing terminal SIGHUP, Ctrl-C SIGINT.
        for sig in STOP_SIGNALS:
            signal.signal(sig, _raise_stop)
        worker = None
        try:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "portal",
                    "worker",
                    "--beat",
                    "--concurrency=2",
                    "--loglevel=INFO",
                    f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}",
                ],
                cwd=settings.BASE_DIR,
                # Its own group (Ctrl-C reaches us only, and we stop it in order), and a
                # SIGTERM from the kernel if this process dies without cleaning up (SIGKILL).
                start_new_session=True,
                preexec_fn=_terminate_with_parent,
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Portail HDH : http://{addrport}/  (worker Celery pid {worker.pid}; "
                    "Ctrl-C pour arrêter)"
                )
            )
            call_command(_RunServer(), addrport, use_reloader=False, use_threading=True)
        except _Stop:
            pass
        finally:
            if worker is not None:
                _stop_worker(worker)

    @staticmethod
    def _demo_password(var_dir: Path) -> str:
        """One random demo password per installation, kept under var/ (never committed)."""
        path = var_dir / "demo-password"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(12))
            path.chmod(0o600)
        return path.read_text().strip()
