"""Lean bulk writes for the scanner's hot path: rows as plain tuples, no model instances.

Django's bulk_create sends every value through its field machinery (about 10 µs a value). A
first scan writes tens of values per file, which made the database writes, not the reading,
the slowest part of a scan. These helpers build the same statements directly. SQLite (3.35+)
and PostgreSQL share the syntax used here: INSERT … ON CONFLICT … DO UPDATE and RETURNING.
Values must already be in database form: use `db_datetime` for datetimes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models

# Stay far below SQLite's limit on variables per statement (32766 since 3.32, 999 before).
_MAX_VARIABLES = 900


def db_datetime(value: datetime) -> Any:
    """A datetime as the backend stores it (SQLite: naive UTC text; PostgreSQL: as is)."""
    return connection.ops.adapt_datetimefield_value(value)


def upsert(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[tuple],
    *,
    conflict: str,
    update: Sequence[str],
) -> None:
    """Insert `rows`; a row whose `conflict` column already exists updates `update` instead."""
    if not rows:
        return
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in update)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({quote(conflict)}) DO UPDATE SET {assignments}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def insert_returning_ids(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple]
) -> list[int]:
    """Insert `rows` and return their new primary keys, in the order of `rows`.

    Keys are sorted rather than taken in the order RETURNING lists them (which neither SQLite
    nor PostgreSQL promises): both assign increasing keys in VALUES order within a statement.
    """
    quote = connection.ops.quote_name
    per_statement = max(1, _MAX_VARIABLES // len(columns))
    placeholder = f"({', '.join(['%s'] * len(columns))})"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            sql = (
                f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "
                f"VALUES {', '.join([placeholder] * len(chunk))} RETURNING {quote('id')}"
            )
            cursor.execute(sql, [value for row in chunk for value in row])
            ids.extend(sorted(row[0] for row in cursor.fetchall()))
    return ids


def update_column(model: type[models.Model], column: str, values: Sequence[tuple]) -> None:
    """Set `column` per row: `values` holds (new value, primary key) pairs."""
    if not values:
        return
    quote = connection.ops.quote_name
    sql = f"UPDATE {quote(model._meta.db_table)} SET {quote(column)} = %s WHERE {quote('id')} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
