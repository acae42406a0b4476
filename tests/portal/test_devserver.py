"""The development server of ``runportal`` and of the live-server tests sends each response
at once (``portal/devserver.py``): with Nagle's algorithm on, a kept-alive request waited
about 40 ms for the client's delayed acknowledgement."""

import socket
import threading
import urllib.request

from django.core.servers.basehttp import WSGIRequestHandler

from portal.devserver import NoDelayThreadedWSGIServer, NoDelayWSGIServer
from portal.management.commands.runportal import _RunServer


def _nodelay_of_a_served_request(server_cls) -> list[int]:
    seen = []

    class Handler(WSGIRequestHandler):
        def handle(self):
            seen.append(self.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            super().handle()

        def log_message(self, *args):
            pass

    server = server_cls(("127.0.0.1", 0), Handler)
    server.set_app(lambda environ, start: (start("200 OK", []), [b"ok"])[1])
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/", timeout=10).read()
    finally:
        thread.join(timeout=10)
        server.server_close()
    assert body == b"ok"
    return seen


def test_runportal_and_the_live_server_answer_on_sockets_without_nagle(live_server):
    assert _RunServer.server_cls is NoDelayWSGIServer
    assert _nodelay_of_a_served_request(NoDelayWSGIServer) == [1]
    assert _nodelay_of_a_served_request(NoDelayThreadedWSGIServer) == [1]
    # the live server the browser and API tests use is that server
    assert isinstance(live_server.thread.httpd, NoDelayThreadedWSGIServer)
