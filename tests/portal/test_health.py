"""Defect 8 of issue 20: /healthz is fast, tells strangers nothing, and people get a page."""

import time

import pytest
from django.core.cache import cache

from portal.health import WORKERS_KEY, worker_ping_refresh
from tests.conftest import broker, wait_for

pytestmark = pytest.mark.django_db


def _pretend_a_worker_answered(name="celery@secret-host-7"):
    cache.set(WORKERS_KEY, {"broker": True, "workers": [name], "at": time.time()}, 60)


def test_healthz_answers_in_under_100_ms_even_when_no_worker_listens(client):
    with broker("redis://127.0.0.1:6379/13"):  # a broker no worker listens on
        client.get("/healthz")  # a process's first request imports and connects: not timed
        for _ in range(5):
            started = time.perf_counter()
            response = client.get("/healthz")
            assert time.perf_counter() - started < 0.1
            assert response.status_code == 503


def test_healthz_answers_in_under_100_ms_when_all_is_well(client):
    client.get("/healthz")
    _pretend_a_worker_answered()
    started = time.perf_counter()
    response = client.get("/healthz")
    assert time.perf_counter() - started < 0.1
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_healthz_tells_anonymous_callers_no_host_name_or_database_type(client):
    _pretend_a_worker_answered()
    body = client.get("/healthz").content.decode()
    assert "secret-host-7" not in body
    assert "postgresql" not in body and "vendor" not in body
    assert '"count": 1' in body


def test_healthz_tells_staff_the_workers_and_the_database(client, cast):
    _pretend_a_worker_answered()
    client.force_login(cast.data)
    checks = client.get("/healthz").json()["checks"]
    assert checks["worker"]["workers"] == ["celery@secret-host-7"]
    assert checks["database"]["vendor"] == "postgresql"


def test_a_stale_ping_no_longer_counts_as_a_live_worker(client, settings):
    cache.set(
        WORKERS_KEY,
        {"broker": True, "workers": ["w@h"], "at": time.time() - 1000},
        settings.HEALTH_WORKER_MAX_AGE_SECONDS,
    )
    assert client.get("/healthz").status_code == 503


def test_the_ping_is_refreshed_off_the_request_path():
    with broker("redis://127.0.0.1:6379/13"):
        state = worker_ping_refresh()
    assert state["broker"] is True and state["workers"] == []
    assert cache.get(WORKERS_KEY)["at"] == state["at"]


def test_the_beat_schedule_refreshes_the_ping(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["portal-refresh-worker-health"]
    assert entry["task"] == "portal.refresh_worker_health"
    assert entry["schedule"] <= settings.HEALTH_REFRESH_SECONDS


def test_people_get_a_status_page_in_the_portals_look(client):
    _pretend_a_worker_answered()
    page = client.get("/etat/").content.decode()
    assert "<h1>État du service</h1>" in page and "fr-badge--success" in page
    assert "secret-host-7" not in page and "postgresql" not in page
    client.cookies["django_language"] = "en"
    english = client.get("/etat/").content.decode()
    assert "Service status" in english


def test_the_status_page_says_when_background_jobs_are_down(client):
    with broker("redis://127.0.0.1:6379/13"):
        worker_ping_refresh()
    page = client.get("/etat/").content.decode()
    assert "fr-alert--warning" in page and "fr-badge--error" in page


def test_a_background_refresh_fills_the_cache_after_a_probe(client):
    with broker("redis://127.0.0.1:6379/13"):
        client.get("/healthz")
        wait_for(lambda: cache.get(WORKERS_KEY), timeout=10, message="no background refresh")
