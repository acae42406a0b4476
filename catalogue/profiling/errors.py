"""The one exception the profiler raises for bad input."""

from __future__ import annotations

from typing import Any


class ProfilingError(Exception):
    """Bad input: the message (French, for the data manager) says what to fix.

    ``code`` is stable (``file_not_found``, ``empty_file``, ``unreadable``, ``encoding``,
    ``separator``, ``malformed_csv``, ``missing_columns``, ``unexpected_columns``,
    ``duplicate_columns``, ``referenced_file``, ``resources``) and ``params`` holds the
    details (file name, line number, column names) so that the web layer can render a
    translated message instead.
    """

    def __init__(self, message: str, *, code: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.params = params
