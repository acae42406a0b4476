"""Figures of the guichet and projets dashboards."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import calendar as workdays
from .models import Dossier, Route, Status
from .selectors import dossiers_overdue, rapporteur_workload
from .services.limits import rapporteur_monthly_limit

STEPS = [
    ("completeness", "submitted_on", "admissible_on"),
    ("cesrees", "cesrees_sent_on", "cesrees_opinion_on"),
    ("cnil", "cnil_sent_on", "cnil_decision_on"),
]
STEP_LABELS = {
    "completeness": _("Dépôt → recevabilité"),
    "cesrees": _("Saisine → avis du CESREES"),
    "cnil": _("Saisine → décision de la CNIL"),
}


def median_step_durations(qs: QuerySet[Dossier]) -> dict[str, float | None]:
    """Median working days of each step over the dossiers that completed it."""
    result = {}
    for key, start, end in STEPS:
        periods = qs.filter(**{f"{start}__isnull": False, f"{end}__isnull": False}).values_list(
            start, end
        )
        result[key] = workdays.median_working_days(periods)
    return result


def dashboard_figures(qs: QuerySet[Dossier]) -> dict:
    status_labels = dict(Status.choices)
    route_labels = dict(Route.choices)
    by_status = [
        {
            "status": row["status"],
            "label": status_labels.get(row["status"], row["status"]),
            "n": row["n"],
        }
        for row in qs.values("status").annotate(n=Count("id")).order_by("status")
    ]
    by_route = [
        {
            "route": row["route"],
            "label": route_labels.get(row["route"], row["route"]),
            "n": row["n"],
        }
        for row in qs.values("route").annotate(n=Count("id")).order_by("route")
    ]
    by_year = list(
        qs.filter(submitted_on__isnull=False)
        .annotate(year=ExtractYear("submitted_on"))
        .values("year")
        .annotate(n=Count("id"))
        .order_by("year")
    )
    medians = median_step_durations(qs)
    return {
        "total": qs.count(),
        "by_status": by_status,
        "by_route": by_route,
        "by_year": by_year,
        "medians": [{"step": k, "label": STEP_LABELS[k], "days": v} for k, v in medians.items()],
        "overdue": dossiers_overdue(qs).select_related("owner"),
        "workload": rapporteur_workload(),
        "workload_limit": rapporteur_monthly_limit(),
        "today": timezone.localdate(),
    }
