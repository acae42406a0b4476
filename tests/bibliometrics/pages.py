"""Reading the part of a page a user looks at."""


def part(client, url: str, testid: str, end: str) -> str:
    """The HTML of ``url`` from the element marked ``data-testid=testid`` up to ``end``."""
    page = client.get(url).content.decode()
    return page.split(f'data-testid="{testid}"', 1)[1].split(end, 1)[0]
