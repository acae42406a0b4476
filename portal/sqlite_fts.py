"""Indexes that only one database has, in migrations (``run_on``). SQLite: external-content
FTS5 indexes of some columns of a table, kept in step by triggers, so that bulk inserts,
updates and deletes need no extra code (the catalogue search and the code lists).
PostgreSQL has its GIN indexes instead."""

# ruff: noqa: S608 -- table, column and index names come from migrations, never from input
from __future__ import annotations


def fts5_statements(table: str, columns: list[str], *, index: str, options: str) -> list[str]:
    """CREATE statements of the index ``index`` over ``table.columns`` (``options``: the
    FTS5 ones, e.g. ``tokenize='trigram'``), ending with a rebuild for the rows already there."""
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    delete = f"INSERT INTO {index}({index}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    insert = f"INSERT INTO {index}(rowid, {cols}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {index} USING fts5("
        f"{cols}, content='{table}', content_rowid='id', {options})",
        f"CREATE TRIGGER IF NOT EXISTS {index}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {index}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {index}_au AFTER UPDATE ON {table} "
        f"BEGIN {delete} {insert} END",
        f"INSERT INTO {index}({index}) VALUES ('rebuild')",
    ]


def fts5_drop_statements(index: str) -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS {index}_{suffix}" for suffix in ("ai", "ad", "au")),
        f"DROP TABLE IF EXISTS {index}",
    ]


def run_on(vendor: str, forward: list[str], backward: list[str]):
    """A migration operation running ``forward`` (``backward`` when unapplied) on databases
    of ``vendor`` only (``sqlite``, ``postgresql``): the indexes each database has its own."""
    from django.db import migrations

    def run(statements):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor == vendor:
                for sql in statements:
                    schema_editor.execute(sql)

        return apply

    return migrations.RunPython(run(forward), run(backward))
