"""The one exception the profiler raises for bad input."""

from __future__ import annotations

from typing import Any


class ProfilingError(Exception):
    """Bad input, as a code and its parameters: the Django layer words it in the reader's
    language (``catalogue.quality.labels``); the engine itself speaks no language.

    ``code`` is stable (``file_not_found``, ``empty_file``, ``unreadable``, ``encoding``,
    ``separator``, ``malformed_csv``, ``missing_columns``, ``unexpected_columns``,
    ``duplicate_columns``, ``referenced_file``, ``resources``). ``params`` holds the details
    (``file``, ``line``, column names…) and, when one code has several causes, a
    ``reason`` that tells which (``unreadable``: ``access``, ``not_parquet``, ``parquet``,
    ``read``; ``encoding``: ``unsupported``, ``binary``, ``invalid``…).
    """

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(f"{code} {params}" if params else code)
        self.code = code
        self.params = params
