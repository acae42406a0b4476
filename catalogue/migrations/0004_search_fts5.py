"""SQLite only: an FTS5 index of the search entries (PostgreSQL has its GIN index, 0002).

External-content FTS5 table kept in step by triggers, so bulk inserts and deletes of
``catalogue_searchentry`` need no extra code. The search asks it for prefixes of the stems
("date* AND (hospitalisation* OR sejour*)") instead of scanning every row with LIKE.
"""

from django.db import migrations

CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS catalogue_searchentry_fts USING fts5("
    "name_norm, title_norm, body_norm, content='catalogue_searchentry', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 0', prefix='2 3 4')",
    "CREATE TRIGGER IF NOT EXISTS catalogue_searchentry_fts_ai AFTER INSERT ON catalogue_searchentry"
    " BEGIN INSERT INTO catalogue_searchentry_fts(rowid, name_norm, title_norm, body_norm)"
    " VALUES (new.id, new.name_norm, new.title_norm, new.body_norm); END",
    "CREATE TRIGGER IF NOT EXISTS catalogue_searchentry_fts_ad AFTER DELETE ON catalogue_searchentry"
    " BEGIN INSERT INTO catalogue_searchentry_fts(catalogue_searchentry_fts, rowid, name_norm,"
    " title_norm, body_norm) VALUES ('delete', old.id, old.name_norm, old.title_norm,"
    " old.body_norm); END",
    "CREATE TRIGGER IF NOT EXISTS catalogue_searchentry_fts_au AFTER UPDATE ON catalogue_searchentry"
    " BEGIN INSERT INTO catalogue_searchentry_fts(catalogue_searchentry_fts, rowid, name_norm,"
    " title_norm, body_norm) VALUES ('delete', old.id, old.name_norm, old.title_norm,"
    " old.body_norm); INSERT INTO catalogue_searchentry_fts(rowid, name_norm, title_norm,"
    " body_norm) VALUES (new.id, new.name_norm, new.title_norm, new.body_norm); END",
    # entries indexed before this migration
    "INSERT INTO catalogue_searchentry_fts(catalogue_searchentry_fts) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER IF EXISTS catalogue_searchentry_fts_ai",
    "DROP TRIGGER IF EXISTS catalogue_searchentry_fts_ad",
    "DROP TRIGGER IF EXISTS catalogue_searchentry_fts_au",
    "DROP TABLE IF EXISTS catalogue_searchentry_fts",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in CREATE:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_search_synonyms_words")]

    operations = [migrations.RunPython(create, drop)]
