from django import template

from omop.labels import notice_label, reason_label, step_label

register = template.Library()


@register.filter(name="step_label")
def step_label_filter(code: str) -> str:
    return step_label(code)


@register.filter(name="notice_label")
def notice_label_filter(notice: dict) -> str:
    return notice_label(notice)


@register.filter(name="reason_label")
def reason_label_filter(code: str) -> str:
    return reason_label(code)


@register.filter(name="percent")
def percent_filter(share: float | None) -> float | None:
    """A share (0–1) in percent, to format with ``floatformat``."""
    return None if share is None else share * 100
