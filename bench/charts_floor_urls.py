"""The portal's URLs plus the floor page of ``bench/charts.py`` (see ``bench/charts_floor.py``)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns

FLOOR = """{% extends "base.html" %}
{% block page_title %}Floor{% endblock page_title %}
{% block content %}<h1>Floor</h1>
<div id="chart-floor" class="hdh-chart" style="height:340px" data-empty="-"></div>
{% endblock content %}
{% block page_js %}{% include "portal/_plotly.html" %}
<script nonce="{{ request.csp_nonce }}">document.addEventListener("DOMContentLoaded", function () {
  hdhPlot.plot("chart-floor", [{type: "bar", x: ["a", "b", "c"], y: [3, 1, 2]}], {});
});</script>
{% endblock page_js %}"""


def floor(request):
    return HttpResponse(engines["django"].from_string(FLOOR).render({}, request))


urlpatterns = [path("bench/floor/", floor, name="bench-floor"), *portal_urlpatterns]
