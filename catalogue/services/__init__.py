"""Writes to the catalogue: imports (``imports``) and curation of single objects (``curation``)."""

from .imports import tableschema_import

__all__ = ["tableschema_import"]
