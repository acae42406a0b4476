"""Hostile ZIP archives for the tests, built in a second (plain Python).

A deflate stream reset with a full flush compresses the same chunk to the same bytes, so a
1 GiB entry is one compressed megabyte chunk repeated: no need to compress 1 GiB per test.
"""

from __future__ import annotations

import struct
import tracemalloc
import zlib

CHUNK = 2**20


def _deflated(prefix: bytes, fill: bytes, chunks: int) -> tuple[bytes, int, int]:
    """(raw deflate data, crc32, size) of ``prefix`` + ``chunks`` × a MiB of ``fill``."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = fill * CHUNK
    body = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(prefix)
    for _ in range(chunks):
        crc = zlib.crc32(block, crc)
    return head + body * chunks + tail, crc, len(prefix) + CHUNK * chunks


def zip_of(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A ZIP of ``(name, deflated data, crc, declared size, unix mode)`` entries."""
    local, central = bytearray(), bytearray()
    for name, data, crc, size, mode in entries:
        encoded = name.encode()
        offset = len(local)
        local += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0
        )
        local += encoded + data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            0x031E,  # made by Unix, so the mode in the external attributes counts
            20,
            0,
            8,
            0,
            0x21,
            crc,
            len(data),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            mode << 16,
            offset,
        )
        central += encoded
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(local), 0
    )
    return bytes(local + central + end)


def bomb_entry(name: str, prefix: bytes = b"", *, mib: int = 1024, lie: bool = False):
    """An entry inflating to ``mib`` MiB (+ prefix); ``lie`` declares it 40 bytes long."""
    data, crc, size = _deflated(prefix, b" ", mib)
    return (name, data, crc, 40 if lie else size, 0o100644)


def bomb(name: str = "mimetype", prefix: bytes = b"", *, mib: int = 1024, lie: bool = False):
    """An archive of one :func:`bomb_entry`."""
    return zip_of([bomb_entry(name, prefix, mib=mib, lie=lie)])


def odt_bomb(*, lie: bool = False) -> bytes:
    """The reported repro: a 1 MB ODT whose ``mimetype`` entry inflates to 1 GiB."""
    return bomb("mimetype", b"application/vnd.oasis.opendocument.text", lie=lie)


def entry(name: str, content: bytes, mode: int = 0o100644):
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = compressor.compress(content) + compressor.flush()
    return (name, data, zlib.crc32(content), len(content), mode)


def peak_mib(fn) -> float:
    """The peak of Python allocations (MiB) while ``fn`` runs."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
