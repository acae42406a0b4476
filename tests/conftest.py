"""The cast every test shares (see ../shared/STYLE.md) and the real-service fixtures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.utils import translation

from portal.roles import demo_cast, sync_role_groups

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
PASSWORD = "correct-horse-battery-staple"

# username: (role, first name), from the one declaration of the roles (the demo's cast too):
# alice leads a dossier, bob is on her team, charlie is another leader with no access, one
# user per staff role, and admin, a superuser.
CAST = {user.username: (role, user.first_name) for user, role in demo_cast()}


class Cast:
    """The users of ``CAST`` by name: ``cast.alice``, ``cast["guichet"]``."""

    password = PASSWORD

    def __init__(self, **users: User):
        self._users = users

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["_users"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> User:
        return self._users[name]


def make_cast() -> Cast:
    # Transactional tests flush the tables, data-migration rows included: recreate the roles.
    sync_role_groups(Group)
    users = {}
    for username, (role, first) in CAST.items():
        user = User.objects.create_user(
            username=username,
            password=PASSWORD,
            first_name=first,
            email=f"{username}@example.org",
            is_superuser=role is None,
            is_staff=role is None,
        )
        if role is not None:
            user.groups.add(Group.objects.get(name=role.value))
        users[username] = user
    return Cast(**users)


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (``make test`` runs ``-n auto --dist loadgroup``), every Spark test
    runs in one worker: they share one Spark session (tests/omop/conftest.py), and a second
    JVM on this machine's cores would slow both workers down instead of sharing the work.
    They are handed out first: started last, that one worker's long group was the suite's tail
    while the other worker sat idle."""
    for item in items:
        if item.get_closest_marker("spark"):
            item.add_marker(pytest.mark.xdist_group("spark"))
    if getattr(config, "workerinput", None) is not None or config.getoption("numprocesses", None):
        items.sort(key=lambda item: item.get_closest_marker("spark") is None)


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


def verified_device(user):
    """The user's confirmed authenticator-app device (made if missing), for the tests."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def totp_code(device) -> str:
    """The code the user's phone shows now (the next time step if this one was used)."""
    import time as _time

    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = _time.time()
    if totp.t() <= device.last_t:
        totp.drift += device.last_t + 1 - totp.t()
    return f"{totp.token():0{device.digits}d}"


def totp_code_for_secret(secret: str) -> str:
    """What an authenticator app shows now for the base32 ``secret`` of an enrolment page."""
    from base64 import b32decode

    from django_otp.oath import totp

    return f"{totp(b32decode(secret)):06d}"


def verify_second_factor(client, user) -> None:
    """Mark ``client``'s session as having passed the second factor, as the OTP page does."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
    session.save()


@pytest.fixture(scope="session", autouse=True)
def _live_server_sends_at_once():
    """The live server answers as ``runportal`` does, without waiting 40 ms for the client's
    delayed acknowledgement on each kept-alive request (``portal/devserver.py``)."""
    from django.test.testcases import LiveServerThread

    from portal.devserver import NoDelayThreadedWSGIServer

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LiveServerThread, "server_class", NoDelayThreadedWSGIServer)
        yield


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """``client.force_login`` skips the password; for staff it skips the OTP step too.

    The second factor itself is tested in tests/portal/test_two_factor.py; elsewhere a
    staff member logged in by a test is a staff member who has verified their code.
    """
    from django.test import Client

    from portal.roles import is_staff_member

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if is_staff_member(user):
            verify_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


def browser_login(browser, live_server, username: str, password: str, next_url: str = "/"):
    """Log in through the real pages, typing the authenticator code when asked for one."""
    from django.contrib.auth.models import User
    from selenium.webdriver.common.by import By

    from portal.two_factor import second_factor_required

    user = User.objects.get(username=username)
    device = verified_device(user) if second_factor_required(user) else None
    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/comptes/login/?next={next_url}")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    click_and_wait_for_next_page(
        browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit]")
    )
    if device is not None:
        assert "/comptes/2fa/verifier/" in browser.current_url, browser.current_url
        browser.find_element(By.NAME, "code").send_keys(totp_code(device))
        click_and_wait_for_next_page(
            browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]")
        )


@pytest.fixture
def shared_dir() -> Path:
    """../shared reference data; tests that need it skip cleanly when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared reference data is not available")
    return SHARED


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.DATA_ROOT = tmp_path / "data"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The cast is created for every test: a fast hasher keeps the suite quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A test that switched to English must not leave the next one speaking it.
    translation.activate(settings.LANGUAGE_CODE)
    # The real shared cache (Redis), under a prefix of this test only: rate-limit counters
    # and the workers' last ping do not leak from one test to the next.
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"}
        for name, config in settings.CACHES.items()
    }


@contextmanager
def broker(url: str, queue: str | None = None):
    """Point this process's Celery app at another broker (and default queue) for a while."""
    from portal.celery import app

    def reset_pools():
        # kombu keeps one pool per broker URL globally: drop our references, don't close it.
        app._pool = None
        app.amqp._producer_pool = None

    old = app.conf.broker_url, app.conf.task_default_queue
    app.conf.broker_url = url
    if queue:
        app.conf.task_default_queue = queue
    reset_pools()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_default_queue = old
        reset_pools()


def _redis_url() -> str:
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


class WorkerProcess:
    """A real ``celery worker`` subprocess on Redis, against the test database."""

    def __init__(self, env: dict[str, str], queue: str):
        self.env = env
        self.queue = queue
        self.proc: subprocess.Popen | None = None
        self.name = f"test-{uuid.uuid4().hex[:8]}@%h"

    def start(self, timeout: float = 60) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=INFO",
                "-n",
                self.name,
                "-Q",
                self.queue,
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=REPO,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        from portal.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited: {self.proc.stdout.read().decode()[-3000:]}")
            replies = app.control.ping(timeout=1.0) or []
            if any(self.name.split("@")[0] in name for reply in replies for name in reply):
                return
        raise RuntimeError("the Celery worker did not answer a ping in time")

    def kill(self) -> None:
        """SIGKILL the whole worker process group (as a crash would)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def celery_worker(settings, transactional_db, django_db_blocker):
    """Start a real Celery worker on Redis that shares the test database.

    Tasks are routed to a queue of this test only, so parallel runs never steal them.
    Use with ``@pytest.mark.django_db(transaction=True)``: the worker only sees committed data.
    """
    from django.db import connection

    queue = f"test-{uuid.uuid4().hex[:8]}"
    redis_url = _redis_url()
    if connection.vendor != "postgresql":
        pytest.fail("the worker tests need PostgreSQL (set DATABASE_URL), as production runs")
    db = connection.settings_dict
    host, port, user = db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["USER"] or "postgres"
    db_url = f"postgres://{user}@{host}:{port}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "JOB_HEARTBEAT_TIMEOUT_SECONDS": "8",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PRIVATE_ROOT": str(settings.PRIVATE_ROOT),
        "DATA_ROOT": str(settings.DATA_ROOT),
        "EMAIL_URL": "consolemail://",
    }
    settings.CELERY_BROKER_URL = redis_url
    worker = WorkerProcess(env, queue)
    with broker(redis_url, queue):
        try:
            worker.start()
            yield worker
        finally:
            worker.stop()


@pytest.fixture
def browser():
    """Headless Debian Chromium driven by Selenium (no browser download, no network)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = "/usr/bin/chromium", "/usr/bin/chromedriver"
    if not (Path(chromium).exists() and Path(driver_path).exists()):
        pytest.fail(
            "Chromium is not installed: apt-get install chromium chromium-driver (.ci/run does)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
        "--lang=fr-FR",
    ):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # CSP reports, console
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


def click_and_wait_for_next_page(browser, element, *, timeout: float = 15):
    """Click ``element`` and wait until the browser has left the current page.

    ``implicitly_wait`` only waits for an element to exist, and the page being left has the
    same ``h1`` and badges as the next one: without this, an assertion can read the old page.
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = browser.find_element("tag name", "html")
    element.click()
    # Asked while the old document is torn down, ChromeDriver can answer "unhandled inspector
    # error" instead of "stale element" (Chromium 156.0.8078.114): ask again
    WebDriverWait(browser, timeout, ignored_exceptions=(WebDriverException,)).until(
        expected_conditions.staleness_of(page)
    )


def wait_for(predicate, *, timeout: float = 60, interval: float = 0.25, message: str = ""):
    """Poll ``predicate`` until it returns a truthy value (for worker-driven state)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(message or "condition not met in time")
