"""``manage.py runportal``: the embedded portal on one machine (what ``make run`` calls).

Migrates the database, seeds the demo, then runs a Celery worker (with its beat) beside
the web server, and stops the worker when the server stops.
"""

import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


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
        call_command("collectstatic", interactive=False, verbosity=0)
        if not no_seed:
            call_command("seed_demo", password=self._demo_password(var_dir), stdout=self.stdout)
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
            start_new_session=True,
        )
        # A SIGTERM (e.g. from a supervisor) must also stop the worker: turn it into an exit.
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, lambda *_: sys.exit(0))
        self.stdout.write(
            self.style.SUCCESS(
                f"Portail HDH : http://{addrport}/  (worker Celery pid {worker.pid}; Ctrl-C pour arrêter)"
            )
        )
        try:
            call_command("runserver", addrport, use_reloader=False, use_threading=True)
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)

    @staticmethod
    def _demo_password(var_dir: Path) -> str:
        """One random demo password per installation, kept under var/ (never committed)."""
        path = var_dir / "demo-password"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(12))
            path.chmod(0o600)
        return path.read_text().strip()
