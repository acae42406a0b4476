"""The access matrix: every URL of the site × anonymous and each role → expected answer.

Each app lists its URLs in ``tests/<app>/matrix.py`` as ``MATRIX = [Case(...), ...]``;
``tests/portal/test_access_matrix.py`` runs them all and checks that every named URL
pattern of the site appears in one of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from portal.roles import DEMO_ADMIN, demo_cast

# anonymous, every user of the cast (one declaration with the roles), then the admin last
ACTORS = [
    "anonymous",
    *(user.username for user, role in demo_cast() if role is not None),
    DEMO_ADMIN.username,
]
LOGIN = "login"  # expected answer: a redirect to the login page
MATRIX_MODULES = [
    "tests.portal.matrix",
    "tests.catalogue.matrix",
    "tests.catalogue.quality.matrix",
    "tests.catalogue.codelists.matrix",
    "tests.omop.matrix",
    "tests.bibliometrics.matrix",
    "tests.access_requests.matrix",
]


@dataclass
class Case:
    """``url`` (a string, or a callable taking the objects made by ``setup``) and answers.

    ``expect`` maps actors to a status code or ``LOGIN``; actors not named get ``default``.
    ``setup(cast) -> dict`` may create objects (e.g. alice's dossier) the url needs.
    ``name`` is the URL pattern name this case covers (``namespace:name``), for coverage.
    """

    url: str | Callable[[dict], str]
    expect: dict[str, int | str]
    default: int | str = 200
    name: str = ""
    method: str = "get"
    setup: Callable | None = None
    data: dict | Callable[[dict], dict] = field(default_factory=dict)  # or from setup's objects

    def expected_for(self, actor: str) -> int | str:
        return self.expect.get(actor, self.default)

    def __str__(self) -> str:
        return self.name or (self.url if isinstance(self.url, str) else "<dynamic>")


def all_cases() -> list[Case]:
    cases: list[Case] = []
    for module_name in MATRIX_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        cases.extend(module.MATRIX)
    return cases


def url(template: str) -> Callable[[dict], str]:
    """A url made from the objects of the case's ``setup``: ``url("/jobs/{job.pk}/")``."""
    return lambda objects: template.format(**objects)


def staff_only(
    capability_holders: list[str], *, ok: int = 200, api: bool = False
) -> dict[str, int | str]:
    """Anonymous → login (403 from the ``api``), holders (and admin) → ``ok``, every other
    role → 403."""
    expect: dict[str, int | str] = {"anonymous": 403 if api else LOGIN, "admin": ok}
    for actor in ACTORS[1:-1]:
        expect[actor] = ok if actor in capability_holders else 403
    return expect
