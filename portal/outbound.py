"""Requests the portal sends to addresses its users type in (partner catalogues): only to
public hosts, so that a URL cannot make the server read its own network (SSRF).

Every hop is checked, the first and each redirect: its host must resolve only to global
addresses, unless ``OUTBOUND_PRIVATE_NETWORKS`` lists the network (a partner on the
institution's own network, or a test server on 127.0.0.1). Errors are codes with
parameters; the caller words them.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 5


class OutboundRefused(Exception):
    """``code`` is one of scheme, unresolved, private, redirects, http, too_large, network."""

    def __init__(self, code: str, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


def _allowed_networks() -> list[ipaddress._BaseNetwork]:
    return [ipaddress.ip_network(n, strict=False) for n in settings.OUTBOUND_PRIVATE_NETWORKS]


def public_address_check(url: str) -> None:
    """Raise ``OutboundRefused`` unless ``url`` is HTTP(S) to a host whose every address is
    global (or inside an allowed private network)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OutboundRefused("scheme", url=url[:200])
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise OutboundRefused("unresolved", host=parts.hostname) from exc
    allowed = _allowed_networks()
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if address.is_global and not address.is_multicast:
            continue
        if any(address in network for network in allowed):
            continue
        raise OutboundRefused("private", host=parts.hostname, address=str(address))


def fetch_public(
    url: str, *, max_bytes: int, timeout: float, headers: dict[str, str] | None = None
) -> bytes:
    """GET ``url`` and return its body (at most ``max_bytes``), following up to
    ``MAX_REDIRECTS`` redirects, each checked by ``public_address_check``."""
    import httpx

    with httpx.Client(timeout=timeout, follow_redirects=False, headers=headers or {}) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            public_address_check(url)
            try:
                with client.stream("GET", url) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    if response.status_code != 200:
                        raise OutboundRefused("http", status=response.status_code)
                    return _read_bounded(response.iter_bytes(), max_bytes)
            except httpx.HTTPError as exc:
                raise OutboundRefused(
                    "network", detail=str(exc)[:300] or type(exc).__name__
                ) from exc
    raise OutboundRefused("redirects", max=MAX_REDIRECTS)


def _read_bounded(chunks: Iterable[bytes], max_bytes: int) -> bytes:
    out, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > max_bytes:
            raise OutboundRefused("too_large", max=max_bytes)
        out.append(chunk)
    return b"".join(out)
