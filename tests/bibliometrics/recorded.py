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
