"""Inserting many rows in one statement, with generated ids back, fast on both databases.

SQLite: an executemany of a Core INSERT (SQLAlchemy batches it into multi-row VALUES).
PostgreSQL: one `INSERT ... SELECT ... FROM json_to_recordset(:rows)`, the rows sent as a
single JSON document. The multi-row VALUES form SQLAlchemy would send there has thousands of
placeholders, which psycopg rewrites in Python on every statement, and one array parameter per
column is escaped element by element in Python too; each cost more than the database itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, insert, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session


def insert_rows(
    session: Session,
    model: type[DeclarativeBase],
    rows: Sequence[Mapping[str, Any]],
    *,
    returning: Sequence[str] = (),
    skip_conflicts: bool = False,
) -> list[tuple[Any, ...]]:
    """Insert rows (all with the same keys); the `returning` columns of each row inserted, in
    no particular order. With skip_conflicts a row clashing with a unique key is left out."""
    if not rows:
        return []
    table = cast(Table, model.__table__)
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        return _recordset_insert(session, table, dialect, rows, returning, skip_conflicts)
    statement = sqlite.insert(table).on_conflict_do_nothing() if skip_conflicts else insert(table)
    if not returning:
        session.execute(statement, list(rows))
        return []
    with_returning = statement.returning(*(table.c[name] for name in returning))
    return [tuple(row) for row in session.execute(with_returning, list(rows))]


def _recordset_insert(
    session: Session,
    table: Table,
    dialect: Dialect,
    rows: Sequence[Mapping[str, Any]],
    returning: Sequence[str],
    skip_conflicts: bool,
) -> list[tuple[Any, ...]]:
    quote = dialect.identifier_preparer.quote
    names = [quote(name) for name in rows[0]]
    definitions = [
        f"{quote(name)} {table.c[name].type.compile(dialect=dialect)}" for name in rows[0]
    ]
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(names)}) "
        f"SELECT {', '.join(names)} FROM json_to_recordset(CAST(:rows AS JSON)) "
        f"AS r({', '.join(definitions)})"
    )
    if skip_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    document = json.dumps(list(rows), default=_json_value)
    if not returning:
        session.execute(text(sql), {"rows": document})
        return []
    sql += f" RETURNING {', '.join(quote(name) for name in returning)}"
    return [tuple(row) for row in session.execute(text(sql), {"rows": document})]


def _json_value(value: object) -> str:
    """Times for the JSON document; naive ones refused, as UtcDateTime refuses them."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: give it a time zone")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in a bulk insert")
