from portal.home import Card


def cards(user) -> list[Card]:
    return []
