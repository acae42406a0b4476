"""The one way the portal reads a ZIP archive someone sent (plain Python: no Django import).

Uploaded archives are hostile until proven otherwise: an entry may inflate a thousandfold
(a 1 MB ODT whose ``mimetype`` becomes 1 GiB), name a path outside the folder it is unpacked
into (``../../settings.py``, ``/etc/passwd``, ``C:\\x``), or be a symbolic link. Every
archive is therefore opened through :class:`SafeZip`, which

- checks every member's name and type when the archive is opened (absolute paths, ``..``,
  drive letters and links are refused), as well as the number of entries, each declared
  size, the declared total and each entry's compression ratio;
- reads and unpacks in bounded chunks, counting the bytes actually inflated, so that an
  archive whose headers lie is stopped at the limit, not after;
- unpacks only inside the target folder (checked again after resolving) and removes what it
  wrote when anything goes wrong; :func:`unpacked` gives a temporary folder that is removed
  whatever happens.

Errors are :class:`ArchiveError` with a code and parameters; :func:`archive_error_message`
turns them into a sentence for the user.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

CHUNK = 64 * 1024


class ArchiveError(Exception):
    """An archive refused: ``code`` says why, ``params`` say where."""

    UNREADABLE = "unreadable"
    UNSAFE_PATH = "unsafe_path"
    LINK = "link"
    TOO_MANY_ENTRIES = "too_many_entries"
    ENTRY_TOO_LARGE = "entry_too_large"
    TOTAL_TOO_LARGE = "total_too_large"
    RATIO = "ratio"
    MISSING = "missing"

    def __init__(self, code: str, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return f"{self.code} {self.params}"


@dataclass(frozen=True)
class Limits:
    """What one archive may hold. Defaults suit document and metadata uploads."""

    entry_bytes: int = 64 * 2**20
    total_bytes: int = 256 * 2**20
    # Text compresses up to ~20:1 and well-formed Office files less; deflate cannot exceed
    # ~1032:1. A ratio above this is a bomb, whatever the size.
    ratio: float = 200.0
    entries: int = 5_000
    # Entries smaller than this are not ratio-checked (a 10-byte file may be "compressed").
    ratio_floor_bytes: int = 64 * 1024


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def safe_member_path(name: str) -> PurePosixPath:
    """The relative path an entry names, or :class:`ArchiveError` when it leaves its folder."""
    cleaned = name.replace("\\", "/")
    path = PurePosixPath(cleaned)
    if (
        not cleaned
        or path.is_absolute()
        or ".." in path.parts
        or ":" in cleaned
        or "\x00" in cleaned
    ):
        raise ArchiveError(ArchiveError.UNSAFE_PATH, name=name)
    return path


class SafeZip:
    """A ZIP archive opened with its members checked against ``limits`` (see the module)."""

    def __init__(self, source: str | Path | BinaryIO, limits: Limits | None = None):
        self.limits = limits or Limits()
        try:
            self._zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
            raise ArchiveError(ArchiveError.UNREADABLE, error=str(exc)) from exc
        try:
            self._members = self._check(self._zip.infolist())
        except BaseException:
            self._zip.close()
            raise

    def _check(self, members: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
        limits = self.limits
        if len(members) > limits.entries:
            raise ArchiveError(
                ArchiveError.TOO_MANY_ENTRIES, count=len(members), limit=limits.entries
            )
        total = 0
        checked: dict[str, zipfile.ZipInfo] = {}
        for info in members:
            safe_member_path(info.filename)
            if _is_link(info):
                raise ArchiveError(ArchiveError.LINK, name=info.filename)
            if info.is_dir():
                continue
            self._check_size(info, info.file_size)
            total += info.file_size
            if total > limits.total_bytes:
                raise ArchiveError(ArchiveError.TOTAL_TOO_LARGE, limit=limits.total_bytes)
            checked[info.filename] = info
        return checked

    def _check_size(self, info: zipfile.ZipInfo, size: int) -> None:
        limits = self.limits
        if size > limits.entry_bytes:
            raise ArchiveError(
                ArchiveError.ENTRY_TOO_LARGE, name=info.filename, limit=limits.entry_bytes
            )
        if size > limits.ratio_floor_bytes and size > limits.ratio * max(info.compress_size, 1):
            raise ArchiveError(ArchiveError.RATIO, name=info.filename, ratio=int(limits.ratio))

    # ------------------------------------------------------------------ reading

    def names(self) -> list[str]:
        """The file entries (folders left out), in archive order."""
        return list(self._members)

    def members(self) -> list[zipfile.ZipInfo]:
        return list(self._members.values())

    def _chunks(self, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
        """The entry's content in chunks, stopped as soon as more than ``limit`` inflates."""
        seen = 0
        try:
            with self._zip.open(info) as src:
                while chunk := src.read(CHUNK):
                    seen += len(chunk)
                    if seen > limit:
                        raise ArchiveError(
                            ArchiveError.ENTRY_TOO_LARGE, name=info.filename, limit=limit
                        )
                    self._check_size(info, seen)
                    yield chunk
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            # RuntimeError: an encrypted entry; NotImplementedError: an unknown compression.
            raise ArchiveError(ArchiveError.UNREADABLE, error=str(exc)) from exc

    def read(self, name: str, *, max_bytes: int | None = None) -> bytes:
        """One entry, whole, if it holds at most ``max_bytes`` (the entry limit by default)."""
        info = self._members.get(name)
        if info is None:
            raise ArchiveError(ArchiveError.MISSING, name=name)
        limit = min(max_bytes or self.limits.entry_bytes, self.limits.entry_bytes)
        if info.file_size > limit:
            raise ArchiveError(ArchiveError.ENTRY_TOO_LARGE, name=name, limit=limit)
        return b"".join(self._chunks(info, limit))

    def extract(
        self, target: str | Path, *, accept: Callable[[PurePosixPath], bool] | None = None
    ) -> list[Path]:
        """Unpack the file entries ``accept`` keeps into ``target``; return the files written.

        The bytes actually inflated are counted against the limits. Nothing is left in
        ``target`` when an entry is refused or unreadable.
        """
        root = Path(target)
        root.mkdir(parents=True, exist_ok=True)
        root = root.resolve()
        written: list[Path] = []
        total = 0
        try:
            for info in self._members.values():
                relative = safe_member_path(info.filename)
                if accept is not None and not accept(relative):
                    continue
                dest = root.joinpath(*relative.parts)
                if not dest.resolve().is_relative_to(root):
                    raise ArchiveError(ArchiveError.UNSAFE_PATH, name=info.filename)
                dest.parent.mkdir(parents=True, exist_ok=True)
                with dest.open("xb") as out:
                    written.append(dest)
                    for chunk in self._chunks(info, self.limits.entry_bytes):
                        total += len(chunk)
                        if total > self.limits.total_bytes:
                            raise ArchiveError(
                                ArchiveError.TOTAL_TOO_LARGE, limit=self.limits.total_bytes
                            )
                        out.write(chunk)
        except FileExistsError as exc:
            # Two entries with one name (or "a" and "a/b"): refused, never overwritten.
            self._remove(root, written)
            raise ArchiveError(ArchiveError.UNSAFE_PATH, name=str(exc.filename)) from exc
        except BaseException:
            self._remove(root, written)
            raise
        return written

    @staticmethod
    def _remove(root: Path, written: list[Path]) -> None:
        for path in written:
            path.unlink(missing_ok=True)
        # Folders the extraction created, deepest first, when they are empty.
        folders = sorted({p.parent for p in written}, key=lambda p: len(p.parts), reverse=True)
        for folder in folders:
            while folder != root and folder.is_relative_to(root):
                try:
                    folder.rmdir()
                except OSError:
                    break
                folder = folder.parent

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextmanager
def unpacked(
    source: str | Path | BinaryIO,
    *,
    parent: str | Path | None = None,
    limits: Limits | None = None,
    accept: Callable[[PurePosixPath], bool] | None = None,
) -> Iterator[Path]:
    """A temporary folder (under ``parent``) holding the archive's files, removed on exit."""
    if parent is not None:
        Path(parent).mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="unpacked-", dir=parent))
    try:
        with SafeZip(source, limits) as archive:
            archive.extract(folder, accept=accept)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def archive_error_message(exc: ArchiveError) -> str:
    """The user's sentence for ``exc`` (French msgid, translated); callers name the file."""
    from django.template.defaultfilters import filesizeformat
    from django.utils.translation import gettext as _

    params = dict(exc.params)
    if "limit" in params and exc.code != ArchiveError.TOO_MANY_ENTRIES:
        params["limit"] = filesizeformat(params["limit"])
    messages = {
        ArchiveError.UNREADABLE: _("archive illisible ou corrompue."),
        ArchiveError.UNSAFE_PATH: _("l'archive contient un chemin interdit : %(name)s."),
        ArchiveError.LINK: _("l'archive contient un lien symbolique : %(name)s."),
        ArchiveError.TOO_MANY_ENTRIES: _(
            "l'archive contient %(count)s fichiers ; la limite est de %(limit)s."
        ),
        ArchiveError.ENTRY_TOO_LARGE: _("« %(name)s » dépasse %(limit)s une fois décompressé."),
        ArchiveError.TOTAL_TOO_LARGE: _("l'archive dépasse %(limit)s une fois décompressée."),
        ArchiveError.RATIO: _(
            "« %(name)s » se décompresse plus de %(ratio)s fois : archive refusée."
        ),
        ArchiveError.MISSING: _("l'archive ne contient pas « %(name)s »."),
    }
    return messages[exc.code] % params
