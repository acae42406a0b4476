"""Pages as a user reads them: in the language they chose with the language switcher."""

import html


def page_in(client, language: str, url: str) -> str:
    """The text of ``url`` (entities unescaped) after choosing ``language``, as the
    switcher does (the choice stays in a cookie for the next requests)."""
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return html.unescape(client.get(url).content.decode())


def api_in(client, language: str, url: str) -> dict:
    """The JSON answer of ``url`` after choosing ``language``."""
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client.get(url).json()
