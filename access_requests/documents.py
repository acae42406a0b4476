"""Document type from the content, never from the name (plain Python: no Django import).

Accepted: PDF (``%PDF`` magic), OpenDocument text (a zip whose first ``mimetype`` entry says
``application/vnd.oasis.opendocument.text``) and Word DOCX (a zip with
``[Content_Types].xml`` declaring a ``wordprocessingml`` main document).
"""

from __future__ import annotations

import zipfile
from typing import BinaryIO

import filetype

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: "pdf", ODT: "odt", DOCX: "docx"}


def sniff_document(stream: BinaryIO) -> str | None:
    """The MIME type of an accepted document, or None when the content is anything else."""
    stream.seek(0)
    head = stream.read(8192)
    stream.seek(0)
    kind = filetype.guess(head)
    if head.startswith(b"%PDF-") and kind is not None and kind.mime == PDF:
        return PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                return ODT if declared == ODT else None
            if "[Content_Types].xml" in names:
                types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
                if "wordprocessingml.document.main+xml" in types:
                    return DOCX
            return None
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    finally:
        stream.seek(0)
