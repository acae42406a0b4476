"""``{% load quality %}{% table_quality table %}`` / ``{% variable_stats variable %}`` /
``{% database_quality database %}``: the quality fragments, for the catalogue pages."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from portal.disclosure import marker, resolve_threshold
from portal.roles import Capability, can

from .. import charts, selectors

register = template.Library()

STATS = ("mean", "std", "min", "p10", "p25", "median", "p75", "p90", "max")
GRADE_CLASSES = {"A": "success", "B": "success", "C": "info", "D": "warning", "E": "error"}


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


def _fragment(context, **values) -> dict:
    """A fragment's context: its ``values``, whether the user may profile, and the small-cell
    threshold its figures are published under."""
    return {
        **values,
        "can_run": can(_user(context), Capability.PROFILING_RUN),
        "threshold": resolve_threshold(),
    }


def _figures(prefix: str, *pairs) -> list[dict]:
    return [
        {"id": f"{prefix}-{name}", "figure": figure, "filename": f"{prefix}-{name}"}
        for name, figure in pairs
        if figure
    ]


@register.inclusion_tag("quality/_table_quality.html", takes_context=True)
def table_quality(context, table):
    run = selectors.latest_run(table)
    out = _fragment(context, table=table, run=run, marker=marker())
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
    out = _fragment(context, variable=variable, latest=latest)
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
        "can_run": can(_user(context), Capability.PROFILING_RUN),
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


def _basis_labels() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {
        "curator": _("fixée par les curateurs"),
        "death_date": _("date de décès : vide pour les personnes en vie"),
        "optional": _("colonne facultative"),
        "required": _("colonne obligatoire"),
        "default": _("par défaut"),
        "undeclared": _("non déclarée"),
    }


@register.filter
def expected_basis(code) -> str:
    return _basis_labels().get(str(code or ""), str(code or ""))


@register.filter
def isodate(value) -> str:
    """An ISO date (``2015-12-31``) as the locale writes it."""
    import datetime as dt

    from django.utils.formats import date_format

    try:
        return date_format(dt.date.fromisoformat(str(value)[:10]), "DATE_FORMAT")
    except ValueError:
        return str(value or "")


@register.filter
def explain(item) -> str:
    """One item of a grade's explanation (codes from
    :func:`catalogue.profiling.scoring.explain_grade`) as a translated sentence."""
    from django.utils.translation import gettext as _

    code = item.get("code") if isinstance(item, dict) else None
    dims = {
        "completeness": _("Complétude"),
        "conformance": _("Conformité"),
        "plausibility": _("Plausibilité"),
    }
    if code == "grade":
        if item.get("grade") is None:
            return _("Aucune dimension n'a pu être jugée.")
        text = _("Note %(grade)s : score global %(overall)s, moyenne des dimensions jugées.") % {
            "grade": item["grade"],
            "overall": pct(item.get("overall")),
        }
        if item.get("next_grade"):
            text += " " + _("La note %(next)s demande au moins %(threshold)s.") % {
                "next": item["next_grade"],
                "threshold": pct(item.get("next_threshold")),
            }
        return text
    if code == "dimension":
        if item.get("score") is None:
            return _("%(dimension)s : non jugée (aucune règle applicable).") % {
                "dimension": dims.get(item["dimension"], item["dimension"])
            }
        return _("%(dimension)s : %(score)s.") % {
            "dimension": dims.get(item["dimension"], item["dimension"]),
            "score": pct(item["score"]),
        }
    if code == "below_expected":
        return _(
            "%(variable)s est renseignée à %(observed)s pour %(expected)s attendus (%(basis)s) : "
            "complétude jugée à %(score)s."
        ) % {
            "variable": item["variable"],
            "observed": pct(item["observed"]),
            "expected": pct(item["expected"]),
            "basis": expected_basis(item.get("basis")),
            "score": pct(item.get("score")),
        }
    if code == "empty_by_design":
        return _("%(variable)s est renseignée à %(observed)s, sans pénalité : %(basis)s.") % {
            "variable": item["variable"],
            "observed": pct(item["observed"]),
            "basis": expected_basis(item.get("basis")),
        }
    if code == "nonconforming":
        return _("%(variable)s : %(pct)s de valeurs conformes.") % {
            "variable": item["variable"],
            "pct": pct(item["pct"]),
        }
    if code == "implausible":
        return _("%(variable)s : %(pct)s de valeurs plausibles.") % {
            "variable": item["variable"],
            "pct": pct(item["pct"]),
        }
    if code in ("below_expected_more", "nonconforming_more", "implausible_more"):
        return _("… et %(n)s autres variables.") % {"n": item["more"]}
    if code == "duplicate_keys":
        return _("Clé primaire (%(columns)s) : %(n)s lignes en doublon.") % {
            "columns": ", ".join(item["columns"]),
            "n": count(item["count"]),
        }
    if code == "orphans":
        return _("%(columns)s → %(table)s : %(pct)s des lignes retrouvées.") % {
            "columns": ", ".join(item["columns"]),
            "table": item["referenced_table"],
            "pct": pct(item["pct_ok"]),
        }
    if code == "absent_columns":
        return _(
            "Extrait partiel : colonnes déclarées absentes du fichier, non jugées : %(columns)s."
        ) % {"columns": ", ".join(item["columns"])}
    if code == "undeclared_columns":
        return _(
            "Colonnes du fichier absentes du catalogue, profilées et signalées mais hors "
            "note : %(columns)s."
        ) % {"columns": ", ".join(item["columns"])}
    return ""
