"""SQLite only: a trigram FTS5 index of the codes' search text, so that the embedded
portal finds a word inside a label without scanning every code (PostgreSQL has its trigram
GIN index, 0002). Kept in step by triggers."""

from django.db import migrations

from portal.sqlite_fts import fts5_drop_statements, fts5_statements, run_on

INDEX = "codelists_referentialcode_fts"
CREATE = fts5_statements(
    "codelists_referentialcode", ["search_text"], index=INDEX, options="tokenize='trigram'"
)
DROP = fts5_drop_statements(INDEX)


class Migration(migrations.Migration):
    dependencies = [("codelists", "0002_search_indexes")]
    operations = [run_on("sqlite", CREATE, DROP)]
