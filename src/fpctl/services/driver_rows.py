"""Reading many rows fast: the driver's own cursor a batch at a time, and instants read as
the ORM reads them. For the checks that walk whole tables (a million audit records), where
building a SQLAlchemy row or an ORM object per row would be most of the time."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Dialect

from fpctl.clock import iso
from fpctl.services.chain_walk import STORED, in_batches
from fpctl.store.rows import table_of
from fpctl.store.tables import AuditRecord


@contextmanager
def fetched(connection: Connection, sql: str, *, name: str) -> Iterator[Iterator[Sequence[Any]]]:
    """The rows of ``sql`` (no parameters) as the driver hands them back, fetched a batch
    at a time in the connection's transaction; on PostgreSQL through a server-side cursor
    called ``name``, so that a million rows never sit in memory."""
    driver = connection.connection.driver_connection
    server = connection.dialect.name == "postgresql"
    cursor = driver.cursor(name=name) if server else driver.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        yield in_batches(cursor)
    finally:
        cursor.close()


def instant_reader(dialect: Dialect) -> Callable[[Any], datetime | None]:
    """An instant column's value from the driver (SQLite's text, PostgreSQL's datetime) as
    the ORM hands it back (aware UTC), by the column type's own processing on this dialect."""
    kind = table_of(AuditRecord).c["at"].type  # every instant column has this type
    read = kind.dialect_impl(dialect).result_processor(dialect, None)
    assert read is not None
    return read


def iso_reader(dialect: Dialect) -> Callable[[Any], str | None]:
    """``iso`` of what ``instant_reader`` reads: the same text, but the form SQLite keeps
    is cut into it once it is seen to be a real instant (the ORM's parsing took most of a
    long list's time)."""
    read = instant_reader(dialect)

    def iso_of(value: Any) -> str | None:
        if type(value) is str and STORED.fullmatch(value):
            try:
                datetime.fromisoformat(value)  # a real date and time: not 2026-02-30
            except ValueError:
                pass  # read as the ORM reads it, which says what is wrong
            else:
                return f"{value[:10]}T{value[11:19]}Z"
        return iso(read(value))

    return iso_of
