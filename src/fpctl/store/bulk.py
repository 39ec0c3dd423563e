"""Insert many rows with the driver's executemany: the bulk paths' floor (PERFORMANCE.md).

SQLAlchemy's executemany still builds and processes parameters row by row; for 10,000
invitations and their audit records that was a third of the run. Rows here are plain dicts
keyed by column name; instants are written in the exact text form SQLAlchemy's SQLite
dialect stores, so ORM reads see the same values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Table

from fpctl.clock import as_utc


@lru_cache(maxsize=256)  # a bulk run writes the same few instants on every row
def stored_instant(value: datetime) -> str:
    """An instant as the store keeps it: naive UTC text with microseconds."""
    return as_utc(value).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def instant_param(connection: Connection, value: datetime) -> Any:
    """An instant as a raw-SQL parameter: SQLite compares the stored text, PostgreSQL its
    timestamps (naive UTC, as ``tables.UTCDateTime`` stores them)."""
    if connection.dialect.name == "sqlite":
        return stored_instant(value)
    return as_utc(value).replace(tzinfo=None)


def driver_sql(connection: Connection, sql: str) -> str:
    """Raw SQL written with ``?`` placeholders (SQLite's), for this connection's driver."""
    return sql if connection.dialect.name == "sqlite" else sql.replace("?", "%s")


def _plain(connection: Connection, value: Any) -> Any:
    return instant_param(connection, value) if isinstance(value, datetime) else value


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT every row (all with the same keys) in one executemany."""
    if not rows:
        return
    names = tuple(rows[0])
    values = [tuple(_plain(connection, row[name]) for name in names) for row in rows]
    insert_values(connection, table, names, values)


def insert_values(
    connection: Connection, table: Table, names: Sequence[str], values: Sequence[Sequence[Any]]
) -> None:
    """INSERT prepared rows in one executemany: each a tuple of ``names``' values in order,
    already as the driver takes them (instants through ``instant_param``). The bulk paths
    build these tuples as they go instead of a dict per row turned into a tuple here."""
    if not values:
        return
    unknown = set(names) - set(table.columns.keys())
    if unknown:
        raise ValueError(f"{table.name} has no column {sorted(unknown)}")
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    connection.exec_driver_sql(driver_sql(connection, sql), values)
