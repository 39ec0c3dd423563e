"""What every table module builds its columns from: aware UTC timestamps, enum words, and
partial indexes that do not load the PostgreSQL dialect on a SQLite store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, String, event, text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from fpctl.clock import as_utc


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC (what SQLite keeps), always handed back aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


def when(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_type=UTCDateTime, nullable=nullable, index=index)


def word(default: str | None = None, *, index: bool = False) -> Any:
    """An enum value column (text)."""
    if default is None:
        return Field(sa_type=String, index=index)
    return Field(default=default, sa_type=String, index=index)


#: In a partial index's ``info``: its condition, as literal SQL.
WHERE = "fpctl_where"


def partial_index(name: str, *columns: str, unique: bool, where: str) -> Index:
    """An index on the rows matching ``where`` (literal SQL), made on SQLite and PostgreSQL.

    Naming ``postgresql_where`` here would make SQLAlchemy import its PostgreSQL dialect to
    check the argument (~40 ms of every SQLite command's start-up). So the PostgreSQL
    condition is set when tables are created on PostgreSQL (``_on_postgresql``); the
    migrations name it themselves."""
    index = Index(name, *columns, unique=unique, sqlite_where=text(where))
    index.info[WHERE] = where
    return index


def _on_postgresql(metadata: Any, connection: Any, **_: Any) -> None:
    """Before ``create_all`` on PostgreSQL: every partial index gets its condition."""
    if connection.dialect.name != "postgresql":
        return
    for table in metadata.tables.values():
        for index in table.indexes:
            if WHERE in index.info:
                index.dialect_options["postgresql"]["where"] = text(index.info[WHERE])


event.listen(SQLModel.metadata, "before_create", _on_postgresql)
