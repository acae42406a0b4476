"""Helpers for the profiling tests: small data files written in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def write_csv(tmp_path: Path):
    """write_csv(text, name="t.csv", encoding="utf-8") -> Path"""

    def write(text: str, name: str = "t.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


def rows(header: str, lines: list[str]) -> str:
    return "\n".join([header, *lines]) + "\n"
