"""``runportal`` collects the static files again only when they changed since last time."""

import os
from pathlib import Path

from portal.management.commands.runportal import collect_static


def test_static_files_are_collected_again_only_when_a_source_changed(settings, tmp_path):
    sources = tmp_path / "src"
    sources.mkdir()
    (sources / "hdh-test.css").write_text("body { color: black }")
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.STATICFILES_DIRS = [str(sources)]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    collected = Path(settings.STATIC_ROOT) / "hdh-test.css"

    assert collect_static() is True and collected.read_text() == "body { color: black }"
    assert collect_static() is False  # the next start: nothing changed, nothing to do

    changed = sources / "hdh-test.css"
    changed.write_text("body { color: navy }")
    later = changed.stat().st_mtime + 5  # collectstatic copies what is newer to the second
    os.utime(changed, (later, later))
    assert collect_static() is True and collected.read_text() == "body { color: navy }"

    collected.parent.rename(tmp_path / "elsewhere")  # the collected folder was removed
    assert collect_static() is True and collected.read_text() == "body { color: navy }"
