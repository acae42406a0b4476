"""Demo data: a small SNDS-themed corpus written for the project, marked as examples."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "demo_publications.json"


def seed(*, users: dict, stdout) -> None:
    from . import services
    from .models import Publication

    records = json.loads(FIXTURE.read_text(encoding="utf-8"))["records"]
    stats = services.publications_load(records=records, is_example=True)
    if stats.get("new") or not Publication.objects.filter(topic__isnull=False).exists():
        services.topics_recompute(n_topics=5)
    else:
        services.indicators_refresh()
    stdout.write(
        f"bibliometrics: {Publication.objects.filter(is_example=True).count()} example publications"
    )
