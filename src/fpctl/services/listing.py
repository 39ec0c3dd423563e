"""A list command's rows, read lazily from one query (SPEC §3.4 at any size).

Iterating a ``Listing`` streams its rows ``CHUNK_ROWS`` at a time (a server-side cursor on
PostgreSQL), so ``--all -o csv`` of a million rows holds a chunk, never the list. A table
asks for one page instead: ``page(n)`` reads ``LIMIT n + 1`` rows and, only when there are
more, counts them with one ``COUNT(*)`` — the first page costs the same at 1,000 rows and at
100,000. ``map`` turns each row into what is shown (a view) without reading anything.
Both must run inside the unit of work that made the listing (its session and transaction).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from sqlalchemy import func
from sqlmodel import Session, select

T = TypeVar("T")
U = TypeVar("U")

#: Rows read per round trip while streaming: small enough that memory stays flat, large
#: enough that fetching costs nothing next to building the rows.
CHUNK_ROWS = 200


class Listing(Generic[T]):
    """The rows of ``query`` (ordered), each passed through ``shape``."""

    def __init__(
        self,
        session: Session,
        query: Any,
        shape: Callable[[Any], T] | None = None,
    ) -> None:
        """``query``: a ``select`` (sqlmodel's) of one entity or of several columns."""
        self._session = session
        self._query = query
        self._shape = shape

    def map(self, shape: Callable[[T], U]) -> Listing[U]:
        """The same rows, each then passed through ``shape`` (nothing is read now)."""
        inner = self._shape
        shaped: Callable[[Any], U] = shape if inner is None else (lambda item: shape(inner(item)))
        return Listing(self._session, self._query, shaped)

    def _read(self, query: Any) -> Iterator[Any]:
        return iter(self._session.exec(query))

    def _shaped(self, items: Iterator[Any]) -> Iterator[T]:
        shape = self._shape
        if shape is None:
            yield from items
        else:
            for item in items:
                yield shape(item)

    def __iter__(self) -> Iterator[T]:
        return self._shaped(self._read(self._query.execution_options(yield_per=CHUNK_ROWS)))

    def page(self, size: int) -> tuple[list[T], int]:
        """The first ``size`` rows and how many more there are: ``size + 1`` rows read, and a
        ``COUNT(*)`` of the query only when that extra row exists."""
        items = list(self._read(self._query.limit(size + 1)))
        if len(items) <= size:
            return list(self._shaped(iter(items))), 0
        counted = select(func.count()).select_from(self._query.order_by(None).subquery())
        total = self._session.exec(counted).one()
        return list(self._shaped(iter(items[:size]))), max(total - size, 1)
