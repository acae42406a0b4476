from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BibliometricsConfig(AppConfig):
    name = "bibliometrics"
    verbose_name = _("Publications SNDS")
