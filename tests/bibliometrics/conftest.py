"""Reference data of the bibliometrics app, restored after transactional tests flush it."""

import importlib

import pytest


@pytest.fixture(autouse=True)
def _reference_data(request):
    """The data migration's components, areas and rules, for every database test.

    A transactional test (worker, browser) empties every table when it ends, data-migration
    rows included; the next test must still see the SNDS components as production does.
    """
    if request.node.get_closest_marker("django_db") is None:
        return
    if "transactional_db" not in request.fixturenames:
        request.getfixturevalue("db")
    from django.apps import apps

    migration = importlib.import_module("bibliometrics.migrations.0002_reference_data")
    migration.seed(apps, None)
