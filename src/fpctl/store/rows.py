"""What the table models' types leave open: a stored row's id, and a model's Table."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Table
from sqlmodel import SQLModel


class _Keyed(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Keyed) -> int:
    """The id of a row read from the store or flushed to it. The models type ``id`` as
    ``int | None`` because a new row has none until its INSERT: asking before then is a bug."""
    if row.id is None:
        raise RuntimeError(f"this {type(row).__name__} has no id: it was never flushed")
    return row.id


def table_of(model: type[SQLModel]) -> Table:
    """The Table of a table model, for Core statements and bulk inserts."""
    # SQLAlchemy's declarative mapping sets __table__; SQLModel's typing does not declare it.
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table
