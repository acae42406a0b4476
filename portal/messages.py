"""Job messages in the page's language: workers store a code ("omop.step:visit_occurrence",
registered by the app at start-up in AppConfig.ready) or a French msgid; pages translate."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MESSAGE_LABELS: dict[str, object] = {}


def register_message_labels(labels: dict[str, object]) -> None:
    MESSAGE_LABELS.update(labels)


def message_text(message: str) -> str:
    """The words of a message code. Any other message is looked up as a msgid: workers run in
    French, the source language, so a message they translated with gettext is stored as its
    msgid and reads in English on an English page; free text stays as it is."""
    if not message:
        return ""
    label = MESSAGE_LABELS.get(message)
    return str(label) if label is not None else gettext(message)


register_message_labels({"portal.started": _("démarrage")})
