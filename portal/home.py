"""Home page cards: each app tells each user what is waiting for them there."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

CARD_PROVIDERS = [
    "catalogue.home",
    "catalogue.quality.home",
    "catalogue.codelists.home",
    "omop.home",
    "bibliometrics.home",
    "access_requests.home",
]


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
    cards: list[Card] = []
    for module_name in CARD_PROVIDERS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        cards.extend(module.cards(user))
    return cards
