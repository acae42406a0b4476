"""Exceptions the callers (management command, Celery task) turn into user messages.

The engine speaks codes: an :class:`InputError` carries a ``code`` and its ``params``, and
the portal words them in the page's language (``omop.labels.input_error_text``)."""


class InputError(ValueError):
    """The extract or the options cannot be converted: ``code`` and ``params`` say what to
    fix (the codes and their words: ``omop/labels.py``)."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        detail = ", ".join(f"{k}={v}" for k, v in params.items())
        super().__init__(f"{code}: {detail}" if detail else code)


class ConversionCancelled(RuntimeError):
    """The caller asked to stop (``cancel_check`` returned True); nothing was written."""
