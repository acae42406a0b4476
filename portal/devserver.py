"""Django's development server without the 40 ms stall of each request on a kept-alive
connection, for ``runportal`` (``make run``) and the live server of the browser and API tests.

Django's server writes a response's headers and body in several small sends; with Nagle's
algorithm on, the second waits for the client to acknowledge the first, and clients delay
that acknowledgement by up to 40 ms. Each request on a kept-alive connection (a browser's,
schemathesis') took 45–55 ms where the view took 5–15 ms. ``TCP_NODELAY`` sends at once.
"""

from __future__ import annotations

import socket

from django.core.servers.basehttp import ThreadedWSGIServer, WSGIServer


class NoDelayMixin:
    def get_request(self):
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address


class NoDelayWSGIServer(NoDelayMixin, WSGIServer):
    """``runserver``'s server (``runportal`` adds its threads)."""


class NoDelayThreadedWSGIServer(NoDelayMixin, ThreadedWSGIServer):
    """The live server of ``LiveServerTestCase`` and pytest-django's ``live_server``."""
