from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Catalogue des données")

    def ready(self):
        from . import signals  # noqa: F401 - connects the search index receivers
