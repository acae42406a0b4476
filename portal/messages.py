"""Job messages in the page's language: workers store a code ("omop.step:visit_occurrence",
registered by the app at start-up in AppConfig.ready), a code with its parameters
(:func:`coded`), or a French msgid; pages translate.

A label is a lazy msgid with ``%(name)s`` placeholders, or a formatter: a function of the
parameters that words them itself, for messages whose parameters are structured (a list of
errors, each with its own code) or whose wording depends on them. Either way the words are
chosen when the page renders, in its language, never when the worker stores the message.
"""

import json
import re

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MESSAGE_LABELS: dict[str, object] = {}
_SEPARATOR = "|"


def register_message_labels(labels: dict[str, object]) -> None:
    MESSAGE_LABELS.update(labels)


def coded(code: str, **params) -> str:
    """A message to store (job message or error) as its registered code and parameters; the
    page words it with the label of ``code`` (``%(name)s`` placeholders, lists joined)."""
    if not params:
        return code
    return code + _SEPARATOR + json.dumps(params, ensure_ascii=False, default=str)


def words(label, params: dict) -> str:
    """``label`` with its ``%(name)s`` parameters filled in, lists joined by commas; a
    formatter label is called with the parameters instead."""
    if callable(label) and not isinstance(label, (str, Promise)):
        return label(params)
    return str(label) % {
        k: ", ".join(map(str, v)) if isinstance(v, list) else v for k, v in params.items()
    }


def message_text(message: str) -> str:
    """The words of a message code. Any other message is looked up as a msgid: workers run in
    French, the source language, so a message they translated with gettext is stored as its
    msgid and reads in English on an English page; free text stays as it is."""
    if not message:
        return ""
    label = MESSAGE_LABELS.get(message)
    if label is not None:
        return str(label) if isinstance(label, (str, Promise)) else words(label, {})
    code, sep, raw = message.partition(_SEPARATOR)
    if sep and code in MESSAGE_LABELS:
        try:
            params = json.loads(raw)
            return words(MESSAGE_LABELS[code], params)
        except (ValueError, TypeError, KeyError):
            pass
    return gettext(message)


# a job log line as JobContext.log writes it: its time, "ERROR " when the job failed, the message
_LOG_LINE = re.compile(r"^(\d\d:\d\d:\d\d )(ERROR )?(\S.*)$")


def log_text(log: str) -> str:
    """A job's log tail in the reader's language: each line's message is worded as
    :func:`message_text` words a job message; continuation lines (a traceback) stay as
    they are."""
    lines = []
    for line in (log or "").splitlines():
        match = _LOG_LINE.match(line)
        if match:
            line = match[1] + (match[2] or "") + message_text(match[3])
        lines.append(line)
    return "\n".join(lines)


register_message_labels(
    {
        "portal.started": _("démarrage"),
        "portal.unexpected_error": _("Erreur inattendue : %(error)s"),
        # the worker diagnostics job (portal/tasks.py)
        "portal.check_database": _("Base de données…"),
        "portal.check_disk": _("Espace disque…"),
        "portal.check_java": _("Java (Spark)…"),
        "portal.check_done": _("Diagnostic terminé."),
    }
)
