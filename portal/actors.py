"""Who acts: a signed-in user, or ``None`` for the system (the beat, a worker, the demo).

Services take ``by: Actor``; selectors and rules take the request's user, which may be
anonymous. These two helpers are the only places that look at ``is_authenticated``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

Actor: TypeAlias = "AbstractBaseUser | None"


def is_signed_in(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """True for a signed-in user; False for an anonymous visitor or the system (``None``)."""
    return user is not None and bool(user.is_authenticated)


def actor_user(by: AbstractBaseUser | AnonymousUser | None) -> AbstractBaseUser | None:
    """The user to store as author (``created_by``…), or ``None`` when the system acts."""
    return by if is_signed_in(by) else None
