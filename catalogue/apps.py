from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Catalogue des données")

    def ready(self):
        from portal.messages import register_message_labels

        from . import signals  # noqa: F401 - connects the search index receivers
        from .labels import MESSAGE_LABELS

        register_message_labels(MESSAGE_LABELS)
