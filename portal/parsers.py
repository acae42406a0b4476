"""The API's parsers: a NUL character anywhere in a request body is a 400, whether the body
is JSON, a form or multipart.

PostgreSQL stores no NUL in text or jsonb, nor compares text with one; without this check
such a value reaches the database and fails there (a 500: a form naming a table's base
``B\x00`` did, found by schemathesis)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    if isinstance(value, QueryDict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.lists())
    return False


def _refuse_nul(data):
    if _has_nul(getattr(data, "data", data)):  # multipart: the fields beside the files
        raise ParseError(_("Le caractère NUL (\\u0000) n'est pas accepté."))
    return data


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _refuse_nul(super().parse(stream, media_type, parser_context))


class StrictFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _refuse_nul(super().parse(stream, media_type, parser_context))


class StrictMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _refuse_nul(super().parse(stream, media_type, parser_context))
