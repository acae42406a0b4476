"""Health of the portal's services, cheap enough for an orchestrator to probe in a loop.

The database is checked on the request (one ``SELECT 1``). The broker and the workers are
not: pinging workers takes seconds, so their last known state lives in the shared cache,
refreshed by the ``portal.refresh_worker_health`` beat task and, when it is older than
``HEALTH_REFRESH_SECONDS``, by one background thread of the web process (single-flight
through a cache lock). A probe never waits for a ping.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection

WORKERS_KEY = "health:workers"
REFRESH_LOCK_KEY = "health:refreshing"


@dataclass
class Health:
    database: bool
    database_vendor: str
    broker: bool | None  # None: not checked yet
    workers: list[str] = field(default_factory=list)
    checked_seconds_ago: float | None = None

    @property
    def worker(self) -> bool:
        return bool(self.workers)

    @property
    def ok(self) -> bool:
        return self.database and bool(self.broker) and self.worker

    def as_json(self, *, details: bool) -> dict:
        """The probe's body; ``details`` (staff only) adds host names and the database type."""
        checks: dict[str, dict] = {
            "database": {"ok": self.database},
            "broker": {"ok": bool(self.broker)},
            "worker": {"ok": self.worker, "count": len(self.workers)},
        }
        if self.checked_seconds_ago is not None:
            checks["worker"]["checked_seconds_ago"] = round(self.checked_seconds_ago, 1)
        if details:
            checks["database"]["vendor"] = self.database_vendor
            checks["worker"]["workers"] = self.workers
        return {"status": "ok" if self.ok else "degraded", "checks": checks}


def worker_ping_refresh(target_cache=None) -> dict:
    """Check the broker and ping the workers (slow: up to the ping timeout); cache the result."""
    from .celery import app

    state: dict = {"broker": False, "workers": []}
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.HEALTH_PING_TIMEOUT_SECONDS)
        state["broker"] = True
        replies = app.control.ping(timeout=settings.HEALTH_PING_TIMEOUT_SECONDS) or []
        state["workers"] = sorted(name for reply in replies for name in reply)
    except Exception:  # noqa: BLE001, S110 - a probe reports a failure, it does not raise
        pass
    state["at"] = time.time()
    (target_cache or cache).set(WORKERS_KEY, state, timeout=settings.HEALTH_WORKER_MAX_AGE_SECONDS)
    return state


def _refresh_in_background(target_cache) -> None:
    try:
        worker_ping_refresh(target_cache)
    finally:
        target_cache.delete(REFRESH_LOCK_KEY)


def current_health() -> Health:
    """What the probe and the status page show; never blocks on the workers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = True
    except Exception:  # noqa: BLE001
        database = False
    shared = caches["default"]
    state = shared.get(WORKERS_KEY)
    age = time.time() - state["at"] if state else None
    if (age is None or age > settings.HEALTH_REFRESH_SECONDS) and shared.add(
        REFRESH_LOCK_KEY, 1, timeout=int(settings.HEALTH_PING_TIMEOUT_SECONDS * 2) + 5
    ):
        threading.Thread(
            target=_refresh_in_background, args=(shared,), name="health-refresh", daemon=True
        ).start()
    fresh = state is not None and age <= settings.HEALTH_WORKER_MAX_AGE_SECONDS
    return Health(
        database=database,
        database_vendor=connection.vendor,
        broker=state["broker"] if state else None,
        workers=state["workers"] if fresh else [],
        checked_seconds_ago=age,
    )
