"""Fast inserts of many plain rows (nomenclature values, search entries).

Django's ``bulk_create`` builds a model instance and a parameter per cell: for the 414,490
SNDS nomenclature values that is minutes. Here rows are tuples: PostgreSQL gets them by
``COPY``, other backends by ``executemany``. No signals, no history: callers are bulk
imports that record their own changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.db import connection


def insert_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (tuples in ``columns`` order) into ``model``'s table; dicts → JSON."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        [
                            json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v
                            for v in row
                        ]
                    )
                    count += 1
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({cols}) VALUES ({placeholders})"  # noqa: S608 - quoted names
            batch = []
            for row in rows:
                batch.append(
                    [json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for v in row]
                )
                if len(batch) >= 5000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count
