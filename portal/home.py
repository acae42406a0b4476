"""Home page cards: each app tells each user what is waiting for them there."""

from __future__ import annotations

from dataclasses import dataclass, field

from .registry import app_modules


@dataclass
class CardItem:
    label: str
    count: int | None = None
    url: str = ""


@dataclass
class Card:
    title: str
    description: str
    url: str
    items: list[CardItem] = field(default_factory=list)


def cards_for(user) -> list[Card]:
    """The cards of every app that has a ``home.py`` (see :mod:`portal.registry`)."""
    cards: list[Card] = []
    for _label, module in app_modules("home"):
        cards.extend(module.cards(user))
    return cards
