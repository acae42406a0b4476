"""A product's schema diagram (its tables and join keys) drawn as SVG, server-side.

Plain module (no Django import): takes tables and keys as tuples, returns SVG text that
pages embed and users download. No script: each table is a link (``<a href>``) to its
page, each key a line whose tooltip (``<title>``) names its columns. Every text is
escaped here, so the SVG can be inlined as is.

Layout: the table with the most keys in the middle (ER_PRS_F in the DCIR, the stays'
table in the PMSI), the others on one or two rings around it, sorted by name; tables of
other products that the keys reach are drawn dashed, on the outer ring.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

BOX_W, BOX_H = 150, 34
RING_GAP = 190
MAX_PER_RING = 18
COLOURS = {"fill": "#f5f5fe", "stroke": "#000091", "external": "#929292", "text": "#161616"}


@dataclass(frozen=True)
class Node:
    name: str
    title: str = ""
    url: str = ""
    external: bool = False  # a table of another product (or absent from the catalogue)


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    columns: str  # "BEN_NIR_PSA, BEN_RNG_GEM" or "NUM_ENQ → BEN_NIR_PSA"


def _rings(names: list[str]) -> list[list[str]]:
    if not names:
        return []
    count = math.ceil(len(names) / MAX_PER_RING)
    size = math.ceil(len(names) / count)
    return [names[i : i + size] for i in range(0, len(names), size)]


def layout(nodes: Iterable[Node], links: Iterable[Link]) -> dict[str, tuple[float, float]]:
    """Centre coordinates of every node (hub in the middle, rings around it)."""
    nodes = list(nodes)
    degree = Counter()
    for link in links:
        degree[link.source] += 1
        degree[link.target] += 1
    inside = sorted((n for n in nodes if not n.external), key=lambda n: n.name)
    outside = sorted((n for n in nodes if n.external), key=lambda n: n.name)
    if not inside:
        inside, outside = outside, []
    hub = max(inside, key=lambda n: (degree[n.name], -inside.index(n)))
    rings = _rings([n.name for n in inside if n is not hub])
    rings += _rings([n.name for n in outside])
    positions = {hub.name: (0.0, 0.0)}
    radius = 0.0
    for r, ring in enumerate(rings, start=1):
        # beyond the previous ring, and wide enough that the boxes of one ring do not touch
        radius = max(radius + RING_GAP, (BOX_W + 30) * len(ring) / (2 * math.pi))
        offset = 0 if r % 2 else math.pi / max(1, len(ring))
        for i, name in enumerate(ring):
            angle = offset + 2 * math.pi * i / len(ring) - math.pi / 2
            positions[name] = (radius * math.cos(angle), radius * math.sin(angle))
    return positions


def schema_svg(
    title: str, nodes: Iterable[Node], links: Iterable[Link], *, fit: bool = False
) -> str:
    """The SVG document of a schema diagram (``fit``: as wide as its container, for a
    page; otherwise its natural size, for a download)."""
    nodes = list(nodes)
    links = list(links)
    if not nodes:
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="60" role="img">'
            f"<title>{escape(title)}</title></svg>"
        )
    pos = layout(nodes, links)
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    margin = BOX_W
    min_x, min_y = min(xs) - margin, min(ys) - margin
    width = max(xs) - min(xs) + 2 * margin
    height = max(ys) - min(ys) + 2 * margin + 30

    def at(name: str) -> tuple[float, float]:
        x, y = pos[name]
        return round(x - min_x, 1), round(y - min_y + 30, 1)

    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="0 0 {round(width)} {round(height)}" '
        + ('width="100%" ' if fit else f'width="{round(width)}" height="{round(height)}" ')
        + f'role="img" aria-label={quoteattr(title)} '
        'font-family="Marianne, Arial, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text x="10" y="20" font-size="16" font-weight="bold">{escape(title)}</text>',
        '<g class="keys">',
    ]
    grouped: dict[tuple[str, str], list[str]] = {}
    for link in links:
        if link.source in pos and link.target in pos:
            grouped.setdefault((link.source, link.target), []).append(link.columns)
    for (a, b), columns in sorted(grouped.items()):
        (x1, y1), (x2, y2) = at(a), at(b)
        tip = f"{a} → {b} : " + " ; ".join(columns)
        out.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{COLOURS["external"]}" '
            f'stroke-width="1.2" data-from={quoteattr(a)} data-to={quoteattr(b)}>'
            f"<title>{escape(tip)}</title></line>"
        )
    out.append("</g>")
    out.append('<g class="tables">')
    for node in sorted(nodes, key=lambda n: n.name):
        x, y = at(node.name)
        left, top = round(x - BOX_W / 2, 1), round(y - BOX_H / 2, 1)
        stroke = COLOURS["external"] if node.external else COLOURS["stroke"]
        dash = ' stroke-dasharray="4 3"' if node.external else ""
        fill = "#ffffff" if node.external else COLOURS["fill"]
        tip = f"{node.name} — {node.title}" if node.title else node.name
        label = node.name if len(node.name) <= 20 else node.name[:19] + "…"
        box = (
            f'<rect x="{left}" y="{top}" width="{BOX_W}" height="{BOX_H}" rx="4" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/>'
            f'<text x="{x}" y="{round(y + 4, 1)}" text-anchor="middle" '
            f'fill="{COLOURS["text"]}">{escape(label)}</text>'
            f"<title>{escape(tip)}</title>"
        )
        if node.url:
            out.append(
                f"<a href={quoteattr(node.url)} xlink:href={quoteattr(node.url)} "
                f"data-table={quoteattr(node.name)}>{box}</a>"
            )
        else:
            out.append(f"<g data-table={quoteattr(node.name)}>{box}</g>")
    out.append("</g></svg>")
    return "\n".join(out)
