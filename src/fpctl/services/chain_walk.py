"""The audit chain's hot loop, and a range of it checked in a process of its own.

Each record's check needs only itself and its predecessor's hash, so a long chain is cut
into ranges of ids walked side by side (services/chain_ranges.py). A worker runs this
module (``python -m fpctl.services.chain_walk``) and imports nothing heavier than the
driver: no SQLAlchemy, no CLI, so that it starts in a few tens of milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import chain
from typing import Any

from fpctl.clock import iso
from fpctl.domain.chain import GENESIS, HASHED_FIELDS, encode_content

#: The audit_record columns, in the order the chain is written and read back.
CHAIN_COLUMNS = (*HASHED_FIELDS, "hash", "covers")
CHAIN_SQL = f"SELECT {', '.join(CHAIN_COLUMNS)} FROM audit_record"
BATCH = 5_000  # rows a fetch brings: memory stays flat however long the table

#: How SQLite keeps an instant (naive UTC): sliced into its ISO form without parsing.
STORED = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}")


@dataclass(frozen=True)
class Break:
    record_id: int
    problem: str


Walked = tuple[Break | None, int, str]  # the first break (or None), the count, the last hash


def walk_chain(rows: Iterable[Sequence[Any]], first: int = 1, prev_hash: str = GENESIS) -> Walked:
    """The chain's records from id ``first`` on (the one before it hashed ``prev_hash``),
    as plain rows in CHAIN_COLUMNS order, ``at`` as stored (text, or a datetime): the
    first bad record (or None), how many were good, the last good hash."""
    expected_id, count = first, 0
    stored_at: Any = object()  # the last ``at`` read, and its ISO form
    at: str | None = None
    encode, sha256 = encode_content, hashlib.sha256
    for (
        id_, when, account_id, actor, actor_kind, agent, reason, action, target, changes, link,
        hash_, covers,
    ) in rows:  # fmt: skip
        if id_ != expected_id:
            return Break(expected_id, f"record {expected_id} is missing"), count, prev_hash
        if link != prev_hash:
            return Break(id_, "its link to the previous record is broken"), count, prev_hash
        if when != stored_at:  # the records of one change share their time
            stored_at, at = when, iso_at(when)
        if covers is None:
            content = [id_, at, account_id, actor, actor_kind, agent, reason, action, target,
                       changes, link]  # fmt: skip
        else:
            content = [id_, at, account_id, actor, actor_kind, agent, reason, action, target,
                       changes, link, covers]  # fmt: skip
        if sha256(encode(content).encode()).hexdigest() != hash_:
            return Break(id_, "its content does not match its hash"), count, prev_hash
        expected_id, prev_hash, count = id_ + 1, hash_, count + 1
    return None, count, prev_hash


def in_batches(cursor: Any) -> Iterator[Sequence[Any]]:
    """A DB-API cursor's rows, fetched ``BATCH`` at a time."""
    return chain.from_iterable(iter(partial(cursor.fetchmany, BATCH), []))


def iso_at(value: Any) -> str | None:
    """A record's ``at`` as its digest sees it: the driver's datetime, or SQLite's text
    (parsed by ``datetime.fromisoformat``; the form SQLite keeps is cut into ISO form
    once that parse has shown it a real instant)."""
    if type(value) is str and STORED.fullmatch(value):
        datetime.fromisoformat(value)  # not 2026-02-30: raises as it always did
        return f"{value[:10]}T{value[11:19]}Z"
    return iso(value if isinstance(value, datetime) else datetime.fromisoformat(value))


def range_sql(first: int, last: int | None) -> str:
    """The chain's rows from ``first`` (1: from the start, whatever ids lie below) up to
    ``last`` (None: to the end), in id order."""
    where = [f"id >= {int(first)}"] if first > 1 else []
    if last is not None:
        where.append(f"id <= {int(last)}")
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return f"{CHAIN_SQL}{clause} ORDER BY id"


def seam_sql(first: int) -> str:
    """The hash of the record before a range starting at ``first`` (> 1)."""
    return f"SELECT hash FROM audit_record WHERE id = {int(first) - 1}"


@dataclass(frozen=True)
class Stretch:
    """One range's walk: the hash the record before it holds (None: there is none), what
    the walk found, and whether the rows ended before the range's last id."""

    start: str | None
    walked: Walked
    short: bool


def walk_range(start: str | None, rows: Iterable[Sequence[Any]], first: int, last: int) -> Stretch:
    """Walk ids ``first`` to ``last`` of ``rows`` (``range_sql``), the record before
    ``first`` holding the hash ``start`` (GENESIS for the first range)."""
    walked = walk_chain(rows, first, start or GENESIS)
    broken, count, _ = walked
    return Stretch(start, walked, broken is None and count != last - first + 1)


# -- a worker process --------------------------------------------------------------------


@contextmanager
def _sqlite_cursors(path: str) -> Iterator[tuple[Any, Any]]:
    import sqlite3
    from pathlib import Path

    uri = f"{Path(path).absolute().as_uri()}?mode=ro"
    connection = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        connection.execute("PRAGMA busy_timeout=30000")
        connection.execute("BEGIN")  # one read snapshot for the seam and the range
        yield connection.cursor(), connection.cursor()
    finally:
        connection.close()


@contextmanager
def _postgres_cursors(url: str) -> Iterator[tuple[Any, Any]]:
    import psycopg

    with psycopg.connect(
        url, connect_timeout=10, application_name="fpctl", prepare_threshold=None
    ) as connection:
        # One snapshot for the seam and the range; the range through a server-side cursor.
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        yield connection.cursor(), connection.cursor(name="fpctl_audit_range")
        connection.rollback()


def work(request: dict[str, Any]) -> dict[str, Any]:
    """One worker's answer to ``request`` ({"dialect", "database", "first", "last"})."""
    first, last = request["first"], request["last"]
    opened = _postgres_cursors if request["dialect"] == "postgresql" else _sqlite_cursors
    with opened(request["database"]) as (plain, ranged):
        start: str | None = GENESIS
        if first > 1:
            plain.execute(seam_sql(first))
            found = plain.fetchone()
            start = found[0] if found else None
        ranged.execute(range_sql(first, last))
        stretch = walk_range(start, in_batches(ranged), first, last)
    return stretch_as_json(stretch)


def stretch_as_json(stretch: Stretch) -> dict[str, Any]:
    broken, count, last_hash = stretch.walked
    found = None if broken is None else [broken.record_id, broken.problem]
    return {"start": stretch.start, "break": found, "count": count, "last_hash": last_hash,
            "short": stretch.short}  # fmt: skip


def stretch_of_json(data: dict[str, Any]) -> Stretch:
    found = data["break"]
    broken = None if found is None else Break(int(found[0]), str(found[1]))
    walked = (broken, int(data["count"]), str(data["last_hash"]))
    return Stretch(data["start"], walked, bool(data["short"]))


def main() -> None:
    """Read a request as JSON on stdin (a URL is no command-line argument: ``ps`` shows
    those), write the answer as JSON on stdout."""
    json.dump(work(json.load(sys.stdin)), sys.stdout)


if __name__ == "__main__":
    main()
