"""Search indexes on PostgreSQL: trigram GIN on the folded search text (``LIKE '%word%'``)
and a pattern btree on the code (``LIKE 'E11%'``). SQLite keeps its scan (see
bench/codelists.py for the figures)."""

from django.db import migrations

from portal.sqlite_fts import run_on

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS codelists_ref_search_trgm ON codelists_referentialcode "
    "USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS codelists_ref_code_pattern ON codelists_referentialcode "
    "(code varchar_pattern_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS codelists_ref_search_trgm",
    "DROP INDEX IF EXISTS codelists_ref_code_pattern",
]


class Migration(migrations.Migration):
    dependencies = [("codelists", "0001_initial")]
    operations = [run_on("postgresql", FORWARD, BACKWARD)]
