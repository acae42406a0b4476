"""The portal's URLs plus the floor pages of ``bench/charts.py`` (see ``bench/charts_floor.py``):
``/bench/floor/<n>/`` is the base template with ``n`` trivial three-bar charts, the least work
the same bundle and helper do to draw ``n`` figures (``?bundle=full``: with the larger bundle of
the pages that draw maps or a Sankey)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns

FLOOR = """{% extends "base.html" %}
{% block page_title %}Floor{% endblock page_title %}
{% block content %}<h1>Floor</h1>
{% for i in charts %}<div id="chart-floor-{{ i }}" class="hdh-chart" style="height:340px" data-empty="-"></div>
{% endfor %}{% endblock content %}
{% block page_js %}{% include "portal/_plotly.html" with bundle=bundle %}
<script nonce="{{ request.csp_nonce }}">document.addEventListener("DOMContentLoaded", function () {
  for (const i of {{ count }}) {
    hdhPlot.plot("chart-floor-" + i, [{type: "bar", x: ["a", "b", "c"], y: [3, 1, 2]}], {});
  }
});</script>
{% endblock page_js %}"""


def floor(request, charts: int):
    numbers = list(range(1, charts + 1))
    # ?bundle=full: the bundle of the publication pages (maps, Sankey), else the basic one
    context = {"charts": numbers, "count": str(numbers), "bundle": request.GET.get("bundle", "")}
    return HttpResponse(engines["django"].from_string(FLOOR).render(context, request))


urlpatterns = [path("bench/floor/<int:charts>/", floor, name="bench-floor"), *portal_urlpatterns]
