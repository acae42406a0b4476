from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OmopConfig(AppConfig):
    name = "omop"
    verbose_name = _("Conversions OMOP")
