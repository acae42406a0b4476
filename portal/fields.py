"""Field shapes the models of every app share (plain Django fields: migrations see no change)."""

from django.db import models


def optional_link(to, verbose_name=None, *, related_name="+", **options) -> models.ForeignKey:
    """A link that may stay empty and is emptied when what it points to is deleted: who added,
    launched or changed a row, what it was made from. The row outlives its target."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
        **options,
    )
