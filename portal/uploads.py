"""Uploads are measured while they arrive, never written whole before a size check.

Django streams an upload above ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a temporary file, then
the view checks its size: a 10 GB POST filled the disk first. :class:`SizeLimitedUploadHandler`
runs first among the upload handlers and stops the request (400) as soon as the declared
length, or the bytes received for one file, pass the view's limit (:func:`upload_limit`),
or ``UPLOAD_MAX_BYTES`` for views that set none. The services keep their own, exact check
with a message naming the limit: the margin lets a file slightly over it reach that message.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler

# Multipart headers and the other fields of the form, beyond the file itself.
MARGIN_BYTES = 1024 * 1024


def _limit(request) -> int:
    return getattr(request, "upload_max_bytes", None) or settings.UPLOAD_MAX_BYTES


def upload_limit(setting: str):
    """View decorator: uploads to this view are cut at ``settings.<setting>`` (+ margin)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            # DRF hands its Request to actions; the upload handlers see the Django one.
            django_request = getattr(request, "_request", request)
            django_request.upload_max_bytes = getattr(settings, setting)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class SizeLimitedUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = _limit(self.request) + MARGIN_BYTES
        if content_length and content_length > self.limit:
            raise RequestDataTooBig("upload larger than the limit of this page")
        return None  # the next handlers parse as usual

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:  # a chunked request declares no length
            raise RequestDataTooBig("upload larger than the limit of this page")
        return raw_data

    def file_complete(self, file_size):
        return None
