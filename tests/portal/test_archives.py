"""One safe archive reader for the whole portal: bombs, escapes and links are refused."""

from __future__ import annotations

import io
import random

import pytest

from portal.archives import ArchiveError, Limits, SafeZip, unpacked
from tests.portal.zipbombs import bomb, bomb_entry, entry, peak_mib, zip_of

SMALL = Limits(entry_bytes=10 * 2**20, total_bytes=20 * 2**20, ratio=200.0, entries=50)


def test_a_1_gib_entry_is_refused_from_its_header_without_inflating_it():
    data = bomb(mib=1024)
    assert len(data) < 1_100_000

    def open_it():
        with pytest.raises(ArchiveError) as info:
            SafeZip(io.BytesIO(data), SMALL)
        assert info.value.code == ArchiveError.ENTRY_TOO_LARGE

    assert peak_mib(open_it) < 8


def test_an_entry_whose_header_lies_about_its_size_is_stopped_at_the_limit():
    data = bomb(mib=1024, lie=True)  # declares 40 bytes, inflates to 1 GiB

    def read_it():
        with SafeZip(io.BytesIO(data), SMALL) as archive, pytest.raises(ArchiveError):
            archive.read("mimetype")

    assert peak_mib(read_it) < 8


def test_a_ratio_above_the_limit_is_refused_even_under_the_size_limits():
    data = bomb(mib=5)  # 5 MiB of spaces: ~1000:1
    with pytest.raises(ArchiveError) as info:
        SafeZip(io.BytesIO(data), SMALL)
    assert info.value.code == ArchiveError.RATIO


def test_the_declared_total_is_bounded():
    content = random.Random(1).randbytes(2**20)  # 1 MiB that does not compress
    data = zip_of([entry(f"f{i}.bin", content) for i in range(25)])
    with pytest.raises(ArchiveError) as info:
        SafeZip(io.BytesIO(data), SMALL)
    assert info.value.code == ArchiveError.TOTAL_TOO_LARGE


def test_too_many_entries_are_refused():
    data = zip_of([entry(f"f{i}.txt", b"x") for i in range(51)])
    with pytest.raises(ArchiveError) as info:
        SafeZip(io.BytesIO(data), SMALL)
    assert info.value.code == ArchiveError.TOO_MANY_ENTRIES


@pytest.mark.parametrize(
    "name", ["../evil.py", "a/../../evil.py", "/etc/cron.d/evil", "C:\\evil.bat", "..\\evil.py"]
)
def test_a_path_outside_the_target_is_refused(name, tmp_path):
    data = zip_of([entry("ok.txt", b"fine"), entry(name, b"boom")])
    with pytest.raises(ArchiveError) as info:
        SafeZip(io.BytesIO(data), SMALL)
    assert info.value.code == ArchiveError.UNSAFE_PATH
    assert not any(tmp_path.iterdir())


def test_a_symbolic_link_is_refused(tmp_path):
    data = zip_of([entry("passwd", b"/etc/passwd", mode=0o120777)])
    with pytest.raises(ArchiveError) as info:
        SafeZip(io.BytesIO(data), SMALL)
    assert info.value.code == ArchiveError.LINK


def test_a_refused_extraction_leaves_nothing_behind(tmp_path):
    # A good entry first, then one that lies about its size: neither may stay behind.
    data = zip_of(
        [entry("schemas/a/ok.json", b"{}"), bomb_entry("schemas/big.json", mib=30, lie=True)]
    )
    target = tmp_path / "out"
    with SafeZip(io.BytesIO(data), SMALL) as archive, pytest.raises(ArchiveError):
        archive.extract(target)
    assert list(target.rglob("*")) == []


def test_unpacked_removes_its_folder_whatever_happens(tmp_path):
    data = zip_of([entry("schemas/a.json", b"{}"), entry("nomenclatures/n.csv", b"a;b")])
    with unpacked(io.BytesIO(data), parent=tmp_path, limits=SMALL) as folder:
        assert (folder / "schemas" / "a.json").read_bytes() == b"{}"
        kept = folder
    assert not kept.exists()
    with pytest.raises(RuntimeError), unpacked(io.BytesIO(data), parent=tmp_path) as folder:
        raise RuntimeError("the import failed")
    assert list(tmp_path.iterdir()) == []


def test_an_unreadable_archive_is_an_archive_error():
    with pytest.raises(ArchiveError) as info:
        SafeZip(io.BytesIO(b"PK\x03\x04 not really a zip"))
    assert info.value.code == ArchiveError.UNREADABLE
