"""Document type from the content, never from the name (plain Python: no Django import).

Accepted: PDF (``%PDF`` magic), OpenDocument text (a zip whose first ``mimetype`` entry says
``application/vnd.oasis.opendocument.text``) and Word DOCX (a zip with
``[Content_Types].xml`` declaring a ``wordprocessingml`` main document).
"""

from __future__ import annotations

from typing import BinaryIO

import filetype

from portal.archives import ArchiveError, Limits, SafeZip

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: "pdf", ODT: "odt", DOCX: "docx"}

# Only two small entries are ever read; the rest is only listed. An office document's
# members are bounded generously, but a bomb is refused from its headers before any read.
SNIFF_LIMITS = Limits(entry_bytes=200 * 2**20, total_bytes=400 * 2**20, ratio=200.0)
MIMETYPE_MAX_BYTES = 256
CONTENT_TYPES_MAX_BYTES = 256 * 1024


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
        with SafeZip(stream, SNIFF_LIMITS) as archive:
            names = archive.names()
            if "mimetype" in names:
                declared = archive.read("mimetype", max_bytes=MIMETYPE_MAX_BYTES)
                return ODT if declared.decode("ascii", "replace").strip() == ODT else None
            if "[Content_Types].xml" in names:
                types = archive.read("[Content_Types].xml", max_bytes=CONTENT_TYPES_MAX_BYTES)
                if b"wordprocessingml.document.main+xml" in types:
                    return DOCX
            return None
    except ArchiveError:
        return None
    finally:
        stream.seek(0)
