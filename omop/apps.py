from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OmopConfig(AppConfig):
    name = "omop"
    verbose_name = _("Conversions OMOP")

    def ready(self):
        from portal.messages import register_message_labels

        from .labels import MESSAGE_LABELS
        from .vocabulary.messages import MESSAGE_LABELS as VOCABULARY_LABELS

        register_message_labels(MESSAGE_LABELS)
        register_message_labels(VOCABULARY_LABELS)
