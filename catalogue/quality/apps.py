from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    """Profiling runs and quality indicators of catalogue tables (engine: catalogue.profiling)."""

    name = "catalogue.quality"
    label = "quality"
    verbose_name = _("Profils et qualité des données")

    def ready(self):
        from portal.messages import register_message_labels

        from .labels import MESSAGE_LABELS

        register_message_labels(MESSAGE_LABELS)
