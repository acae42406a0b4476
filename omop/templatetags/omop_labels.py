from django import template

from omop.labels import step_label

register = template.Library()


@register.filter(name="step_label")
def step_label_filter(code: str) -> str:
    return step_label(code)
