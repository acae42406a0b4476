"""The join graph around a table, laid out server-side (networkx) and drawn with Plotly.

Plain module (no Django import): takes edges as tuples, returns a Plotly figure dict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str  # "BEN_NIR_PSA, BEN_RNG_GEM" or "NIR_ANO_17 → BEN_NIR_PSA"


def join_figure(
    center: str, edges: Iterable[Edge], urls: dict[str, str], *, missing_hover: str = "{name}"
) -> dict:
    """A Plotly figure: ``center`` and the tables it joins, nodes link to ``urls``.

    ``missing_hover`` is the hover text of a table absent from the catalogue, with ``{name}``
    (the caller translates it); the legend is drawn by the page, beside the chart.
    """
    graph = nx.DiGraph()
    graph.add_node(center)
    labels: dict[tuple[str, str], list[str]] = {}
    for edge in edges:
        graph.add_edge(edge.source, edge.target)
        labels.setdefault((edge.source, edge.target), []).append(edge.label)
    pos = nx.spring_layout(graph, seed=42, k=1.5 / max(1, len(graph)) ** 0.5)
    pos[center] = (0.0, 0.0) if len(graph) == 1 else pos[center]
    edge_x: list[float | None] = []
    edge_y: list[float | None] = []
    mid_x, mid_y, mid_text = [], [], []
    for (a, b), texts in labels.items():
        (x0, y0), (x1, y1) = pos[a], pos[b]
        edge_x += [x0, x1, None]
        edge_y += [y0, y1, None]
        mid_x.append((x0 + x1) / 2)
        mid_y.append((y0 + y1) / 2)
        mid_text.append(f"{a} → {b}<br>" + "<br>".join(texts))
    nodes = list(graph.nodes)
    return {
        "data": [
            {
                "type": "scatter",
                "x": edge_x,
                "y": edge_y,
                "mode": "lines",
                "line": {"width": 1, "color": "#929292"},
                "hoverinfo": "skip",
            },
            {
                "type": "scatter",
                "x": mid_x,
                "y": mid_y,
                "mode": "markers",
                "marker": {"size": 6, "color": "#929292"},
                "text": mid_text,
                "hoverinfo": "text",
            },
            {
                "type": "scatter",
                "x": [float(pos[n][0]) for n in nodes],
                "y": [float(pos[n][1]) for n in nodes],
                "mode": "markers+text",
                "text": nodes,
                "textposition": "top center",
                "customdata": [urls.get(n, "") for n in nodes],
                "marker": {
                    "size": [22 if n == center else 14 for n in nodes],
                    "color": [
                        "#000091" if n == center else ("#6a6af4" if urls.get(n) else "#ce0500")
                        for n in nodes
                    ],
                },
                "hovertext": [n if urls.get(n) else missing_hover.format(name=n) for n in nodes],
                "hoverinfo": "text",
            },
        ],
        "layout": {
            "showlegend": False,
            "height": 420,
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "plot_bgcolor": "rgba(0,0,0,0)",
        },
    }
