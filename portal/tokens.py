"""Personal API tokens: issue, authenticate, list, revoke.

A key is ``hdh_`` + 43 random characters; only its SHA-256 is stored, so a database dump
gives no usable token. Staff tokens live ``API_TOKEN_STAFF_TTL_HOURS``, others
``API_TOKEN_TTL_DAYS``. A password change revokes every token of the account.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import authentication, exceptions

from .actors import is_signed_in
from .audit import audit_record
from .models import ApiToken
from .roles import is_staff_member

KEY_PREFIX = "hdh_"
# last_used_at is written at most this often per token: a busy client is not a write load.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_lifetime(user) -> timedelta:
    if is_staff_member(user):
        return timedelta(hours=settings.API_TOKEN_STAFF_TTL_HOURS)
    return timedelta(days=settings.API_TOKEN_TTL_DAYS)


def api_token_issue(*, user, name: str, by) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns it with its key (shown once, never stored)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100] or "API",
            key_prefix=key[:12],
            key_hash=_hash(key),
            expires_at=timezone.now() + api_token_lifetime(user),
        )
        audit_record(
            actor=by,
            action="api_token.issue",
            target=user,
            changes={"token": token.key_prefix, "name": token.name, "expires_at": token.expires_at},
        )
    return token, key


def api_token_revoke(*, token: ApiToken, by, because: str = ApiToken.RevokedBecause.OWNER):
    """Revoke one token (idempotent), audited."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.revoked_because = because
        token.save(update_fields=["revoked_at", "revoked_because"])
        audit_record(
            actor=by,
            action="api_token.revoke",
            target=token.user,
            changes={"token": token.key_prefix, "because": because},
        )
    return token


def api_tokens_revoke_all(*, user, by, because: str) -> int:
    """Revoke every live token of ``user`` (a password change does), audited once."""
    with transaction.atomic():
        live = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        prefixes = list(live.values_list("key_prefix", flat=True))
        if not prefixes:
            return 0
        live.update(revoked_at=timezone.now(), revoked_because=because)
        audit_record(
            actor=by,
            action="api_token.revoke_all",
            target=user,
            changes={"tokens": prefixes, "because": because},
        )
    return len(prefixes)


def api_tokens_of(user) -> QuerySet[ApiToken]:
    """The tokens a user may see and revoke: their own."""
    if not is_signed_in(user):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token hdh_…`` (or ``Bearer``): live, unexpired, unrevoked tokens."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"token", b"bearer"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("invalid_token_header")
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("invalid_token_header") from exc
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key):
        now = timezone.now()
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=_hash(key), revoked_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("invalid_or_expired_token")
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
