"""Every money and points row is backed by the audit record of the change that wrote it.

Each ledger or rewards row a session flushes waits in the session until the change's next
audit record, whose ``covers`` then names it and seals its content (domain/chain.py); the
record's hash covers ``covers``, so neither can be edited without breaking the chain. A
change must record its audit after its money rows: a commit with rows still waiting is a
bug, refused before anything is written (``_refuse_uncovered``).

``db check`` then proves the seal over the whole store (``backed``): every row is covered
by exactly one record, and every covered row exists with the content it was sealed with. A
row forged with a matching balance, a deleted card charge, an edited points entry: each is
a row no record covers, a covered row missing, or a digest that no longer matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from hashlib import sha256
from typing import Any

from sqlalchemy import Connection, event, inspect, select
from sqlalchemy.orm import Session, UOWTransaction

from fpctl.domain.chain import COVERED_FIELDS, RowDigest, covers, parse_covers
from fpctl.domain.jsontext import compact
from fpctl.domain.words import counted
from fpctl.services.checks import MAX_PROBLEMS, Check
from fpctl.services.driver_rows import fetched, iso_reader
from fpctl.store.rows import table_of
from fpctl.store.tables import LedgerEntry, RewardEntry

_WAITING_KEY = "fpctl_money_rows"
_SEALED: dict[type, str] = {LedgerEntry: "ledger_entry", RewardEntry: "reward_entry"}


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _flush: UOWTransaction) -> None:
    for row in session.new:
        if type(row) in _SEALED:
            session.info.setdefault(_WAITING_KEY, []).append(row)


def _waiting(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """The rows waiting for a record, by table; rows a savepoint rolled back are gone."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for row in session.info.pop(_WAITING_KEY, []):
        if inspect(row).persistent:
            table = _SEALED[type(row)]
            rows.setdefault(table, []).append(
                tuple(getattr(row, name) for name in COVERED_FIELDS[table])
            )
    return rows


@event.listens_for(Session, "before_commit")
def _refuse_uncovered(session: Session) -> None:
    session.flush()
    if _waiting(session):
        raise AssertionError("money rows were written after the change's last audit record")


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_WAITING_KEY, None)


def take_covers(session: Session) -> str | None:
    """The ``covers`` of the record about to be written: the rows waiting, now covered."""
    waiting = _waiting(session)
    return covers(waiting) if waiting else None


# -- the proof -------------------------------------------------------------------------------


class _Claims:
    """Who covers what: each record's ranges, and each record's expected digest."""

    def __init__(self, connection: Connection) -> None:
        self.spans: dict[str, list[tuple[int, int, int]]] = {t: [] for t in COVERED_FIELDS}
        self.sealed: dict[int, str] = {}
        rows = connection.exec_driver_sql(
            "SELECT id, covers FROM audit_record WHERE covers IS NOT NULL ORDER BY id"
        )
        for record_id, text in rows:
            ranges, sha = parse_covers(text)
            self.sealed[record_id] = sha
            for table, spans in ranges.items():
                self.spans[table] += [(first, last, record_id) for first, last in spans]
        for claimed in self.spans.values():
            claimed.sort()


Found = tuple[str | None, int | None, tuple[Any, ...] | None]  # problem, record, row


def _walk(connection: Connection, table: str, spans: list[tuple[int, int, int]]) -> Iterator[Found]:
    """Merge the table's rows (by id) with the spans that claim them: yields the covering
    record of every row, a problem for every row no span claims, and a problem for every
    claimed id that has no row."""
    columns = table_of(LedgerEntry if table == "ledger_entry" else RewardEntry).c
    query = select(*(columns[name] for name in COVERED_FIELDS[table])).order_by(columns["id"])
    index = 0
    expected = spans[0][0] if spans else 0  # the next id the current span claims
    for row in connection.execute(query):
        row_id = row[0]
        while index < len(spans) and spans[index][1] < row_id:
            yield from _missing(table, spans[index], expected, spans[index][1])
            index += 1
            expected = spans[index][0] if index < len(spans) else 0
        if index < len(spans) and spans[index][0] <= row_id:
            yield from _missing(table, spans[index], expected, row_id - 1)
            expected = row_id + 1
            yield None, spans[index][2], tuple(row)
        else:
            yield f"{table} {row_id} is backed by no audit record", None, None
    for span in spans[index:]:
        yield from _missing(table, span, max(expected, span[0]), span[1])
        expected = 0


def _missing(table: str, span: tuple[int, int, int], first: int, last: int) -> Iterator[Found]:
    first = max(first, span[0])
    if first > last:
        return
    ids = f"{first}" if first == last else f"{first} to {last}"
    yield f"audit record {span[2]} covers {table} {ids}, which is missing", None, None


def backed(connection: Connection, tables: set[str]) -> Check:
    """Every ledger and points row is covered by one audit record with its sealed content."""
    if not {"audit_record", *COVERED_FIELDS} <= tables:
        return Check("money_backed", False, "the store lacks its ledger, points or audit tables")
    rows = _sealed_in_order(connection)
    if rows is None:  # something is off: find every problem, holding every claim
        return _backed_in_memory(connection)
    detail = f"{rows} ledger and points rows, each backed by its audit record"
    return Check("money_backed", True, detail)


def _sealed_in_order(connection: Connection) -> int | None:
    """The proof for a store whose records claim their rows in order, streamed: records
    with ``covers`` in id order, each claiming the next rows of each table by id, every
    row claimed, every digest right. Returns how many rows it proved, or None at the first
    thing out of the ordinary (a problem, or claims out of order, which concurrent changes
    can make on PostgreSQL); ``_backed_in_memory`` then says what, as it always did."""
    with ExitStack() as stack:
        claims = stack.enter_context(fetched(connection, _CLAIMS_SQL, name="fpctl_claims"))
        unread = {
            table: map(
                _digest_line(connection, table),
                stack.enter_context(fetched(connection, sql, name=f"fpctl_{table}")),
            )
            for table, sql in _ROWS_SQL.items()
        }
        rows = 0
        for _, text in claims:
            for_rows, sha = _claimed(text)
            digest = sha256()
            for table, first, last in for_rows:
                lines = unread[table]
                for expected in range(first, last + 1):
                    line = next(lines, None)
                    if line is None or line[1] != expected:
                        return None  # a row missing, or one no record claims
                    digest.update(f"{compact(line)}\n".encode())  # RowDigest.add_plain's
                    rows += 1
            if digest.hexdigest() != sha:
                return None
        if any(next(left, None) is not None for left in unread.values()):
            return None  # rows after the last claimed one
    return rows


#: The ``covers`` of a record that wrote rows of one table with consecutive ids, the
#: form nearly every record has: read without a JSON parser (what ``json.loads`` reads
#: from it, no more: other forms go through ``parse_covers``).
_ONE_SPAN = re.compile(
    r'\{"(ledger_entry|reward_entry)":\[\[(0|[1-9][0-9]{0,17}),(0|[1-9][0-9]{0,17})\]\],'
    r'"sha256":"([0-9a-f]{64})"\}'
)


def _claimed(text: str) -> tuple[Sequence[tuple[str, int, int]], str]:
    """A record's ``covers`` as (table, first id, last id) in digest order, and its sha."""
    one = _ONE_SPAN.fullmatch(text)
    if one is not None:
        table, first, last, sha = one.groups()
        return ((table, int(first), int(last)),), sha
    spans, sha = parse_covers(text)
    return [(table, first, last) for table, ranges in spans.items() for first, last in ranges], sha


_CLAIMS_SQL = "SELECT id, covers FROM audit_record WHERE covers IS NOT NULL ORDER BY id"
_ROWS_SQL = {
    table: f"SELECT {', '.join(names)} FROM {table} ORDER BY id"
    for table, names in COVERED_FIELDS.items()
}


def _digest_line(connection: Connection, table: str) -> Callable[[Sequence[Any]], list[Any]]:
    """A covered row from the driver as its digest's line holds it: the table, then the
    values with ``at``, the third column, in the ISO form the ORM's instant would give
    (domain/chain.py's ``plain_row``)."""
    iso_of = iso_reader(connection.dialect)
    return lambda row: [table, row[0], row[1], iso_of(row[2]), *row[3:]]


def _backed_in_memory(connection: Connection) -> Check:
    """Every problem of the seal, with every claim held in memory (any order of claims)."""
    claims = _Claims(connection)
    digests: dict[int, RowDigest] = {}
    problems: list[str] = []
    rows = 0
    for table, spans in claims.spans.items():
        for problem, record_id, row in _walk(connection, table, spans):
            if problem is not None:
                problems.append(problem)
            elif record_id is not None and row is not None:
                digests.setdefault(record_id, RowDigest()).add(table, row)
                rows += 1
    for record_id, sha in claims.sealed.items():
        found = digests.get(record_id)
        if found is not None and found.hexdigest() != sha:
            problems.append(f"the rows audit record {record_id} covers were changed")
    if not problems:
        detail = f"{rows} ledger and points rows, each backed by its audit record"
        return Check("money_backed", True, detail)
    return Check("money_backed", False, counted(len(problems), "problem"), problems[:MAX_PROBLEMS])
