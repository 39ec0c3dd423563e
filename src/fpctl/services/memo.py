"""What one long transaction remembers between its units of work (``fpctl batch``).

A batch runs thousands of commands in one transaction, and each would look up the same
actor, the same clock mark and the same open cancellation requests again. A ``Memo`` keeps
such a lookup until a statement of the transaction writes a table (or, for an update, a
column) it was read from: every statement the session's connection runs is seen here
(``before_cursor_execute``), so a line that changes a member's role, closes a request or
renames an account makes the next line look again, whichever path wrote it (ORM, Core or
raw SQL). A statement this module cannot read as a plain insert or update, any delete, and
a savepoint rolled back forget everything. What is kept are the session's own objects, so
their attributes are as current as the session's; a lookup that raises is never kept.

Outside a shared transaction there is no memo (``of`` returns None) and every lookup is
made as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, event
from sqlmodel import Session

T = TypeVar("T")

_KEY = "fpctl_memo"
ALL = None  # every column of a table

_FIRST_WORD = re.compile(r"\s*(\w+)")
_INSERT = re.compile(r"\s*INSERT\s+INTO\s+\"?(\w+)\"?\s*[(\s]", re.IGNORECASE)
_UPDATE = re.compile(r"\s*UPDATE\s+\"?(\w+)\"?\s+SET\s+(.*?)\s+WHERE\s", re.IGNORECASE | re.DOTALL)
_SET_COLUMN = re.compile(r"\"?(\w+)\"?\s*=")
_NO_WRITE = frozenset({"SELECT", "SAVEPOINT", "RELEASE", "BEGIN", "PRAGMA", "SHOW", "SET"})

#: What a kept lookup depends on: table -> the columns whose update forgets it (ALL: any).
Reads = Mapping[str, frozenset[str] | None]


class Memo:
    def __init__(self, session: Session | None = None) -> None:
        self._kept: dict[Hashable, tuple[Reads, Any]] = {}
        self._session = session

    def get(self, key: Hashable, reads: Reads, look: Callable[[], T]) -> T:
        """The value kept under ``key``, or ``look()`` kept until a write to ``reads``."""
        if key in self._kept and self._session is not None and self._session.autoflush:
            # What the lookup's own query would have flushed first: a change made but not
            # yet written is written now, and forgets what it changes.
            self._session.flush()
        found = self._kept.get(key)
        if found is not None:
            return found[1]
        value = look()
        self._kept[key] = (reads, value)
        return value

    def see(self, _conn: Connection, _cursor: Any, statement: str, *_: Any, **__: Any) -> None:
        """``before_cursor_execute``: every statement the transaction runs."""
        self.saw(statement)

    def forget(self) -> None:
        self._kept.clear()

    def saw(self, statement: str) -> None:
        """Forget what ``statement`` may change."""
        if not self._kept:
            return
        word = _FIRST_WORD.match(statement)
        verb = word.group(1).upper() if word else ""
        if verb in _NO_WRITE:
            return
        if verb == "INSERT" and (insert := _INSERT.match(statement)):
            self._wrote(insert.group(1).lower(), ALL)
        elif verb == "UPDATE" and (update := _UPDATE.match(statement)):
            columns = frozenset(name.lower() for name in _SET_COLUMN.findall(update.group(2)))
            self._wrote(update.group(1).lower(), columns)
        else:  # a delete (cascades), a rollback to a savepoint, anything unread
            self.forget()

    def _wrote(self, table: str, columns: frozenset[str] | None) -> None:
        for key, (reads, _) in list(self._kept.items()):
            if table not in reads:
                continue
            watched = reads[table]
            if columns is ALL or watched is ALL or watched & columns:
                del self._kept[key]


def of(session: Session) -> Memo | None:
    """The memo of the shared transaction ``session`` belongs to, if any."""
    return session.info.get(_KEY)


def remember(session: Session, key: Hashable, reads: Reads, look: Callable[[], T]) -> T:
    """``look()``; in a shared transaction, what it found for an earlier unit of work while
    nothing it ``reads`` was written since."""
    kept = of(session)
    return look() if kept is None else kept.get(key, reads, look)


def start(session: Session) -> Memo:
    """Give ``session`` (a shared transaction's) a memo that sees every statement it runs."""
    memo = Memo(session)
    event.listen(session.connection(), "before_cursor_execute", memo.see)
    session.info[_KEY] = memo
    return memo


@contextmanager
def remembering(session: Session) -> Iterator[Memo]:
    """A memo for the units of work run inside the block (``demo seed``'s thousands of
    steps), forgotten when it ends; the one already there, if any."""
    kept = of(session)
    if kept is not None:
        yield kept
        return
    memo = start(session)
    try:
        yield memo
    finally:
        event.remove(session.connection(), "before_cursor_execute", memo.see)
        del session.info[_KEY]


def reads(*tables: str, columns: Iterable[str] | None = ALL) -> Reads:
    """``reads("member", "account")``: any write to these tables forgets the lookup;
    with ``columns``, an update of the table forgets it only when it sets one of them."""
    watched = ALL if columns is ALL else frozenset(columns)
    return {table: watched for table in tables}
