/* Quality charts: every <div data-hdh-figure="ID"> is drawn with Plotly from the JSON of
   <script id="ID" type="application/json">. Plotly (served locally) is loaded once, when
   the first chart needs it; charts swapped in by htmx are drawn too. The modebar's camera
   button downloads a chart as PNG. */
(function () {
  if (window.hdhCharts) { window.hdhCharts.draw(document); return; }
  var script = document.currentScript;
  var plotlySrc = script && script.dataset.plotly;
  var waiting = [];
  var loading = false;

  function withPlotly(callback) {
    if (window.Plotly) { callback(); return; }
    waiting.push(callback);
    if (loading) { return; }
    loading = true;
    var tag = document.createElement("script");
    tag.src = plotlySrc;
    tag.onload = function () { waiting.splice(0).forEach(function (cb) { cb(); }); };
    document.head.appendChild(tag);
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
        window.Plotly.newPlot(node, figure.data, figure.layout, {
          responsive: true,
          displaylogo: false,
          locale: document.documentElement.lang || "fr",
          toImageButtonOptions: { format: "png", filename: node.dataset.filename || "graphique" }
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
