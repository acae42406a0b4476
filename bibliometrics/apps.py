from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BibliometricsConfig(AppConfig):
    name = "bibliometrics"
    verbose_name = _("Publications SNDS")

    def ready(self):
        from portal.messages import register_message_labels

        from .labels import MESSAGE_LABELS

        register_message_labels(MESSAGE_LABELS)
