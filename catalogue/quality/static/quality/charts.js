/* Quality charts: every <div data-hdh-figure="ID"> is drawn with Plotly from the JSON of
   <script id="ID" type="application/json">. Plotly (served locally) is loaded once, when
   the first chart needs it; charts swapped in by htmx are drawn too. The modebar's camera
   button downloads a chart as PNG. */
(function () {
  if (window.hdhCharts) { window.hdhCharts.draw(document); return; }
  var script = document.currentScript;
  var plotlySrc = script && script.dataset.plotly;
  var helperSrc = script && script.dataset.helper;
  var waiting = [];
  var loading = false;

  function load(src, then) {
    var tag = document.createElement("script");
    tag.src = src;
    tag.onload = then;
    document.head.appendChild(tag);
  }

  // The partial Plotly bundle, then the portal's chart helper (portal/static/portal/charts.js).
  function withPlotly(callback) {
    if (window.Plotly && window.hdhPlot) { callback(); return; }
    waiting.push(callback);
    if (loading) { return; }
    loading = true;
    var done = function () { waiting.splice(0).forEach(function (cb) { cb(); }); };
    // Both at once (the helper only needs Plotly when it draws), each from the preload.
    var pending = 0;
    var one = function () { pending -= 1; if (!pending) { done(); } };
    if (!window.Plotly) { pending += 1; load(plotlySrc, one); }
    if (!window.hdhPlot) { pending += 1; load(helperSrc, one); }
    if (!pending) { done(); }
  }

  function draw(root) {
    var nodes = (root || document).querySelectorAll("[data-hdh-figure]:not([data-drawn])");
    if (!nodes.length) { return; }
    withPlotly(function () {
      nodes.forEach(function (node) {
        var source = document.getElementById(node.dataset.hdhFigure);
        if (!source) { return; }
        var figure = JSON.parse(source.textContent);
        node.setAttribute("data-drawn", "1");
        window.hdhPlot.plot(node, figure.data, figure.layout, {
          filename: node.dataset.filename || "graphique",
          timeSeries: (figure.layout.xaxis || {}).type === "date"
        });
      });
    });
  }

  window.hdhCharts = { draw: draw };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else {
    draw(document);
  }
  document.body && document.body.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
