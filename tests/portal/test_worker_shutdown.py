"""Real signals: the worker stops on SIGTERM on both brokers, handing its running job back,
and the embedded portal (``runportal``) stops its worker and beat on SIGTERM/SIGHUP/SIGINT."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import psutil
import pytest
from django.conf import settings

from portal.jobs import job_enqueue
from portal.models import Job
from tests.conftest import REPO, broker, wait_for
from tests.portal import slow_tasks  # noqa: F401 - declares the "tests.slow" job kind

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SHUTDOWN = 6.0  # CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT (settings default)
BOUND = SHUTDOWN + 8.0  # the soft shutdown, then the cold one and process exit
STATIC_ROOT = Path(tempfile.gettempdir()) / f"hdh-test-static-{os.getuid()}"


def _env(tmp_path, broker_url: str, queue: str) -> dict[str, str]:
    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "HDH_VAR_DIR": str(tmp_path / "var"),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "WORKER_SHUTDOWN_TIMEOUT_SECONDS": str(SHUTDOWN),
        # one collection for every runportal of the run: it collects again only what changed
        "STATIC_ROOT": str(STATIC_ROOT),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PRIVATE_ROOT": str(settings.PRIVATE_ROOT),
        "DATA_ROOT": str(settings.DATA_ROOT),
        "EMAIL_URL": "consolemail://",
    }
    env.pop("REDIS_URL", None)
    if broker_url.startswith("redis"):
        env["REDIS_URL"] = broker_url
    return env


def _redis() -> str:
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def _group_alive(pgid: int) -> list[int]:
    return [p.pid for p in psutil.process_iter(["pid"]) if _pgid(p.pid) == pgid]


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except (ProcessLookupError, PermissionError):
        return None


@pytest.fixture
def filesystem_broker(tmp_path):
    """The embedded broker under a var/ of this test (as ``make run`` uses it)."""
    from portal.celery import app

    folder = tmp_path / "var" / "broker"
    options = {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"),
    }
    for path in options.values():
        os.makedirs(path, exist_ok=True)
    old = app.conf.broker_transport_options
    app.conf.broker_transport_options = options
    try:
        yield "filesystem://"
    finally:
        app.conf.broker_transport_options = old


@pytest.mark.parametrize("which", ["filesystem", "redis"])
def test_a_sigterm_stops_the_worker_and_its_beat_and_hands_the_running_job_back(
    cast, tmp_path, request, which
):
    broker_url = request.getfixturevalue("filesystem_broker") if which == "filesystem" else _redis()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--beat",
         "--concurrency=1", "--loglevel=INFO", "--include=tests.portal.slow_tasks",
         f"--schedule={tmp_path / 'beat-schedule'}", "-Q", queue,
         "-n", f"{queue}@%h", "--without-gossip", "--without-mingle"],
        cwd=REPO, env=_env(tmp_path, broker_url, queue), start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        with broker(broker_url, queue):
            job = job_enqueue(kind="tests.slow", title="slow", by=cast.data)
            wait_for(
                lambda: Job.objects.get(pk=job.pk).status == Job.Status.RUNNING,
                timeout=90,
                message="the worker never started the job",
            )
        assert len(_group_alive(proc.pid)) >= 2  # the worker and its pool process
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)  # one SIGTERM, to the worker only, as `docker stop`
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=BOUND)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    output = proc.stdout.read().decode(errors="replace")
    assert took < BOUND, output[-3000:]
    wait_for(lambda: not _group_alive(proc.pid), timeout=5, message="pool processes left behind")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED, output[-3000:]
    assert "arrêt du worker" in job.error


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("which", "sig"),
    [
        ("filesystem", signal.SIGTERM),
        ("filesystem", signal.SIGHUP),
        ("filesystem", signal.SIGINT),
        ("redis", signal.SIGTERM),
    ],
    ids=["filesystem-SIGTERM", "filesystem-SIGHUP", "filesystem-SIGINT", "redis-SIGTERM"],
)
def test_runportal_stops_its_worker_and_beat_on_a_signal(cast, tmp_path, request, which, sig):
    broker_url = request.getfixturevalue("filesystem_broker") if which == "filesystem" else _redis()
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runportal", f"127.0.0.1:{port}", "--no-seed"],
        cwd=REPO,
        env=_env(tmp_path, broker_url, f"test-{uuid.uuid4().hex[:8]}"),
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:

        def serving() -> bool:
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).status == 200
            except OSError:
                return False

        wait_for(serving, timeout=120, message="runportal never served")
        worker = wait_for(
            lambda: [
                c for c in psutil.Process(proc.pid).children() if "celery" in " ".join(c.cmdline())
            ],
            timeout=30,
            message="runportal started no worker",
        )[0]
        worker_group = os.getpgid(worker.pid)
        time.sleep(3)  # let the worker and its beat finish starting
        started = time.monotonic()
        proc.send_signal(sig)
        proc.wait(timeout=BOUND + 5)
        took = time.monotonic() - started
        wait_for(
            lambda: not _group_alive(worker_group), timeout=2, message="worker or beat left behind"
        )
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert took < BOUND + 5
