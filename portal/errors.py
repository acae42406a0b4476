"""The one application error, and the one API exception handler that answers it.

A service refuses with :class:`PortalError` (or a subclass) and a message that tells the
user what to fix; pages show the message, and the API answers ``{"detail": message}`` with
the error's ``status``. Django's own ``ValidationError`` (a model's ``full_clean``, a
service's check of a form field) answers 400: its messages per field, or ``{"detail": …}``. Nothing else is caught here:
DRF answers its own exceptions, and anything unexpected is a 500 that gets logged.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .messages import message_text


class PortalError(Exception):
    """A refusal whose message says what to do (shown as is). 400 in the API."""

    status = status.HTTP_400_BAD_REQUEST


class Forbidden(PortalError):
    """The user's role does not allow this action (403)."""

    status = status.HTTP_403_FORBIDDEN


class NotFound(PortalError):
    """What was asked for does not exist (any more) (404)."""

    status = status.HTTP_404_NOT_FOUND


class Conflict(PortalError):
    """The object is not in a state that allows this action (409)."""

    status = status.HTTP_409_CONFLICT


def api_exception_handler(exc, context):
    """``REST_FRAMEWORK["EXCEPTION_HANDLER"]``."""
    if isinstance(exc, PortalError):
        # a service may refuse with a message code (portal.messages): worded for the caller
        return Response({"detail": message_text(str(exc))}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):  # per field, as DRF's own validation answers
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
