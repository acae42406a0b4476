"""SQLite only: an FTS5 index of the search entries (PostgreSQL has its GIN index, 0002).

External-content FTS5 table kept in step by triggers, so bulk inserts and deletes of
``catalogue_searchentry`` need no extra code. The search asks it for prefixes of the stems
("date* AND (hospitalisation* OR sejour*)") instead of scanning every row with LIKE.
"""

from django.db import migrations

from portal.sqlite_fts import fts5_drop_statements, fts5_statements, run_on

CREATE = fts5_statements(
    "catalogue_searchentry",
    ["name_norm", "title_norm", "body_norm"],
    index="catalogue_searchentry_fts",
    options="tokenize='unicode61 remove_diacritics 0', prefix='2 3 4'",
)
DROP = fts5_drop_statements("catalogue_searchentry_fts")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_search_synonyms_words")]

    operations = [run_on("sqlite", CREATE, DROP)]
