import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_portal_speaks_french_by_default(client):
    page = client.get("/").content.decode()
    assert '<html lang="fr"' in page
    assert "Se connecter" in page


def test_the_language_switch_turns_the_portal_to_english(client, cast):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="en"' in page
    assert "Log in" in page and "Health Data Hub portal" in page
    assert "<title>Home — Health Data Hub portal</title>" in page
    client.force_login(cast.guichet)
    page = client.get("/").content.decode()
    assert "Hello Gaëlle" in page and "Access desk" in page


@pytest.mark.parametrize(
    ("url", "english", "french"),
    [
        ("/catalogue/", "Data catalogue", "Catalogue des données"),
        ("/publications/", "Map of research using the SNDS", "Cartographie de la recherche"),
        ("/dossiers/repertoire/", "Project directory", "Répertoire public des projets"),
    ],
)
def test_every_public_app_is_translated_to_english(client, url, english, french):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    page = client.get(url).content.decode()

    assert english in page
    assert french not in page


def test_the_omop_pages_are_translated_to_english(client, cast):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.force_login(cast.data)

    page = client.get("/omop/").content.decode()

    assert "OMOP conversions" in page and "Conversions OMOP" not in page


def test_the_english_catalogue_is_complete_and_compiled(tmp_path):
    """A string added in French without its English (or a stale .mo) fails here."""
    import gettext
    import shutil
    import subprocess
    from pathlib import Path

    if shutil.which("msgfmt") is None:
        pytest.fail("msgfmt is missing: install gettext (.ci/run does)")
    po = Path(__file__).resolve().parents[2] / "locale/en/LC_MESSAGES/django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "fresh.mo"), str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr

    with open(tmp_path / "fresh.mo", "rb") as fresh, open(po.with_suffix(".mo"), "rb") as shipped:
        expected = gettext.GNUTranslations(fresh)._catalog
        assert gettext.GNUTranslations(shipped)._catalog == expected, "run compilemessages"


TEXT = (".py", ".html", ".txt")  # what makemessages reads for the "django" domain


def test_every_string_of_the_code_is_in_the_english_catalogue(tmp_path, settings, monkeypatch):
    """A gettext string added to the code but never extracted (makemessages not run) fails
    here: the catalogue is extracted again into a copy, and every msgid must have its English."""
    import shutil
    from pathlib import Path

    from django.core.management import call_command

    repo = Path(__file__).resolve().parents[2]

    # makemessages writes into ./locale, and its work files beside the templates: run it on a
    # copy of the sources, so that the tree other tests read (in parallel) never changes
    def not_sources(folder, names):
        return [n for n in names if n == "__pycache__" or "." in n and not n.endswith(TEXT)]

    for source in repo.iterdir():
        if (source / "__init__.py").exists() or source.name == "templates":
            shutil.copytree(source, tmp_path / source.name, ignore=not_sources)
    messages = tmp_path / "locale/en/LC_MESSAGES"
    messages.mkdir(parents=True)
    shutil.copy(repo / "locale/en/LC_MESSAGES/django.po", messages)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)
    text = (messages / "django.po").read_text()
    untranslated = re.findall(r'\nmsgid ("[^\n]*"(?:\n"[^\n]*")*)\nmsgstr ""\n\n', text)
    fuzzy = re.findall(r"#, fuzzy.*\n(?:#.*\n)*msgid (.*)", text.split("\n\n", 1)[1])
    assert not untranslated and not fuzzy, "run makemessages and translate: " + "; ".join(
        untranslated + fuzzy
    )


@pytest.mark.parametrize(
    ("url", "english", "french"),
    [
        ("/omop/vocabulaires/", "Load the vocabularies", "Charger les vocabulaires"),
        ("/catalogue/listes/", "New code list", "Nouvelle liste de codes"),
    ],
)
def test_the_vocabulary_and_code_list_pages_are_translated(client, cast, url, english, french):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.force_login(cast.data)

    page = client.get(url).content.decode()

    assert english in page and french not in page
