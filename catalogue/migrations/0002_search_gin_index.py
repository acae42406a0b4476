"""Full-text GIN index on PostgreSQL only (SQLite searches the same columns with LIKE).

An expression index rather than a stored ``tsvector`` column: a bulk import writes each
search row once. The expression must stay identical to ``catalogue.search.VECTOR_SQL``
(a test checks it).
"""

from django.db import migrations

INDEX = "catalogue_searchentry_fts"
VECTOR_SQL = (
    "(setweight(to_tsvector('simple'::regconfig, name_norm), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, title_norm), 'B')"
    " || setweight(to_tsvector('simple'::regconfig, body_norm), 'C'))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalogue_searchentry USING gin ({VECTOR_SQL})"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
