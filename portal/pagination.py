"""Numbered pages, the same on every list: 1 … 4 5 6 … 20."""

from urllib.parse import parse_qsl, urlencode


def page_numbers(page: int, pages: int) -> list[int | None]:
    """The first, the last and two pages around the current one (None stands for "…")."""
    if pages < 1:
        return []
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


def page_url(query: str, number: int) -> str:
    """``?<query>&page=<number>``, any ``page`` already in ``query`` replaced."""
    params = [(k, v) for k, v in parse_qsl(query or "", keep_blank_values=True) if k != "page"]
    params.append(("page", str(number)))
    return "?" + urlencode(params)
