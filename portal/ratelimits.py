"""Rate limits: one table, URL name → (group, key, methods), rates in settings.RATELIMITS.

Web pages go through :class:`RateLimitMiddleware` (django-ratelimit's counters in the shared
cache); the API through :class:`ApiThrottle` (a DRF throttle reading the same table). A
refusal is a 429 of a few bytes with ``Retry-After``: no template, no database query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage
from rest_framework.throttling import SimpleRateThrottle


@dataclass(frozen=True)
class Limit:
    group: str  # a key of settings.RATELIMITS
    methods: tuple[str, ...] = ("GET", "POST")
    key: str = "ip"  # django-ratelimit key: "ip", "user_or_ip", "post:<field>", …


# Web pages (namespace:name of the URL pattern). Login and password reset count POSTs per
# address and per submitted name, so that neither a crowd of names nor of addresses helps.
WEB_LIMITS: dict[str, tuple[Limit, ...]] = {
    "login": (Limit("login", ("POST",)), Limit("login_name", ("POST",), "post:username")),
    "password_reset": (
        Limit("password_reset", ("POST",)),
        Limit("password_reset_email", ("POST",), "post:email"),
    ),
    "portal:otp-verify": (Limit("login", ("POST",), "user_or_ip"),),
    "portal:otp-setup": (Limit("login", ("POST",), "user_or_ip"),),
    "catalogue:search": (Limit("search"),),
    "catalogue:nomenclatures": (Limit("search"),),
    "bibliometrics:publication-list": (Limit("search"),),
    "access_requests:directory": (Limit("search"),),
    "catalogue:dcat": (Limit("export"),),
    "catalogue:datapackage": (Limit("export"),),
    "catalogue:database-dcat": (Limit("export"),),
    "catalogue:variables-export": (Limit("export"),),
    "bibliometrics:chart-csv": (Limit("export"),),
    "access_requests:export": (Limit("export", key="user_or_ip"),),
    "access_requests:directory-export": (Limit("export"),),
}

# API (URL pattern names): the token exchange, searches and exports.
API_SCOPES: dict[str, str] = {
    "api-token": "token",
    "catalogue-search": "search",
}


def too_many_requests(retry_after: int | None = None) -> HttpResponse:
    response = HttpResponse(
        _("Trop de requêtes : réessayez dans un instant."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(max(1, retry_after or 60))
    return response


class RateLimitMiddleware:
    """Counts the requests of the views named in ``WEB_LIMITS``; refuses past the rate."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        limits = WEB_LIMITS.get(match.view_name if match else "", ())
        for limit in limits:
            usage = get_usage(
                request,
                group=f"web.{limit.group}",
                key=limit.key,
                rate=settings.RATELIMITS[limit.group],
                method=list(limit.methods),
                increment=True,
            )
            if usage and usage["should_limit"]:
                return too_many_requests(usage["time_left"])
        return None


class ApiThrottle(SimpleRateThrottle):
    """DRF throttle for the API endpoints of ``API_SCOPES`` and for any ``?search=``."""

    cache_format = "throttle_%(scope)s_%(ident)s"

    def __init__(self):  # the rate depends on the request: resolved in allow_request
        pass

    def get_rate(self):
        return settings.RATELIMITS[self.scope]

    def allow_request(self, request, view):
        if not settings.RATELIMIT_ENABLE:
            return True
        match = request.resolver_match
        scope = API_SCOPES.get(match.url_name if match else "")
        if scope is None and request.method == "GET" and request.query_params.get("search"):
            scope = "search"
        if scope is None:
            return True
        self.scope = scope
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
