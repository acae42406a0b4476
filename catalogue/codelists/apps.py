from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodeListsConfig(AppConfig):
    """Referentials (CIM-10, ATC, CIP13, CCAM, NGAP, NABM, LPP), code lists, feasibility."""

    name = "catalogue.codelists"
    label = "codelists"
    verbose_name = _("Listes de codes")

    def ready(self):
        from portal.messages import register_message_labels

        from .messages import MESSAGE_LABELS

        register_message_labels(MESSAGE_LABELS)
