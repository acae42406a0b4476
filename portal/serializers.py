"""The project's ModelSerializer: what every API serializer shares."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

SHAPES = {
    list: _('Une liste JSON est attendue (par exemple [] ou ["A", "B"]).'),
    dict: _('Un objet JSON est attendu (par exemple {} ou {"clé": "valeur"}).'),
}


class JSONShape:
    """A model JSONField whose default is a list (or a dict) takes only a list (or a dict).

    A form-encoded ``null`` or ``3`` is valid JSON: without this check it reached the
    database's NOT NULL constraint, or a page that iterates the list, as a 500."""

    def __init__(self, kind: type):
        self.kind = kind

    def __call__(self, value):
        if not isinstance(value, self.kind):
            raise serializers.ValidationError(SHAPES[self.kind], code="invalid")


class ModelSerializer(serializers.ModelSerializer):
    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.JSONField) and model_field.default in SHAPES:
            kwargs["validators"] = [*kwargs.get("validators", []), JSONShape(model_field.default)]
        return field_class, kwargs
