"""What each app brings to the portal's shared pages, found by looking, not by lists.

Each app declares its part in modules of its own, by convention:

- ``home.py``: ``cards(user) -> list[Card]``, its cards on the home page;
- ``demo.py``: ``seed(*, users, stdout)``, its demo data, and optionally ``SEED_AFTER``, the
  apps whose demo data it needs first;
- ``navigation.py``: ``ORDER`` (its place in the menu), ``MENU`` (its main-menu entries)
  and ``SITEMAP`` (its section of the site map: a title and entries).

``app_modules`` imports that module of every project app with Django's
``autodiscover_modules``: an app without one is skipped, and a module that fails to import
fails loudly instead of hiding its app.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import autodiscover_modules


def _project_apps():
    """The directorates' apps: the project's own, without ``portal``, which reads them."""
    root = Path(settings.BASE_DIR).resolve()
    return [
        c
        for c in apps.get_app_configs()
        if c.name != "portal" and Path(c.path).resolve().is_relative_to(root)
    ]


def app_modules(name: str) -> list[tuple[str, ModuleType]]:
    """``(app label, module)`` for each project app that has ``<app>.<name>``, in the order
    of ``INSTALLED_APPS``."""
    autodiscover_modules(name)
    out = []
    for config in _project_apps():
        module = sys.modules.get(f"{config.name}.{name}")
        if module is not None:
            out.append((config.label, module))
    return out


def demo_seeders() -> list[tuple[str, ModuleType]]:
    """The apps' ``demo`` modules, each after the apps its ``SEED_AFTER`` names (otherwise
    in the order of ``INSTALLED_APPS``)."""
    pending = app_modules("demo")
    known = {label for label, _ in pending}
    for label, module in pending:
        unknown = set(getattr(module, "SEED_AFTER", ())) - known
        if unknown:
            raise LookupError(f"{label}.demo seeds after unknown apps: {sorted(unknown)}")
    done: list[tuple[str, ModuleType]] = []
    while pending:
        ready = next(
            (
                (label, module)
                for label, module in pending
                if set(getattr(module, "SEED_AFTER", ())) <= {d for d, _ in done}
            ),
            None,
        )
        if ready is None:
            raise LookupError(f"demo seeders wait on each other: {[m for m, _ in pending]}")
        pending.remove(ready)
        done.append(ready)
    return done


def navigation_modules() -> list[ModuleType]:
    """The apps' ``navigation`` modules, by their ``ORDER``."""
    return sorted((m for _, m in app_modules("navigation")), key=lambda m: m.ORDER)
