"""The one check of a path on the server's data folder (``DATA_ROOT``), the strict one.

Staff name files and folders already on the server (an SNDS extract, a table to profile)
rather than uploading gigabytes. The path must be relative to ``DATA_ROOT``, without ``..``;
it is then resolved (symbolic links followed) and must still lie inside the resolved root.
"""

from __future__ import annotations

import enum
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _


class PathKind(enum.StrEnum):
    FILE = "file"
    DIRECTORY = "directory"


class DataPathError(ValueError):
    """A path refused; ``str()`` is the user's sentence, ``code`` and ``params`` say it again
    for a job that stores the error and words it when its page renders
    (:func:`data_path_error_message`)."""

    def __init__(self, code: str, **params: str):
        self.code, self.params = code, params
        super().__init__(data_path_error_message(code, params))


def data_path_error_message(code: str, params: dict) -> str:
    """The sentence of a :class:`DataPathError`, in the active language."""
    messages = {
        "empty": _("Indiquez le dossier ou le fichier, par son chemin dans la racine des données."),
        "outside": _(
            "Le chemin « %(path)s » sort de la racine des données du serveur (%(root)s) : "
            "indiquez un chemin relatif à cette racine, sans « .. »."
        ),
        "no_directory": _(
            "Le dossier « %(path)s » n'existe pas dans la racine des données (%(root)s)."
        ),
        "no_file": _(
            "Aucun fichier « %(path)s » dans la racine des données du serveur (%(root)s)."
        ),
    }
    return messages[code] % params if params else messages[code]


def data_root() -> Path:
    return Path(settings.DATA_ROOT).resolve()


def data_path_resolve(path: str, *, kind: PathKind) -> Path:
    """The absolute ``kind`` that ``path`` names inside ``DATA_ROOT``, or :class:`DataPathError`."""
    path = (path or "").strip()
    if not path:
        raise DataPathError("empty")
    root = data_root()
    if Path(path).is_absolute() or ".." in PurePosixPath(path.replace("\\", "/")).parts:
        raise DataPathError("outside", path=path, root=str(root))
    resolved = (root / path).resolve()
    if not resolved.is_relative_to(root):
        raise DataPathError("outside", path=path, root=str(root))
    exists = resolved.is_dir() if kind == PathKind.DIRECTORY else resolved.is_file()
    if not exists:
        code = "no_directory" if kind == PathKind.DIRECTORY else "no_file"
        raise DataPathError(code, path=path, root=str(root))
    return resolved
