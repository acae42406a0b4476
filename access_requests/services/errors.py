"""Errors of the dossier services: each carries the message the user reads."""

from __future__ import annotations

from portal.errors import Conflict


class DossierError(Conflict):
    """A refusal whose message tells the user what to do (shown as is; 409 in the API: the
    dossier's step does not allow it)."""


class InvalidDossier(DossierError):
    """What was typed breaks a rule of the procedure (HTTP 400)."""

    status = 400


class ActionForbidden(DossierError):
    """The user's role does not allow this action on this dossier (HTTP 403)."""

    status = 403


def require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DossierError(message)
    return value
