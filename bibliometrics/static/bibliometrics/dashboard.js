/* Dashboard charts (Plotly partial bundle served locally, drawn through portal/charts.js:
   the page's language, a short toolbar, empty states). A click on any element opens the list
   of its publications, with the dashboard's filters kept. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const data = JSON.parse(document.getElementById("biblio-data").textContent);
  const labels = JSON.parse(document.getElementById("biblio-labels").textContent);
  const filters = JSON.parse(document.getElementById("biblio-filters").textContent);
  const cfg = window.BIBLIO;
  const palette = window.hdhPlot.palette;
  // One download button (PNG, from portal/charts.js); the data of each chart is in its CSV.
  const config = {topojsonURL: cfg.topojsonURL};
  const layoutBase = {margin: {t: 10, r: 10, b: 40, l: 50}};
  const years = {type: "category"};  // years are labels, never "2,015" or "2015.5"

  function openList(extra) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) params.set(k, v);
    for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== null) params.set(k, v);
    window.location.href = cfg.listUrl + "?" + params.toString();
  }

  function plot(id, traces, layout, onClick, options) {
    const el = document.getElementById(id);
    if (!el) return;
    const drawn = window.hdhPlot.plot(el, traces, Object.assign({}, layoutBase, layout || {}),
      Object.assign({config: config, filename: id.replace("chart-", "")}, options || {}));
    if (drawn && onClick) drawn.then(() => el.on("plotly_click", (ev) => { if (ev.points && ev.points.length) onClick(ev.points[0]); }));
  }

  function stacked(id, block, names, filterName) {
    const traces = Object.entries(block || {}).map(([key, years]) => ({
      type: "bar", name: (names && names[key]) || key,
      x: Object.keys(years).map(Number), y: Object.values(years), customdata: Object.keys(years).map(() => key),
    }));
    plot(id, traces, {barmode: "stack", xaxis: years}, (p) => openList({[filterName]: p.customdata, year: p.x}));
  }

  const prod = data.production || {};
  plot("chart-production", [{type: "bar", x: Object.keys(prod).map(Number), y: Object.values(prod), marker: {color: palette.main}, name: cfg.labels.publications}],
    {xaxis: years, showlegend: false}, (p) => openList({year: p.x}));
  stacked("chart-actor_types", data.by_actor_type, labels.actor_type, "actor_type");
  stacked("chart-components", data.by_component, labels.component, "component");
  stacked("chart-areas", data.by_area, labels.area, "area");

  const journals = (data.top_journals || []).slice().reverse();
  plot("chart-journals", [{type: "bar", orientation: "h", y: journals.map((j) => j[0]), x: journals.map((j) => j[1]), marker: {color: palette.secondary}}],
    {margin: {t: 10, r: 10, b: 40, l: 260}, yaxis: window.hdhPlot.shortTicks(journals.map((j) => j[0]), 38), showlegend: false}, (p) => openList({journal: p.y}));

  const topicTraces = Object.entries(data.topic_trends || {}).map(([topic, years]) => ({
    type: "scatter", mode: "lines+markers", name: (labels.topic && labels.topic[topic]) || topic,
    x: Object.keys(years).map(Number), y: Object.values(years), customdata: Object.keys(years).map(() => topic),
  }));
  plot("chart-topics", topicTraces, {xaxis: years}, (p) => openList({topic: p.customdata, year: p.x}), {timeSeries: true});

  const net = (data.institution_network && (data.institution_network.layout || data.institution_network)) || {nodes: [], edges: []};
  const pos = Object.fromEntries((net.nodes || []).map((n) => [n.id, n]));
  const ex = [], ey = [];
  for (const e of net.edges || []) {
    const a = pos[e.source], b = pos[e.target];
    if (a && b) { ex.push(a.x, b.x, null); ey.push(a.y, b.y, null); }
  }
  const biggest = (net.nodes || []).slice().sort((a, b) => b.publications - a.publications).slice(0, 10);
  plot("chart-network", [
    {type: "scatter", mode: "lines", x: ex, y: ey, line: {width: 0.5, color: "#bbb"}, hoverinfo: "skip", showlegend: false},
    {type: "scatter", mode: "markers", x: (net.nodes || []).map((n) => n.x), y: (net.nodes || []).map((n) => n.y),
     text: (net.nodes || []).map((n) => `${n.id} (${n.publications})`), customdata: (net.nodes || []).map((n) => n.id), hoverinfo: "text",
     marker: {size: (net.nodes || []).map((n) => 6 + 3 * Math.sqrt(n.publications)), color: (net.nodes || []).map((n) => n.community), colorscale: "Viridis"}, showlegend: false},
    // The ten largest establishments are named on the chart; the others on hover.
    {type: "scatter", mode: "text", textposition: "top center", textfont: {size: 11},
     x: biggest.map((n) => n.x), y: biggest.map((n) => n.y), text: biggest.map((n) => n.id), hoverinfo: "skip", showlegend: false},
  ], {xaxis: {visible: false}, yaxis: {visible: false}, hovermode: "closest", margin: {t: 30, r: 10, b: 10, l: 10},
      annotations: [{text: cfg.labels.nodeSize + " · " + cfg.labels.community + " : " + "●", showarrow: false, xref: "paper", yref: "paper", x: 0, y: 1.06, xanchor: "left", font: {size: 11}}]}, (p) => { if (p.customdata) openList({institution: p.customdata}); });

  const countries = Object.entries(data.by_country || {}).filter(([c]) => labels.iso3[c]);
  const cities = Object.entries(data.by_city || {}).filter(([c]) => labels.cities[c]);
  plot("chart-map", [
    {type: "choropleth", locationmode: "ISO-3", locations: countries.map(([c]) => labels.iso3[c]), z: countries.map(([, n]) => n),
     text: countries.map(([c]) => (labels.countries || {})[c] || c), customdata: countries.map(([c]) => c), colorscale: palette.sequential, zmin: 0, showscale: true,
     colorbar: {title: {text: cfg.labels.count}, thickness: 12, len: 0.6}, hovertemplate: "%{text}: %{z}<extra></extra>"},
    {type: "scattergeo", lat: cities.map(([c]) => labels.cities[c][0]), lon: cities.map(([c]) => labels.cities[c][1]),
     text: cities.map(([c, n]) => `${c}: ${n}`), customdata: cities.map(([c]) => c), hoverinfo: "text",
     marker: {size: cities.map(([, n]) => 5 + 3 * Math.sqrt(n)), color: "#e1000f"}},
  ], {geo: {projection: {type: "natural earth", scale: 3.2}, center: {lon: 6, lat: 48}, showcountries: true, showland: true, landcolor: "#f6f6f6",
      lonaxis: {range: [-25, 45]}, lataxis: {range: [33, 70]}}, showlegend: false, margin: {t: 10, r: 10, b: 10, l: 10}},
  (p) => { if (p.data.type === "choropleth") openList({country: p.customdata}); else openList({city: p.customdata}); });

  const reuse = (data.reuse && data.reuse.matrix) || {};
  const comps = Object.keys(reuse);
  const areas = comps.length ? Object.keys(reuse[comps[0]]) : [];
  plot("chart-reuse", [{type: "heatmap", x: areas.map((a) => labels.area[a] || a), y: comps.map((c) => labels.component[c] || c),
    z: comps.map((c) => areas.map((a) => reuse[c][a])), customdata: comps.map((c) => areas.map((a) => [c, a])), colorscale: palette.sequential, zmin: 0,
    hovertemplate: "%{y} × %{x}: %{z}<extra></extra>"}], {margin: {t: 10, r: 10, b: 140, l: 260}},
    (p) => openList({component: p.customdata[0], area: p.customdata[1]}));
});
