"""Job messages as codes: workers store a code ("omop.step:visit_occurrence"), pages show
the words in the page's language. Apps register their codes at start-up (AppConfig.ready)."""

from django.utils.translation import gettext_lazy as _

MESSAGE_LABELS: dict[str, object] = {}


def register_message_labels(labels: dict[str, object]) -> None:
    MESSAGE_LABELS.update(labels)


def message_text(message: str) -> str:
    """The words of a message code; any other message (already words) as it is."""
    if not message:
        return ""
    label = MESSAGE_LABELS.get(message)
    return str(label) if label is not None else message


register_message_labels({"portal.started": _("démarrage")})
