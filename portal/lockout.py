"""Login lockout that cannot lock someone else out.

- The client's address is the one a **trusted** proxy saw (``TRUSTED_PROXIES``): behind a
  reverse proxy every request comes from the proxy's address, so keying on ``REMOTE_ADDR``
  puts every user in one bucket; trusting ``X-Forwarded-For`` from anyone lets a client
  pick its address. :func:`client_ip` reads the header only when the request comes from a
  trusted proxy, from the right, skipping the trusted hops.
- django-axes locks the **address** after ``AXES_FAILURE_LIMIT`` failures. A user name
  alone is never locked (anyone could lock the guichet out by typing her name);
  instead :class:`UsernameDelayBackend` slows every attempt at a name that failed recently,
  by a delay that doubles with the failures and is capped.
"""

from __future__ import annotations

import ipaddress
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(p, strict=False) for p in settings.TRUSTED_PROXIES]


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request) -> str:
    """The client's address, from ``X-Forwarded-For`` only when a trusted proxy set it."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks()

    def trusted(address) -> bool:
        return address is not None and any(address in net for net in networks)

    if not trusted(_address(remote)):
        return remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # A hop that is not an address: stop at the last proxy we trust.
            break
        if not trusted(address):
            return str(address)
    return remote


def username_delay(username: str) -> float:
    """Seconds to wait before checking a password for ``username`` (0 when none failed)."""
    from axes.models import AccessFailureLog

    if not username:
        return 0.0
    since = timezone.now() - timedelta(seconds=settings.LOGIN_DELAY_WINDOW_SECONDS)
    user = get_user_model().objects.filter(username__iexact=username).first()
    if user is not None and user.last_login and user.last_login > since:
        since = user.last_login
    failures = AccessFailureLog.objects.filter(
        username__iexact=username, attempt_time__gt=since
    ).count()
    free = settings.LOGIN_DELAY_FREE_FAILURES
    if failures <= free:
        return 0.0
    delay = settings.LOGIN_DELAY_BASE_SECONDS * 2 ** (failures - free - 1)
    return min(delay, settings.LOGIN_DELAY_MAX_SECONDS)


class UsernameDelayBackend:
    """Authenticates nobody: waits :func:`username_delay` then lets the next backend check.

    No ``get_user``: sessions are never bound to this backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        delay = username_delay(username or "")
        if delay:
            time.sleep(delay)
        return None
