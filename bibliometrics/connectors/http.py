"""One HTTP client for every literature source: rate limit, retries with backoff, errors."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..parsers.base import Rejected

USER_AGENT = "HDH-portal-bibliometrics/1.0 (+https://www.health-data-hub.fr)"


class ConnectorError(Exception):
    """An answer the refresh cannot use. ``code`` is one of:

    ``http_status`` (status, url), ``retries_exhausted`` (status, attempts, url),
    ``network`` (error, url), ``not_json`` (url), ``unexpected_shape`` (what, url),
    ``truncated`` (expected, received, url).
    """

    def __init__(self, code: str, **params: Any):
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        details = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.code} ({details})"


@dataclass
class Page:
    """One answer of a source: its records, and where the whole result stands."""

    records: list[dict[str, Any]]
    total: int  # what the source says the query matches
    ids: list[str] = field(default_factory=list)  # source identifiers of these records
    rejected: list[Rejected] = field(default_factory=list)  # records not kept


class Fetcher:
    """``GET`` with a minimum interval between requests and retries on 429 / 5xx.

    ``transport`` (an ``httpx`` transport) and ``sleep`` / ``clock`` are injected by the
    tests: recorded answers, and time that passes without waiting.
    """

    def __init__(
        self,
        *,
        requests_per_second: float,
        transport: httpx.BaseTransport | None = None,
        max_retries: int = 4,
        backoff: float = 1.0,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.interval = 1.0 / requests_per_second
        self.max_retries = max_retries
        self.backoff = backoff
        self.sleep = sleep
        self.clock = clock
        self._last: float | None = None
        self.requests = 0
        self.waited: list[float] = []  # every pause, for the tests and the job log
        self.client = httpx.Client(
            transport=transport,
            timeout=timeout,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
        )

    def _pause(self, seconds: float) -> None:
        if seconds > 0:
            self.waited.append(round(seconds, 3))
            self.sleep(seconds)

    def _throttle(self) -> None:
        if self._last is not None:
            self._pause(self._last + self.interval - self.clock())
        self._last = self.clock()

    def get(self, url: str, params: dict[str, Any] | None = None) -> httpx.Response:
        attempt = 0
        while True:
            self._throttle()
            self.requests += 1
            try:
                response = self.client.get(url, params=params)
            except httpx.TransportError as exc:
                response, error = None, exc
            else:
                error = None
            status = response.status_code if response is not None else 0
            if response is not None and status < 400:
                return response
            retryable = response is None or status == 429 or status >= 500
            if not retryable:
                raise ConnectorError("http_status", status=status, url=url)
            if attempt >= self.max_retries:
                if response is None:
                    raise ConnectorError("network", error=type(error).__name__, url=url)
                raise ConnectorError(
                    "retries_exhausted", status=status, attempts=attempt + 1, url=url
                )
            delay = self.backoff * 2**attempt
            if response is not None and status == 429:
                delay = max(delay, _retry_after(response.headers.get("Retry-After")))
            self._pause(delay)
            attempt += 1

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> Any:
        response = self.get(url, params)
        try:
            return json.loads(response.content)
        except ValueError as exc:  # a cut answer is not JSON either
            raise ConnectorError("not_json", url=url) from exc

    def close(self) -> None:
        self.client.close()


def _retry_after(value: str | None) -> float:
    try:
        return min(float(value), 300.0) if value else 0.0
    except ValueError:
        return 0.0
