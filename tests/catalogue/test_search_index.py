"""The full-text index only serves searches whose expression is the same, letter for letter."""

import importlib

from catalogue import search


def test_the_migrated_index_expression_is_the_one_search_queries_use():
    migration = importlib.import_module("catalogue.migrations.0002_search_gin_index")
    assert migration.VECTOR_SQL == search.VECTOR_SQL
