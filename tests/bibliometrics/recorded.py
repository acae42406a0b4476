"""Recorded answers of PubMed, OpenAlex and HAL, served through ``httpx.MockTransport``.

The files in ``data/connectors/`` are written by this project in the shape the APIs
document. ``faults`` lets a test put failures (a status, a cut body) before an answer.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import httpx

DATA = Path(__file__).parent / "data" / "connectors"


class Recorded:
    def __init__(self):
        self.requests: list[httpx.Request] = []
        self.faults: dict[str, list] = defaultdict(list)  # endpoint → [status | ("cut", n)]
        self.replace: dict[str, bytes] = {}  # file name → body served instead

    def body(self, name: str) -> bytes:
        return self.replace.get(name) or (DATA / name).read_bytes()

    def endpoint(self, request: httpx.Request) -> tuple[str, str]:
        path, params = request.url.path, request.url.params
        if path.endswith("esearch.fcgi"):
            return "esearch", "pubmed_esearch.json"
        if path.endswith("efetch.fcgi"):
            return "efetch", f"pubmed_efetch_{params['retstart']}.xml"
        if path.endswith("esummary.fcgi"):
            return "esummary", "pubmed_esummary.json"
        if path.endswith("/works") and "cursor" not in params:
            return "citations", "openalex_citations.json"
        if path.endswith("/works"):
            return "works", "openalex_works_1.json" if params["cursor"] == "*" else (
                "openalex_works_2.json"
            )
        if path.endswith("/search/"):
            return "hal", "hal_search_1.json"
        raise AssertionError(f"unexpected request {request.url}")

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        endpoint, name = self.endpoint(request)
        if self.faults[endpoint]:
            fault = self.faults[endpoint].pop(0)
            if isinstance(fault, tuple):  # ("cut", n): the answer stops after n bytes
                return httpx.Response(200, content=self.body(name)[: fault[1]])
            headers = {"Retry-After": "7"} if fault == 429 else {}
            return httpx.Response(fault, headers=headers, content=b"busy")
        return httpx.Response(200, content=self.body(name))

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def calls(self, endpoint: str) -> list[httpx.Request]:
        return [r for r in self.requests if self.endpoint(r)[0] == endpoint]


class FakeTime:
    """A clock that moves only when the code sleeps."""

    def __init__(self):
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


class PubMedServer:
    """PubMed's E-utilities on 127.0.0.1, as a real HTTP server a worker process can reach.

    It serves the articles of the recorded efetch answers that ``served`` names (in that
    order): esearch counts them, efetch slices them by ``retstart``/``retmax`` as NCBI does,
    esummary reports an error for a PMID PubMed no longer has (one not in ``articles``).
    ``hold`` (an endpoint name) keeps that answer back until ``release`` is set, so that a
    test can look at a job while it runs.
    """

    def __init__(self):
        import re
        import threading

        self.articles: dict[str, bytes] = {}
        for name in sorted(DATA.glob("pubmed_efetch_*.xml")):
            for block in re.findall(
                rb"<PubmedArticle>.*?</PubmedArticle>", name.read_bytes(), re.S
            ):
                pmid = re.search(rb"<PMID[^>]*>(\d+)</PMID>", block).group(1).decode()
                self.articles[pmid] = block
        self.served: list[str] = []
        self.requests: list[str] = []
        self.hold: str | None = None
        self.held = threading.Event()  # set when the held request has arrived
        self.release = threading.Event()
        self.url = ""
        self._server = None

    def hold_next(self, endpoint: str | None) -> None:
        """Keep the next ``endpoint`` answers back until ``release`` is set (None: none)."""
        import threading

        self.hold, self.held, self.release = endpoint, threading.Event(), threading.Event()

    def answer(self, path: str, params: dict[str, str]) -> tuple[int, bytes]:
        import json

        endpoint = path.rsplit("/", 1)[-1].removesuffix(".fcgi")
        self.requests.append(endpoint)
        if endpoint == self.hold:
            self.held.set()
            self.release.wait(timeout=60)
        if endpoint == "esearch":
            result = {"count": str(len(self.served)), "retmax": "0", "retstart": "0",
                      "querykey": "1", "webenv": "MCID_local", "idlist": []}  # fmt: skip
            return 200, json.dumps({"esearchresult": result}).encode()
        if endpoint == "efetch":
            start, size = int(params["retstart"]), int(params["retmax"])
            blocks = [self.articles[p] for p in self.served[start : start + size]]
            return 200, b"<?xml version='1.0' ?>\n<PubmedArticleSet>\n%s\n</PubmedArticleSet>\n" % (
                b"\n".join(blocks)
            )
        if endpoint == "esummary":
            ids = params["id"].split(",")
            result = {
                pmid: {"uid": pmid, "title": "x"}
                if pmid in self.articles
                else {"uid": pmid, "error": "cannot get document summary"}
                for pmid in ids
            }
            return 200, json.dumps({"result": {"uids": ids, **result}}).encode()
        return 404, b"unknown endpoint"

    def __enter__(self) -> PubMedServer:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qsl, urlsplit

        source = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the name http.server calls
                parts = urlsplit(self.path)
                status, body = source.answer(parts.path, dict(parse_qsl(parts.query)))
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # keep the test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/entrez/eutils/"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
