/* Charts of the indicators page (the partial Plotly bundle, served locally), in the dashboard's style:
   co-citation and coupling networks, Callon's thematic map, thematic evolution. */
(function () {
  "use strict";
  const charts = JSON.parse(document.getElementById("biblio-charts").textContent);
  const cfg = window.BIBLIO;
  const layoutBase = {margin: {t: 10, r: 10, b: 40, l: 50}};

  // Through the portal's helper (portal/static/portal/charts.js): the page's language, its
  // short toolbar with one download button, and an empty state for a chart with no data.
  function plot(id, traces, layout) {
    window.hdhPlot.plot(id, traces, Object.assign({}, layoutBase, layout || {}), {filename: id});
  }

  function network(id, block) {
    const net = (block && block.layout) || {nodes: [], edges: []};
    const names = (block && block.labels) || {};
    const pos = Object.fromEntries((net.nodes || []).map((n) => [n.id, n]));
    const ex = [], ey = [];
    for (const e of net.edges || []) {
      const a = pos[e.source], b = pos[e.target];
      if (a && b) { ex.push(a.x, b.x, null); ey.push(a.y, b.y, null); }
    }
    plot(id, [
      {type: "scatter", mode: "lines", x: ex, y: ey, line: {width: 0.5, color: "#bbb"}, hoverinfo: "skip", showlegend: false},
      {type: "scatter", mode: "markers", x: (net.nodes || []).map((n) => n.x), y: (net.nodes || []).map((n) => n.y),
       text: (net.nodes || []).map((n) => `${names[n.id] || n.id} (${n.publications})`), hoverinfo: "text",
       marker: {size: (net.nodes || []).map((n) => 6 + 2 * Math.sqrt(n.publications)), color: (net.nodes || []).map((n) => n.community), colorscale: "Viridis"}, showlegend: false},
    ], {xaxis: {visible: false}, yaxis: {visible: false}, hovermode: "closest"});
  }

  network("chart-cocitation", charts.cocitation);
  network("chart-coupling", charts.coupling);

  const map = charts.thematic_map || {};
  const themes = map.themes || [];
  const colors = {motor: "#000091", niche: "#6a6af4", emerging_declining: "#e1000f", basic: "#18753c"};
  const byQuadrant = {};
  for (const t of themes) (byQuadrant[t.quadrant] = byQuadrant[t.quadrant] || []).push(t);
  const traces = Object.entries(byQuadrant).map(([q, ts]) => ({
    type: "scatter", mode: "markers+text", name: charts.quadrants[q] || q,
    x: ts.map((t) => t.centrality), y: ts.map((t) => t.density), text: ts.map((t) => t.label), textposition: "top center",
    marker: {size: ts.map((t) => 10 + 2 * Math.sqrt(t.occurrences)), color: colors[q], opacity: 0.7},
    hovertemplate: "%{text}<br>%{x:.2f} × %{y:.2f}<extra></extra>",
  }));
  const shapes = map.median_centrality === null || map.median_centrality === undefined ? [] : [
    {type: "line", xref: "x", yref: "paper", x0: map.median_centrality, x1: map.median_centrality, y0: 0, y1: 1, line: {dash: "dot", color: "#666"}},
    {type: "line", xref: "paper", yref: "y", x0: 0, x1: 1, y0: map.median_density, y1: map.median_density, line: {dash: "dot", color: "#666"}},
  ];
  plot("chart-thematic-map", traces, {shapes: shapes, xaxis: {title: {text: cfg.labels.centrality}}, yaxis: {title: {text: cfg.labels.density}}, hovermode: "closest"});

  const evo = charts.thematic_evolution || {};
  const periods = evo.periods || [];
  const index = {}, labels = [];
  periods.forEach((p, i) => p.themes.forEach((t, j) => { index[`${i}:${j}`] = labels.length; labels.push(`${p.period} · ${t.label}`); }));
  const links = evo.links || [];
  plot("chart-thematic-evolution", [{
    type: "sankey", arrangement: "snap",
    node: {label: labels, pad: 12, thickness: 14, color: "#6a6af4"},
    link: {source: links.map((l) => index[`${l.source[0]}:${l.source[1]}`]), target: links.map((l) => index[`${l.target[0]}:${l.target[1]}`]),
           value: links.map((l) => l.inclusion), label: links.map((l) => l.shared.join(", "))},
  }], {margin: {t: 10, r: 10, b: 10, l: 10}});
})();
