"""Reads of the bibliometrics app."""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet

from portal import disclosure
from portal.disclosure import Subject
from portal.roles import Capability, can

from . import enrichment, indicators
from .models import ImportRun, IndicatorSnapshot, Publication

_ROWS: dict[int, list[dict[str, Any]]] = {}
_ROWS_LOCK = threading.Lock()


def publications_visible_to(user) -> QuerySet[Publication]:
    """The public sees the retained corpus; curators see every imported record."""
    if can(user, Capability.BIBLIOMETRICS_CURATE):
        return Publication.objects.all()
    return Publication.objects.filter(relevant=True)


def snapshot_current() -> IndicatorSnapshot:
    """The latest precomputed indicators (computed now if there is none yet)."""
    snapshot = IndicatorSnapshot.objects.defer("rows").order_by("-created_at").first()
    if snapshot is None:
        from .services import indicators_refresh

        snapshot = indicators_refresh()
    return snapshot


def snapshot_rows(snapshot: IndicatorSnapshot) -> list[dict[str, Any]]:
    """The compact rows of a snapshot, parsed once per process."""
    with _ROWS_LOCK:
        rows = _ROWS.get(snapshot.pk)
        if rows is None:
            rows = IndicatorSnapshot.objects.values_list("rows", flat=True).get(pk=snapshot.pk)
            _ROWS.clear()
            _ROWS[snapshot.pk] = rows
        return rows


def _key(snapshot: IndicatorSnapshot, filters: dict[str, Any]) -> str:
    raw = json.dumps(filters, sort_keys=True, default=str)
    return f"biblio:{snapshot.pk}:{hashlib.sha1(raw.encode()).hexdigest()}"  # noqa: S324


def dashboard_data(
    filters: dict[str, Any], snapshot: IndicatorSnapshot | None = None
) -> dict[str, Any]:
    """Dashboard indicators for the filters, cached per snapshot (a new import → new cache)."""
    snapshot = snapshot or snapshot_current()
    active = {k: v for k, v in filters.items() if v not in (None, "")}
    if not active:
        data = dict(snapshot.data)
        data.pop("h_index_authors", None)
        return data

    def compute() -> dict[str, Any]:
        rows = indicators.filter_rows(snapshot_rows(snapshot), **active)
        data = indicators.dashboard(
            rows,
            components=[c.code for c in enrichment.COMPONENTS],
            themes=list(enrichment.AREA_LABELS),
        )
        return json.loads(json.dumps(data, default=str))

    return cache.get_or_set(_key(snapshot, active), compute, timeout=3600)


def publications_search(user, *, q: str = "", filters: dict[str, Any] | None = None):
    """Publications for the list: text search and the same filters as the charts."""
    qs = publications_visible_to(user)
    active = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    if active:
        snapshot = snapshot_current()
        ids = [r["id"] for r in indicators.filter_rows(snapshot_rows(snapshot), **active)]
        qs = qs.filter(pk__in=ids)
    if q:
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(abstract__icontains=q)
            | Q(journal__icontains=q)
            | Q(doi__iexact=q.strip())
            | Q(pmid=q.strip())
        )
    return qs.order_by("-year", "title")


def imports_recent() -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("job", "created_by").order_by("-created_at")


def curation_queue(user, *, decided: bool = False) -> QuerySet[Publication]:
    """Records without a curator decision, the ones the model is least sure of first
    (never scored first of all), then the rules' positives."""
    from django.db.models import F, FloatField, Value
    from django.db.models.functions import Abs, Coalesce

    qs = publications_visible_to(user).filter(relevance_override__isnull=not decided)
    return qs.annotate(
        certainty=Coalesce(
            Abs(F("model_probability") - Value(0.5)), Value(-1.0), output_field=FloatField()
        )
    ).order_by("certainty", "-relevance_auto", "-year", "pk")


def saved_queries() -> QuerySet:
    from .models import SavedQuery

    return SavedQuery.objects.select_related("created_by").order_by("name")


def indicators_published(data: dict[str, Any], user) -> dict[str, Any]:
    """The indicators as ``user`` may see them: hide per-author figures from the public (no h-index per author, no central authors).

    The Lotka table counts authors of publications: public bibliographic data, not
    patients, so the small-cell rule does not apply (``disclosure.Subject.AUTHORS``)."""
    data = dict(data)
    if data.get("lotka"):
        lotka = dict(data["lotka"])
        lotka["table"] = [
            {**row, "observed": disclosure.count(row["observed"], subject=Subject.AUTHORS)}
            for row in lotka.get("table", [])
        ]
        data["lotka"] = lotka
    if not can(user, Capability.BIBLIOMETRICS_CURATE):
        data.pop("h_index_authors", None)
        if "coauthor_network" in data:
            data["coauthor_network"] = {
                k: v for k, v in data["coauthor_network"].items() if k != "central"
            }
    return data
