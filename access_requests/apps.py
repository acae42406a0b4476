from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessRequestsConfig(AppConfig):
    name = "access_requests"
    verbose_name = _("Dossiers d'accès aux données")

    def ready(self) -> None:
        from .services.workflow import fsm_transitions

        fsm_transitions()  # the status field's django-fsm guard, from the one declaration
