from django import template

from catalogue.labels import type_label

register = template.Library()


@register.filter(name="type_label")
def type_label_filter(code: str) -> str:
    return type_label(code)
