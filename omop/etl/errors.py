"""Exceptions the callers (management command, Celery task) turn into user messages."""


class InputError(ValueError):
    """The extract or the options cannot be converted; the message says what to fix."""


class ConversionCancelled(RuntimeError):
    """The caller asked to stop (``cancel_check`` returned True); nothing was written."""
