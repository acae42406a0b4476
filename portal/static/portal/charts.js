/* One way to draw a Plotly chart on every page of the portal.
   - Plotly speaks the page's language (its French locale is in the bundle).
   - The toolbar keeps one download button and the zoom reset; it only shows on hover and
     legends sit under the plot, so it never covers them.
   - One palette for sex everywhere (men, women, unknown), shared with catalogue/quality/charts.py
     through portal/charts.py.
   - A chart with nothing to show is replaced by its empty-state sentence (data-empty), and a
     time series needs at least two points.
   Loaded with `defer` after the Plotly bundle, only on pages with charts (portal/_plotly.html). */
(function () {
  "use strict";
  var lang = (document.documentElement.lang || "fr").slice(0, 2);
  // portal/charts.py's PALETTE, written once in every page by templates/base.html
  var palette = JSON.parse(document.getElementById("hdh-chart-palette").textContent);
  var REMOVE = [
    "zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d",
    "toggleSpikelines", "hoverClosestCartesian", "hoverCompareCartesian", "zoomInGeo",
    "zoomOutGeo", "resetGeo", "hoverClosestGeo", "hoverClosestPie", "toggleHover", "resetViews",
    "sendDataToCloud", "sendChartToCloud", "editInChartStudio", "downloadJson"
  ];

  function config(filename, extra) {
    var cfg = {
      locale: lang,
      displaylogo: false,
      showSendToCloud: false,
      showEditInChartStudio: false,
      responsive: true,
      displayModeBar: "hover",
      modeBarButtonsToRemove: REMOVE,
      toImageButtonOptions: { format: "png", filename: filename || "graphique", scale: 2 }
    };
    return Object.assign(cfg, extra || {});
  }

  function layout(base) {
    var out = Object.assign({
      font: { family: "Marianne, arial, sans-serif", size: 13, color: "#3a3a3a" },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      separators: lang === "fr" ? ", " : ".,",
      hoverlabel: { font: { family: "Marianne, arial, sans-serif" } }
    }, base || {});
    out.margin = Object.assign({ t: 40, r: 10, b: 40 }, (base && base.margin) || {});
    // Legends go under the plot: the toolbar (top right) never covers them.
    out.legend = Object.assign({ orientation: "h", x: 0, y: -0.15, yanchor: "top" }, (base && base.legend) || {});
    return out;
  }

  function pointCount(data) {
    var n = 0;
    (data || []).forEach(function (trace) {
      var values = trace.values || trace.z || trace.locations || trace.x || trace.y || trace.lat ||
        (trace.link && trace.link.value) || [];
      n += values.length || 0;
    });
    return n;
  }

  function showEmpty(node) {
    var message = node.getAttribute("data-empty");
    node.removeAttribute("style");
    node.innerHTML = "";
    var p = document.createElement("p");
    p.className = "fr-text--sm fr-text-mention--grey hdh-chart-empty";
    p.setAttribute("data-testid", "chart-empty");
    p.textContent = message || (lang === "fr" ? "Pas de données à afficher." : "No data to show.");
    node.appendChild(p);
  }

  /* A text alternative for a chart that has none on its page: its data as a table in a
     <details> under the chart (the label comes from the page: data-table-label). Displayed
     texts ("< 10") are used where the trace has them, so nothing suppressed shows. */
  function dataTable(node, data, base) {
    var label = node.getAttribute("data-table-label");
    if (!label) { return; }
    var traces = (data || []).filter(function (t) { return t.type !== "pie" || t.values; });
    if (!traces.length) { return; }
    var first = traces[0];
    var horizontal = first.orientation === "h";
    var keys = first.type === "pie" ? first.labels : (horizontal ? first.y : first.x);
    if (!keys) { return; }
    var details = document.createElement("details");
    details.className = "fr-mb-2w hdh-chart-data";
    var summary = document.createElement("summary");
    summary.textContent = label;
    details.appendChild(summary);
    var wrap = document.createElement("div");
    wrap.className = "fr-table fr-table--sm";
    var table = document.createElement("table");
    var caption = document.createElement("caption");
    caption.textContent = (base && base.title && (base.title.text || base.title)) || label;
    table.appendChild(caption);
    var head = table.createTHead().insertRow();
    var th = document.createElement("th"); th.scope = "col"; head.appendChild(th);
    traces.forEach(function (t) {
      var cell = document.createElement("th"); cell.scope = "col";
      cell.textContent = t.name || ""; head.appendChild(cell);
    });
    var body = table.createTBody();
    keys.forEach(function (key, i) {
      var row = body.insertRow();
      var name = document.createElement("th"); name.scope = "row"; name.textContent = key; row.appendChild(name);
      traces.forEach(function (t) {
        var values = t.type === "pie" ? t.values : (horizontal ? t.x : t.y);
        var text = Array.isArray(t.text) ? t.text[i] : undefined;
        var value = text !== undefined && text !== "" ? text : (values || [])[i];
        row.insertCell().textContent = typeof value === "number" ? Math.abs(value).toLocaleString(lang) : (value == null ? "" : value);
      });
    });
    wrap.appendChild(table);
    details.appendChild(wrap);
    node.insertAdjacentElement("afterend", details);
  }

  /* Draws `data` in `node` (element or id), or its empty state. `options.timeSeries` asks for
     at least two points on the first trace. Returns a promise like Plotly.newPlot, or null. */
  function plot(node, data, base, options) {
    if (typeof node === "string") { node = document.getElementById(node); }
    if (!node) { return null; }
    options = options || {};
    var enough = pointCount(data) > 0;
    if (enough && options.timeSeries) {
      var first = data[0] || {};
      enough = (first.x || first.y || []).length >= 2;
    }
    if (!enough) { showEmpty(node); return null; }
    // One chart per task: the browser paints the first charts while the next ones are drawn.
    queue = queue.then(function () {
      return new Promise(function (resolve) { setTimeout(resolve, 0); });
    }).then(function () {
      node.setAttribute("data-drawn", "1");
      return window.Plotly.newPlot(node, data, layout(base), config(options.filename || node.id, options.config));
    }).then(function (gd) {
      drawnAt.push(Math.round(performance.now()));
      dataTable(node, data, base);
      return gd;
    });
    return queue;
  }
  /* Tick labels of a category axis cut to `max` characters ("…"), the whole label on hover.
     Used instead of `automargin`, which lays the figure out a second time (40 ms a chart). */
  function shortTicks(labels, max) {
    var text = (labels || []).map(function (label) {
      label = String(label);
      return label.length > max ? label.slice(0, max - 1) + "\u2026" : label;
    });
    return { type: "category", tickmode: "array", tickvals: labels || [], ticktext: text };
  }
  var queue = Promise.resolve();
  var drawnAt = [];  // ms since navigation start, one per chart drawn (read by the browser tests)

  window.hdhPlot = { config: config, layout: layout, plot: plot, shortTicks: shortTicks, palette: palette, lang: lang, drawnAt: drawnAt };
})();
