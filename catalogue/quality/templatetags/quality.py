"""``{% load quality %}{% table_quality table %}`` / ``{% variable_stats variable %}`` /
``{% database_quality database %}``: the quality fragments, for the catalogue pages."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from portal.disclosure import marker, resolve_threshold
from portal.roles import can

from .. import charts, selectors

register = template.Library()

STATS = ("mean", "std", "min", "p10", "p25", "median", "p75", "p90", "max")
GRADE_CLASSES = {"A": "success", "B": "success", "C": "info", "D": "warning", "E": "error"}


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


def _figures(prefix: str, *pairs) -> list[dict]:
    return [
        {"id": f"{prefix}-{name}", "figure": figure, "filename": f"{prefix}-{name}"}
        for name, figure in pairs
        if figure
    ]


@register.inclusion_tag("quality/_table_quality.html", takes_context=True)
def table_quality(context, table):
    run = selectors.latest_run(table)
    user = _user(context)
    out = {
        "table": table,
        "run": run,
        "can_run": can(user, "profiling.run"),
        "threshold": resolve_threshold(),
        "marker": marker(),
    }
    if run is None:
        return out
    results = list(run.variable_results.select_related("variable").order_by("position"))
    result = run.result or {}
    sex_column = (result.get("pyramid") or {}).get("sex_column", "")
    out.update(
        result=result,
        variables=results,
        runs_total=selectors.published_runs(table).count(),
        figures=_figures(
            f"qt{table.pk}",
            ("completude", charts.completeness_figure(r.data for r in results)),
            ("pyramide", charts.pyramid_figure(result.get("pyramid"))),
            ("sexe", charts.sex_split_figure(result.get("sex_split"), sex_column)),
        ),
    )
    return out


@register.inclusion_tag("quality/_variable_stats.html", takes_context=True)
def variable_stats(context, variable):
    latest = selectors.variable_latest(variable)
    user = _user(context)
    out = {
        "variable": variable,
        "latest": latest,
        "can_run": can(user, "profiling.run"),
        "threshold": resolve_threshold(),
    }
    if latest is None:
        return out
    data = latest.data
    history = list(selectors.variable_history(variable))
    stats = data.get("stats") or {}
    out.update(
        data=data,
        stats=[(key, stats.get(key)) for key in STATS] if stats else [],
        history=history,
        figures=_figures(
            f"qv{variable.pk}",
            ("histogramme", charts.histogram_figure(data)),
            ("valeurs", charts.top_values_figure(data)),
            ("evolution", charts.history_figure(history)),
        ),
    )
    return out


@register.inclusion_tag("quality/_database_quality.html", takes_context=True)
def database_quality(context, database):
    rollup = selectors.database_rollup(database)
    return {
        **rollup,
        "can_run": can(_user(context), "profiling.run"),
        "figures": _figures(f"qd{database.pk}", ("scores", charts.database_figure(rollup["runs"]))),
    }


@register.filter
def grade_class(grade) -> str:
    return GRADE_CLASSES.get(str(grade or ""), "new")


@register.filter
def pct(value) -> str:
    """A published share: ``97.5 %``, a bound as published (``> 99.0 %``), or —."""
    if value is None or value == "":
        return "—"
    if isinstance(value, int | float):
        return f"{value:.1f} %".replace(".", ",")
    return str(value)


def _figure(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    return str(value)


@register.filter
def count(value) -> str:
    """A published count of people: thousands separated, a marker ("< 10", "n.d.") as is,
    or —; marked ``<span data-count>`` so that the privacy scan reads every one."""
    if value is None:
        return "—"
    return format_html("<span data-count>{}</span>", _figure(value))


@register.filter
def number(value) -> str:
    """A figure that is not a count of people (distinct values): thousands separated."""
    return _figure(value)


@register.filter
def stat(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")
    return str(value)
