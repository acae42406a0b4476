"""Settings and URLs of the portal as ``bench/charts.py`` serves it: the portal's own, plus one
floor page (``/bench/floor/``) — the base template and one trivial bar chart drawn with the same
Plotly bundle and helper as the chart pages, so the bench measures the machine's floor in the
same run as the pages. Used as ``DJANGO_SETTINGS_MODULE=bench.charts_floor`` (gunicorn runs
from the repository, where ``bench`` is importable); never part of the product."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.charts_floor_urls"
