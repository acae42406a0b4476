"""Fixtures of the dossier tests: Celery tasks run in-process (the browser is shared)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _celery_eager():
    """E-mail tasks dispatched on commit run in-process (assert on ``mailoutbox``)."""
    from portal.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old
