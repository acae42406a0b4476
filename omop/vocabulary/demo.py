"""Demo: the project's own vocabulary bundle (Athena's format, local concepts, not Athena's)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from omop.etl.demo_vocabulary import write_demo_bundle

from .models import VocabularyRelease
from .services import vocabulary_load


def seed(*, users: dict, stdout) -> None:
    if VocabularyRelease.objects.filter(is_current=True).exists():
        stdout.write("omop: vocabulaire déjà chargé")
        return
    with tempfile.TemporaryDirectory() as tmp:
        release = vocabulary_load(
            path=write_demo_bundle(Path(tmp) / "athena"), by=users.get("data")
        )
    stdout.write(f"omop: vocabulaire de démonstration chargé ({release.version_string})")
