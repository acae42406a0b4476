"""What the Django benchmarks do first: a throwaway folder for the portal's files, a
database (a new SQLite file unless ``database_url`` is given; it is migrated), Django set up.

The benchmarks run as scripts (``python bench/catalogue.py``), so this module is imported
from their folder."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def django_setup(prefix: str, *, database_url: str | None = None) -> Path:
    """Set up and migrate Django for a benchmark; returns its throwaway folder."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["HDH_VAR_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return tmp
