"""Logging filters of the portal (see LOGGING in settings)."""

from __future__ import annotations

import logging


class ForbiddenWithoutTraceback(logging.Filter):
    """A 403 is an expected answer (someone tried what their role does not allow): log the
    one line, not the PermissionDenied traceback that buries real errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
