"""Bibliometric indicators as plain functions (no Django import).

They take plain Python data (lists, dicts) or a pandas DataFrame and return plain data,
so they are unit-tested against hand-computed examples and cached as JSON by the app.

Counting is "full counting": a publication with two actor types counts once for each.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any

import networkx as nx
import pandas as pd

SEED = 42


# --- Production -------------------------------------------------------------------------


def annual_production(years: Iterable[int | None]) -> dict[int, int]:
    """Publications per year, every year between the first and the last (zeros included)."""
    counts = Counter(y for y in years if y)
    if not counts:
        return {}
    return {y: counts.get(y, 0) for y in range(min(counts), max(counts) + 1)}


def cagr(
    production: Mapping[int, int], start: int | None = None, end: int | None = None
) -> float | None:
    """Compound annual growth rate between two years: (end/start)^(1/(years)) − 1.

    ``None`` when undefined (fewer than two years, or no publication in the first year).
    """
    if not production:
        return None
    start = min(production) if start is None else start
    end = max(production) if end is None else end
    first, last = production.get(start, 0), production.get(end, 0)
    if end <= start or first <= 0:
        return None
    return (last / first) ** (1 / (end - start)) - 1


def production_by(rows: Sequence[Mapping[str, Any]], key: str) -> dict[str, dict[int, int]]:
    """``{category: {year: publications}}`` where ``row[key]`` is a list of categories.

    A publication counts once per distinct category it has (full counting).
    """
    out: dict[str, Counter[int]] = {}
    for row in rows:
        year = row.get("year")
        if not year:
            continue
        for category in set(row.get(key) or []):
            out.setdefault(category, Counter())[year] += 1
    return {c: dict(sorted(years.items())) for c, years in sorted(out.items())}


def totals_by(rows: Sequence[Mapping[str, Any]], key: str) -> dict[str, int]:
    """Publications per category (full counting), largest first."""
    counts: Counter[str] = Counter()
    for row in rows:
        counts.update(set(row.get(key) or []))
    return dict(counts.most_common())


# --- Journals -----------------------------------------------------------------------------


def top_journals(journals: Iterable[str | None], n: int = 10) -> list[tuple[str, int]]:
    counts = Counter(j for j in journals if j)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def bradford_zones(journals: Iterable[str | None], zones: int = 3) -> dict[str, Any]:
    """Bradford's law: journals ranked by productivity, cut into ``zones`` zones holding
    about the same number of articles each.

    A journal belongs to the zone in which the cumulative count reaches its article; the
    Bradford multiplier is the mean ratio of journal counts between successive zones.
    """
    ranked = top_journals(journals, n=10**9)
    total = sum(c for _j, c in ranked)
    if not total:
        return {"zones": [], "journal_zone": {}, "multiplier": None}
    journal_zone: dict[str, int] = {}
    cumulative = 0
    for journal, count in ranked:
        # zone of the journal's first article: its share of the corpus before it
        zone = min(zones, int(cumulative * zones // total) + 1)
        journal_zone[journal] = zone
        cumulative += count
    summary = []
    for z in range(1, zones + 1):
        members = [j for j, zz in journal_zone.items() if zz == z]
        summary.append(
            {
                "zone": z,
                "journals": len(members),
                "articles": sum(c for j, c in ranked if journal_zone[j] == z),
            }
        )
    ratios = [
        summary[i + 1]["journals"] / summary[i]["journals"]
        for i in range(len(summary) - 1)
        if summary[i]["journals"] and summary[i + 1]["journals"]
    ]
    return {
        "zones": summary,
        "journal_zone": journal_zone,
        "multiplier": sum(ratios) / len(ratios) if ratios else None,
    }


# --- Authors ------------------------------------------------------------------------------


def lotka(publications_per_author: Iterable[int]) -> dict[str, Any]:
    """Fit Lotka's law y(x) = C / x^n on the number of authors y with x publications.

    The exponent n is the least-squares slope of log y on log x; C is the share of
    authors expected with one publication, 1 / Σ x^-n over the observed range (Pao).
    """
    dist = Counter(c for c in publications_per_author if c and c > 0)
    authors = sum(dist.values())
    if len(dist) < 2:
        return {
            "exponent": None,
            "constant": None,
            "r2": None,
            "authors": authors,
            "table": [{"x": x, "observed": y, "expected": None} for x, y in sorted(dist.items())],
        }
    xs = sorted(dist)
    lx = [math.log10(x) for x in xs]
    ly = [math.log10(dist[x]) for x in xs]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    sxx = sum((a - mx) ** 2 for a in lx)
    sxy = sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True))
    slope = sxy / sxx
    intercept = my - slope * mx
    ss_tot = sum((b - my) ** 2 for b in ly)
    ss_res = sum((b - (intercept + slope * a)) ** 2 for a, b in zip(lx, ly, strict=True))
    n = -slope
    constant = 1 / sum(x**-n for x in range(1, max(xs) + 1))
    table = [
        {"x": x, "observed": dist[x], "expected": round(authors * constant / x**n, 2)} for x in xs
    ]
    return {
        "exponent": n,
        "constant": constant,
        "r2": 1 - ss_res / ss_tot if ss_tot else 1.0,
        "authors": authors,
        "table": table,
    }


def h_index(citations: Iterable[int | None]) -> int:
    """Largest h such that h publications have at least h citations (unknown ones ignored)."""
    ranked = sorted((c for c in citations if c is not None), reverse=True)
    return sum(1 for i, c in enumerate(ranked, start=1) if c >= i)


def h_index_by(
    groups: Mapping[Hashable, Iterable[int | None]], n: int | None = None
) -> list[tuple[Any, int]]:
    """h-index of each entity that has at least one publication with known citations."""
    out = []
    for entity, citations in groups.items():
        known = [c for c in citations if c is not None]
        if known:
            out.append((entity, h_index(known)))
    out.sort(key=lambda kv: (-kv[1], str(kv[0])))
    return out[:n] if n else out


# --- Collaboration ------------------------------------------------------------------------


def collaboration(authors_per_publication: Iterable[int]) -> dict[str, float | None]:
    """Collaboration index (mean authors of multi-authored papers, Lawani), degree of
    collaboration (share of multi-authored papers, Subramanyam), mean authors per paper."""
    counts = [c for c in authors_per_publication if c and c > 0]
    multi = [c for c in counts if c > 1]
    return {
        "collaboration_index": sum(multi) / len(multi) if multi else None,
        "degree_of_collaboration": len(multi) / len(counts) if counts else None,
        "mean_authors": sum(counts) / len(counts) if counts else None,
    }


def international_share(countries_per_publication: Iterable[Iterable[str]]) -> float | None:
    """Share of publications with two countries or more, among those with a known country."""
    known = [{c for c in cs if c} for cs in countries_per_publication]
    known = [cs for cs in known if cs]
    if not known:
        return None
    return sum(1 for cs in known if len(cs) > 1) / len(known)


MAX_GROUP = 50


def _tie(graph: nx.Graph, a, b) -> None:
    """One more tie between ``a`` and ``b``: the edge's weight counts them."""
    if graph.has_edge(a, b):
        graph[a][b]["weight"] += 1
    else:
        graph.add_edge(a, b, weight=1)


def collaboration_network(
    groups: Iterable[Iterable[Hashable]], *, max_group: int = MAX_GROUP
) -> nx.Graph:
    """Co-occurrence graph: one node per entity, edge weight = publications shared.

    Node attribute ``publications`` counts the publications of each node. Publications
    with more than ``max_group`` members (consortium papers with hundreds of authors) are
    left out: one of them alone would add a clique of ~10⁵ edges that says nothing about
    collaboration habits.
    """
    graph = nx.Graph()
    for group in groups:
        members = sorted({m for m in group if m}, key=str)
        if len(members) > max_group:
            continue
        for m in members:
            if graph.has_node(m):
                graph.nodes[m]["publications"] += 1
            else:
                graph.add_node(m, publications=1)
        for a, b in combinations(members, 2):
            _tie(graph, a, b)
    return graph


def network_summary(
    graph: nx.Graph, *, top: int = 10, core_size: int = 1500, max_betweenness_sample: int = 200
) -> dict[str, Any]:
    """Communities (Louvain, fixed seed) and the most central nodes.

    On large graphs both are computed on the core: the ``core_size`` nodes with the most
    collaborations (weighted degree), which hold the structure a reader looks at; betweenness
    is sampled on ``max_betweenness_sample`` pivots (fixed seed) above that size.
    """
    if graph.number_of_nodes() == 0:
        return {"nodes": 0, "edges": 0, "communities": [], "central": [], "modularity": None}
    full_nodes, full_edges = graph.number_of_nodes(), graph.number_of_edges()
    if full_nodes > core_size:
        strength_all = dict(graph.degree(weight="weight"))
        keep = sorted(graph.nodes, key=lambda n: (-strength_all[n], str(n)))[:core_size]
        graph = graph.subgraph(keep).copy()
    communities = nx.community.louvain_communities(graph, weight="weight", seed=SEED)
    communities = sorted(
        (sorted(c, key=str) for c in communities), key=lambda c: (-len(c), str(c[0]))
    )
    modularity = (
        nx.community.modularity(graph, communities, weight="weight")
        if graph.number_of_edges()
        else None
    )
    degree = nx.degree_centrality(graph)
    k = None if graph.number_of_nodes() <= max_betweenness_sample else max_betweenness_sample
    betweenness = nx.betweenness_centrality(graph, k=k, seed=SEED, normalized=True)
    strength = dict(graph.degree(weight="weight"))
    ranked = sorted(graph.nodes, key=lambda n: (-degree[n], -strength[n], str(n)))[:top]
    community_of = {n: i for i, c in enumerate(communities) for n in c}
    return {
        "nodes": full_nodes,
        "edges": full_edges,
        "core_nodes": graph.number_of_nodes(),
        "modularity": modularity,
        "communities": communities,
        "central": [
            {
                "node": n,
                "degree": round(degree[n], 4),
                "betweenness": round(betweenness[n], 4),
                "strength": strength[n],
                "publications": graph.nodes[n].get("publications", 0),
                "community": community_of[n],
            }
            for n in ranked
        ],
    }


def network_layout(graph: nx.Graph, *, max_nodes: int = 80) -> dict[str, Any]:
    """The ``max_nodes`` busiest nodes, their edges and fixed-seed spring positions (for Plotly)."""
    if graph.number_of_nodes() == 0:
        return {"nodes": [], "edges": []}
    keep = sorted(graph.nodes, key=lambda n: (-graph.nodes[n].get("publications", 0), str(n)))[
        :max_nodes
    ]
    sub = graph.subgraph(keep)
    communities = (
        nx.community.louvain_communities(sub, weight="weight", seed=SEED)
        if sub.number_of_edges()
        else [set(sub)]
    )
    community_of = {
        n: i for i, c in enumerate(sorted(communities, key=len, reverse=True)) for n in c
    }
    pos = nx.spring_layout(sub, weight="weight", seed=SEED)
    return {
        "nodes": [
            {
                "id": n,
                "x": round(float(pos[n][0]), 4),
                "y": round(float(pos[n][1]), 4),
                "publications": sub.nodes[n].get("publications", 0),
                "community": community_of.get(n, 0),
            }
            for n in sub.nodes
        ],
        "edges": [
            {"source": a, "target": b, "weight": d.get("weight", 1)}
            for a, b, d in sub.edges(data=True)
        ],
    }


# --- Keywords, topics, reuse ----------------------------------------------------------------


def keyword_cooccurrence(
    keyword_lists: Iterable[Iterable[str]], *, top: int = 50, min_count: int = 2
) -> list[tuple[str, str, int]]:
    """Most frequent keyword pairs (case-insensitive), each pair counted once per publication."""
    pairs: Counter[tuple[str, str]] = Counter()
    for keywords in keyword_lists:
        norm = sorted({k.strip().casefold() for k in keywords if k and k.strip()})
        pairs.update(combinations(norm, 2))
    ranked = [(a, b, c) for (a, b), c in pairs.items() if c >= min_count]
    ranked.sort(key=lambda t: (-t[2], t[0], t[1]))
    return ranked[:top]


def topic_trends(
    years: Sequence[int | None], topics: Sequence[str | None], *, share: bool = False
) -> dict[str, dict[int, float]]:
    """``{topic: {year: publications}}`` (or the share of the year's publications)."""
    frame = pd.DataFrame({"year": list(years), "topic": list(topics)}).dropna()
    if frame.empty:
        return {}
    table = pd.crosstab(frame["topic"], frame["year"].astype(int))
    if share:
        table = table / table.sum(axis=0)
    return {
        str(topic): {int(y): (float(v) if share else int(v)) for y, v in row.items()}
        for topic, row in table.iterrows()
    }


def reuse_potential(
    rows: Sequence[Mapping[str, Any]],
    *,
    components: Sequence[str],
    themes: Sequence[str],
    component_key: str = "components",
    theme_key: str = "areas",
) -> dict[str, Any]:
    """SNDS components × themes: publications per cell, and the gaps (cells with none).

    Shows which data serve which questions; a gap is a theme no publication has studied
    with a component yet.
    """
    matrix = {c: dict.fromkeys(themes, 0) for c in components}
    for row in rows:
        for c in set(row.get(component_key) or []):
            if c not in matrix:
                continue
            for t in set(row.get(theme_key) or []):
                if t in matrix[c]:
                    matrix[c][t] += 1
    gaps = [(c, t) for c in components for t in themes if matrix[c][t] == 0]
    return {"matrix": matrix, "gaps": gaps}


# --- Everything at once ----------------------------------------------------------------------


def compute_all(
    rows: Sequence[Mapping[str, Any]],
    *,
    components: Sequence[str],
    themes: Sequence[str],
    references: Mapping[Hashable, Sequence[str]] | None = None,
    terms: Mapping[Hashable, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """Every indicator for a list of publication rows, JSON-serialisable.

    Row keys: id, year, journal, citations, authors (list of author keys), institutions,
    actor_types, countries, cities, components, areas, topic, keywords. ``references``
    (publication id → cited works) and ``terms`` (id → keywords and MeSH) feed the citation
    networks and the thematic map; they stay out of the rows the dashboard filters.
    """
    references = references or {}
    terms = terms or {r["id"]: r.get("keywords") or [] for r in rows if "id" in r}
    author_pubs: Counter[str] = Counter()
    author_cites: dict[str, list[int | None]] = {}
    inst_cites: dict[str, list[int | None]] = {}
    for r in rows:
        for a in set(r.get("authors") or []):
            author_pubs[a] += 1
            author_cites.setdefault(a, []).append(r.get("citations"))
        for i in set(r.get("institutions") or []):
            inst_cites.setdefault(i, []).append(r.get("citations"))
    inst_graph = collaboration_network(r.get("institutions") or [] for r in rows)
    coauthor_graph = collaboration_network(r.get("authors") or [] for r in rows)
    inst_summary = network_summary(inst_graph)
    coauthor_summary = network_summary(coauthor_graph)
    bradford = bradford_zones(r.get("journal") for r in rows)
    return {
        **_overview(rows),
        "bradford": {k: v for k, v in bradford.items() if k != "journal_zone"},
        "lotka": lotka(author_pubs.values()),
        "h_index_authors": h_index_by(author_cites, n=20),
        "h_index_institutions": h_index_by(inst_cites, n=20),
        "collaboration": collaboration(len(r.get("authors") or []) for r in rows),
        "international_share": international_share(r.get("countries") or [] for r in rows),
        "institution_network": {
            **{k: v for k, v in inst_summary.items() if k != "communities"},
            "communities": len(inst_summary["communities"]),
            "largest_communities": [c[:10] for c in inst_summary["communities"][:5]],
            "layout": network_layout(inst_graph),
        },
        "coauthor_network": {
            **{k: v for k, v in coauthor_summary.items() if k != "communities"},
            "communities": len(coauthor_summary["communities"]),
        },
        "keyword_cooccurrence": keyword_cooccurrence(r.get("keywords") or [] for r in rows),
        "topic_trends": topic_trends([r.get("year") for r in rows], [r.get("topic") for r in rows]),
        "reuse": reuse_potential(rows, components=components, themes=themes),
        "cocitation": citation_summary(cocitation_network(references.values())),
        "coupling": citation_summary(coupling_network(references)),
        "thematic_map": thematic_map(terms.values()),
        "thematic_evolution": thematic_evolution(
            [{"year": r.get("year"), "terms": terms.get(r.get("id")) or []} for r in rows]
        ),
    }


# --- Dashboard: filters and the light indicators recomputed per filter ------------------------

# filter name → (row key, the row value is a list)
FILTERS: dict[str, tuple[str, bool]] = {
    "actor_type": ("actor_types", True),
    "component": ("components", True),
    "area": ("areas", True),
    "country": ("countries", True),
    "city": ("cities", True),
    "institution": ("institutions", True),
    "topic": ("topic", False),
    "journal": ("journal", False),
}


def filter_rows(
    rows: Sequence[Mapping[str, Any]],
    *,
    year_min: int | None = None,
    year_max: int | None = None,
    year: int | None = None,
    **criteria: str | None,
) -> list[Mapping[str, Any]]:
    """Rows matching every criterion given (``None`` or "" means no criterion)."""
    active = {k: v for k, v in criteria.items() if v not in (None, "")}
    unknown = set(active) - set(FILTERS)
    if unknown:
        raise ValueError(f"unknown filter(s): {', '.join(sorted(unknown))}")
    out = []
    for row in rows:
        y = row.get("year")
        if year is not None and y != year:
            continue
        if year_min is not None and (y is None or y < year_min):
            continue
        if year_max is not None and (y is None or y > year_max):
            continue
        ok = True
        for name, value in active.items():
            key, is_list = FILTERS[name]
            cell = row.get(key)
            if (value not in (cell or [])) if is_list else (cell != value):
                ok = False
                break
        if ok:
            out.append(row)
    return out


def _overview(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The production figures the full indicators and the dashboard both start with."""
    production = annual_production(r.get("year") for r in rows)
    return {
        "publications": len(rows),
        "production": production,
        "cagr": cagr(production),
        "by_actor_type": production_by(rows, "actor_types"),
        "by_component": production_by(rows, "components"),
        "by_area": production_by(rows, "areas"),
        "by_country": totals_by(rows, "countries"),
        "by_city": totals_by(rows, "cities"),
        "top_journals": top_journals((r.get("journal") for r in rows), n=15),
    }


def dashboard(
    rows: Sequence[Mapping[str, Any]],
    *,
    components: Sequence[str],
    themes: Sequence[str],
    network_nodes: int = 60,
) -> dict[str, Any]:
    """What the public dashboard shows for a (filtered) set of rows: fast enough per request."""
    # only the busiest institutions are drawn: build the graph on them alone
    counts = Counter(i for r in rows for i in set(r.get("institutions") or []))
    shown = {i for i, _n in counts.most_common(network_nodes)}
    inst_graph = collaboration_network(
        [i for i in (r.get("institutions") or []) if i in shown] for r in rows
    )
    return {
        **_overview(rows),
        "topic_trends": topic_trends([r.get("year") for r in rows], [r.get("topic") for r in rows]),
        "collaboration": collaboration(len(r.get("authors") or []) for r in rows),
        "international_share": international_share(r.get("countries") or [] for r in rows),
        "institution_network": network_layout(inst_graph, max_nodes=network_nodes),
        "reuse": reuse_potential(rows, components=components, themes=themes),
    }


# --- Citations: co-citation and bibliographic coupling ------------------------------------------

MAX_REFERENCES_PER_PAPER = 300  # a review citing 1,000 works would add 500,000 pairs alone


def cocitation_network(
    reference_lists: Iterable[Iterable[str]], *, top: int = 60, min_count: int = 2
) -> nx.Graph:
    """Works cited together: nodes are the ``top`` most cited references of the corpus
    (``publications`` = citing papers), an edge counts the papers citing both."""
    lists = [list(dict.fromkeys(r))[:MAX_REFERENCES_PER_PAPER] for r in reference_lists]
    counts = Counter(ref for refs in lists for ref in refs)
    keep = {
        ref
        for ref, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        if n >= min_count
    }
    graph = nx.Graph()
    for ref in keep:
        graph.add_node(ref, publications=counts[ref])
    for refs in lists:
        kept = sorted(r for r in refs if r in keep)
        for a, b in combinations(kept, 2):
            _tie(graph, a, b)
    return graph


def coupling_network(
    references: Mapping[Hashable, Iterable[str]], *, top: int = 60, max_citing: int = 200
) -> nx.Graph:
    """Bibliographic coupling: publications sharing references; edge weight = references
    shared. Nodes are the ``top`` publications with the most coupling strength (their
    ``publications`` attribute is that strength). References cited by more than
    ``max_citing`` papers of the corpus are left out (they couple everything)."""
    citing: dict[str, list[Hashable]] = {}
    for pub, refs in references.items():
        for ref in dict.fromkeys(refs):
            citing.setdefault(ref, []).append(pub)
    pairs: Counter[tuple[Hashable, Hashable]] = Counter()
    for pubs in citing.values():
        if 1 < len(pubs) <= max_citing:
            pairs.update(combinations(sorted(pubs, key=str), 2))
    strength: Counter[Hashable] = Counter()
    for (a, b), w in pairs.items():
        strength[a] += w
        strength[b] += w
    keep = {p for p, _s in sorted(strength.items(), key=lambda kv: (-kv[1], str(kv[0])))[:top]}
    graph = nx.Graph()
    for p in keep:
        graph.add_node(p, publications=strength[p])
    for (a, b), w in pairs.items():
        if a in keep and b in keep:
            graph.add_edge(a, b, weight=w)
    return graph


def citation_summary(graph: nx.Graph, *, max_nodes: int = 60) -> dict[str, Any]:
    """Size, communities and a drawable layout of a citation network."""
    summary = network_summary(graph, top=15)
    return {
        "nodes": summary["nodes"],
        "edges": summary["edges"],
        "communities": len(summary["communities"]),
        "modularity": summary["modularity"],
        "central": summary["central"],
        "layout": network_layout(graph, max_nodes=max_nodes),
    }


# --- Thematic map (Callon) and thematic evolution ------------------------------------------------

QUADRANTS = ("motor", "niche", "emerging_declining", "basic")
# MeSH check tags: on nearly every record, they say nothing about the theme
CHECK_TAGS = frozenset(
    t.casefold()
    for t in (
        "Humans", "Female", "Male", "Adult", "Aged", "Aged, 80 and over", "Middle Aged",
        "Young Adult", "Adolescent", "Child", "Child, Preschool", "Infant", "Infant, Newborn",
        "Animals", "Pregnancy", "France", "Retrospective Studies", "Cohort Studies",
        "Risk Factors", "Databases, Factual",
    )
)  # fmt: skip


def _words(terms: Iterable[str]) -> list[str]:
    out = []
    for t in terms:
        t = (t or "").strip().casefold()
        if t and t not in CHECK_TAGS and t not in out:
            out.append(t)
    return out


def thematic_map(
    term_lists: Iterable[Iterable[str]], *, n_words: int = 200, min_count: int = 2,
    min_cluster: int = 2,
) -> dict[str, Any]:  # fmt: skip
    """Callon's strategic diagram of a co-word network.

    The ``n_words`` most frequent keywords (MeSH check tags aside) form a co-occurrence
    network whose links are Callon's equivalence index e_ij = c_ij² / (c_i c_j). Louvain
    clusters are the themes. For a theme, **centrality** is the sum of its external links
    × 10 (how much it interacts with the others) and **density** the sum of its internal
    links / number of words × 100 (how developed it is). Cut at the medians, the four
    quadrants are: motor themes (central and dense), niche themes (dense, peripheral),
    emerging or declining themes (neither) and basic, transversal themes (central, not dense).
    """
    docs = [_words(t) for t in term_lists]
    freq = Counter(w for d in docs for w in d)
    vocab = {
        w
        for w, n in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:n_words]
        if n >= min_count
    }
    co: Counter[tuple[str, str]] = Counter()
    for d in docs:
        co.update(combinations(sorted(w for w in d if w in vocab), 2))
    graph = nx.Graph()
    graph.add_nodes_from(vocab)
    for (a, b), c in co.items():
        graph.add_edge(a, b, weight=c * c / (freq[a] * freq[b]), count=c)
    if graph.number_of_edges() == 0:
        return {"themes": [], "median_centrality": None, "median_density": None}
    communities = [
        sorted(c, key=lambda w: (-freq[w], w))
        for c in nx.community.louvain_communities(graph, weight="weight", seed=SEED)
    ]
    cluster_of = {w: i for i, c in enumerate(communities) for w in c}
    themes = []
    for i, words in enumerate(communities):
        if len(words) < min_cluster:
            continue
        internal = external = 0.0
        for a in words:
            for b, data in graph[a].items():
                if cluster_of[b] == i:
                    internal += data["weight"] / 2  # each internal edge is seen twice
                else:
                    external += data["weight"]
        themes.append(
            {
                "label": ", ".join(words[:3]),
                "words": words[:10],
                "size": len(words),
                "occurrences": sum(freq[w] for w in words),
                "centrality": round(external * 10, 4),
                "density": round(internal / len(words) * 100, 4),
            }
        )
    if not themes:
        return {"themes": [], "median_centrality": None, "median_density": None}
    mc = float(pd.Series([t["centrality"] for t in themes]).median())
    md = float(pd.Series([t["density"] for t in themes]).median())
    for t in themes:
        # above the median (a theme at the median, e.g. an isolated one at 0, is not central)
        central, dense = t["centrality"] > mc, t["density"] > md
        t["quadrant"] = (
            "motor" if central and dense else
            "niche" if dense else
            "basic" if central else
            "emerging_declining"
        )  # fmt: skip
    themes.sort(key=lambda t: (-t["occurrences"], t["label"]))
    return {"themes": themes, "median_centrality": mc, "median_density": md}


def periods_of(years: Iterable[int | None], n: int = 3) -> list[tuple[int, int]]:
    """``n`` consecutive year ranges holding about the same number of publications."""
    ys = sorted(y for y in years if y)
    if not ys:
        return []
    n = max(1, min(n, len(set(ys))))
    cuts: list[tuple[int, int]] = []
    start = ys[0]
    for k in range(1, n + 1):
        end = ys[min(len(ys) - 1, round(k * len(ys) / n) - 1)]
        if cuts and end <= cuts[-1][1]:
            continue
        cuts.append((start, end))
        start = end + 1
    if cuts[-1][1] < ys[-1]:
        cuts[-1] = (cuts[-1][0], ys[-1])
    return cuts


def thematic_evolution(
    rows: Sequence[Mapping[str, Any]], *, periods: int = 3, min_inclusion: float = 0.1,
    term_key: str = "terms",
) -> dict[str, Any]:  # fmt: skip
    """Themes of each period and how they flow into those of the next period.

    A link joins two themes of consecutive periods when they share words; its weight is the
    inclusion index |A ∩ B| / min(|A|, |B|) (kept from ``min_inclusion``)."""
    cuts = periods_of([r.get("year") for r in rows], periods)
    by_period = []
    for start, end in cuts:
        subset = [
            r.get(term_key) or [] for r in rows if r.get("year") and start <= r["year"] <= end
        ]
        themes = thematic_map(subset, n_words=120)["themes"][:8]
        by_period.append({"period": f"{start}–{end}", "themes": themes})
    links = []
    for i in range(len(by_period) - 1):
        for a, ta in enumerate(by_period[i]["themes"]):
            for b, tb in enumerate(by_period[i + 1]["themes"]):
                wa, wb = set(ta["words"]), set(tb["words"])
                shared = wa & wb
                if not shared:
                    continue
                inclusion = len(shared) / min(len(wa), len(wb))
                if inclusion >= min_inclusion:
                    links.append(
                        {
                            "source": [i, a],
                            "target": [i + 1, b],
                            "inclusion": round(inclusion, 3),
                            "shared": sorted(shared),
                        }
                    )
    return {"periods": by_period, "links": links}
