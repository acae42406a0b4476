"""Plotly figures (plain dicts, rendered by static/quality/charts.js) from *published*
profiles only: a suppressed count ("< 10", "n.d.") is drawn as an empty bar labelled
with its marker, never as a number."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from portal.charts import SEX_COLORS
from portal.disclosure import share_value

BLUE = "#000091"
GREEN = "#18753c"
ORANGE = "#b34000"
GREY = "#929292"


def _layout(title: str, **extra) -> dict:
    layout = {
        "title": {"text": title, "font": {"size": 15}},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 60},
        "height": 340,
        "font": {"family": "Marianne, arial, sans-serif"},
        "showlegend": False,
    }
    layout.update(extra)
    return layout


def _value(count) -> int:
    return count if isinstance(count, int) else 0


def _text(count) -> str:
    return f"{count:,}".replace(",", "\u202f") if isinstance(count, int) else str(count)


def histogram_figure(var: dict) -> dict | None:
    bins = var.get("histogram") or []
    if not bins:
        return None
    return {
        "data": [
            {
                "type": "bar",
                "x": [b["label"] for b in bins],
                "y": [_value(b["count"]) for b in bins],
                "text": [_text(b["count"]) for b in bins],
                "hovertemplate": "%{x} : %{text}<extra></extra>",
                "marker": {"color": BLUE},
            }
        ],
        "layout": _layout(
            _("Distribution de %(name)s") % {"name": var["name"]},
            bargap=0.05,
            yaxis={"title": {"text": _("lignes")}},
        ),
    }


def top_values_figure(var: dict) -> dict | None:
    top = var.get("top_values") or []
    if not top:  # every value is rare or the top is empty: a lone "others" bar says nothing
        return None
    labels = [f"{v['value']} — {v['label']}" if v.get("label") else str(v["value"]) for v in top]
    counts = [v["count"] for v in top]
    if var.get("other_count") not in (None, 0):
        labels.append(_("autres valeurs (regroupées)"))
        counts.append(var["other_count"])
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": labels[::-1],
                "x": [_value(c) for c in counts][::-1],
                "text": [_text(c) for c in counts][::-1],
                "textposition": "auto",
                "hovertemplate": "%{y} : %{text}<extra></extra>",
                "marker": {"color": BLUE},
            }
        ],
        "layout": _layout(
            _("Valeurs les plus fréquentes de %(name)s") % {"name": var["name"]},
            height=max(260, 40 + 28 * len(labels)),
            margin={"l": 200, "r": 20, "t": 50, "b": 40},
            yaxis={"automargin": True, "type": "category"},
        ),
    }


def pyramid_figure(pyramid: dict | None) -> dict | None:
    if not pyramid or not pyramid.get("bands"):
        return None
    bands = pyramid["bands"]
    labels = [b["label"] for b in bands]
    male = [b["male_count"] for b in bands]
    female = [b["female_count"] for b in bands]
    top = max([_value(c) for c in male + female] + [10])
    ticks = [round(top * k / 2) for k in (-2, -1, 0, 1, 2)]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": _("Hommes"),
                "y": labels,
                "x": [-_value(c) for c in male],
                "text": [_text(c) for c in male],
                "hovertemplate": "%{y} : %{text}<extra>" + _("Hommes") + "</extra>",
                "marker": {"color": SEX_COLORS["M"]},
            },
            {
                "type": "bar",
                "orientation": "h",
                "name": _("Femmes"),
                "y": labels,
                "x": [_value(c) for c in female],
                "text": [_text(c) for c in female],
                "hovertemplate": "%{y} : %{text}<extra>" + _("Femmes") + "</extra>",
                "marker": {"color": SEX_COLORS["F"]},
            },
        ],
        "layout": _layout(
            _("Pyramide des âges en %(year)s (%(age)s × %(sex)s)")
            % {
                "year": pyramid["reference_year"],
                "age": pyramid["source_column"],
                "sex": pyramid["sex_column"],
            },
            barmode="relative",
            bargap=0.05,
            showlegend=True,
            height=420,
            yaxis={"type": "category", "title": {"text": _("âge")}},
            xaxis={
                "title": {"text": _("lignes (hommes à gauche)")},
                "tickvals": ticks,
                "ticktext": [str(abs(t)) for t in ticks],
            },
        ),
    }


def _sex_color(value) -> str:
    """The site's colour for a sex code: SNDS 1 / 2 or OMOP-like M / F."""
    code = str(value).strip().upper()
    return {
        "1": SEX_COLORS["M"],
        "M": SEX_COLORS["M"],
        "2": SEX_COLORS["F"],
        "F": SEX_COLORS["F"],
    }.get(code, SEX_COLORS["unknown"])


def sex_split_figure(sex_split: list[dict] | None, column: str = "") -> dict | None:
    if not sex_split:
        return None
    labels = [s.get("label") or str(s["value"]) for s in sex_split]
    counts = [s["count"] for s in sex_split]
    return {
        "data": [
            {
                "type": "bar",
                "x": labels,
                "y": [_value(c) for c in counts],
                "text": [_text(c) for c in counts],
                "textposition": "auto",
                "hovertemplate": "%{x} : %{text}<extra></extra>",
                "marker": {"color": [_sex_color(s["value"]) for s in sex_split]},
            }
        ],
        "layout": _layout(_("Répartition par sexe %(col)s") % {"col": column}),
    }


def completeness_figure(variables: Iterable[dict]) -> dict | None:
    variables = list(variables)
    if not variables:
        return None
    return {
        "data": [
            {
                "type": "bar",
                "x": [v["name"] for v in variables],
                "y": [share_value(v["completeness_pct"]) for v in variables],
                "text": [
                    str(v["completeness_pct"] if v["completeness_pct"] is not None else "—")
                    for v in variables
                ],
                "hovertemplate": "%{x} : %{text} %<extra></extra>",
                "marker": {"color": GREEN},
            }
        ],
        "layout": _layout(
            _("Complétude par variable (%)"),
            yaxis={"range": [0, 100]},
            xaxis={"tickangle": -45, "automargin": True},
        ),
    }


def history_figure(rows: Iterable) -> dict | None:
    """Completeness and score of a variable across runs (``VariableResult`` rows)."""
    rows = list(rows)
    if not rows:
        return None
    dates = [r.run.published_at.isoformat() for r in rows]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("complétude (%)"),
                "x": dates,
                "y": [r.completeness_pct for r in rows],
                "line": {"color": GREEN},
            },
            {
                "type": "scatter",
                "mode": "lines+markers+text",
                "name": _("score (note)"),
                "x": dates,
                "y": [r.score for r in rows],
                "text": [r.grade or "" for r in rows],
                "textposition": "top center",
                "line": {"color": BLUE, "dash": "dot"},
            },
        ],
        "layout": _layout(
            _("Évolution au fil des profilages"),
            showlegend=True,
            yaxis={"range": [0, 105], "title": {"text": "%"}},
            xaxis={"type": "date"},
        ),
    }


def database_figure(runs: Iterable) -> dict | None:
    """Kahn scores of each table (latest runs of a database)."""
    runs = list(runs)
    if not runs:
        return None
    names = [r.table.name for r in runs]
    traces = []
    for attr, label, color in (
        ("conformance", _("conformité"), BLUE),
        ("completeness", _("complétude"), GREEN),
        ("plausibility", _("plausibilité"), ORANGE),
    ):
        traces.append(
            {
                "type": "bar",
                "name": label,
                "x": names,
                "y": [getattr(r, attr) for r in runs],
                "marker": {"color": color},
            }
        )
    return {
        "data": traces,
        "layout": _layout(
            _("Scores de Kahn par table"),
            barmode="group",
            showlegend=True,
            yaxis={"range": [0, 100]},
            xaxis={"tickangle": -45, "automargin": True},
        ),
    }
