import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from catalogue.labels import type_label
from catalogue.tableschema import normalize

register = template.Library()


@register.filter(name="type_label")
def type_label_filter(code: str) -> str:
    return type_label(code)


@register.filter
def highlight(text: str, stems) -> str:
    """``text`` (escaped) with the words that start with one of ``stems`` in ``<mark>``,
    accents ignored: the stem "deces" marks "Décès"."""
    text = str(text or "")
    if not stems or not text:
        return conditional_escape(text)
    # One normalised character per original character (é → e), so spans map back.
    chars = [normalize(c)[:1] or " " for c in text]
    flat = "".join(chars)
    spans = []
    for s in stems:
        if not s:
            continue
        for m in re.finditer(r"(?<![a-z0-9])" + re.escape(s) + r"[a-z0-9]*", flat):
            spans.append((m.start(), m.end()))
    if not spans:
        return conditional_escape(text)
    spans.sort()
    merged = [list(spans[0])]
    for start, end in spans[1:]:
        if start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out.append(conditional_escape(text[last:start]))
        out.append(format_html("<mark>{}</mark>", text[start:end]))
        last = end
    out.append(conditional_escape(text[last:]))
    return mark_safe("".join(str(p) for p in out))  # noqa: S308 - every piece is escaped above
