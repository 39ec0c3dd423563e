"""The audit trail: one record per change, in the change's transaction, hash-chained.

Each record's hash covers its content and the previous record's hash, so editing or
deleting any record breaks every hash after it (``verify``). Records get consecutive ids
assigned here, under the write lock every change holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import groupby
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlmodel import Session

from fpctl.clock import iso
from fpctl.domain.actors import Actor
from fpctl.domain.chain import GENESIS, digest
from fpctl.domain.ids import MAX_ID
from fpctl.domain.jsontext import compact_encoder
from fpctl.errors import InvalidInput
from fpctl.services import money_seal
from fpctl.services.chain_ranges import verified_aside
from fpctl.services.chain_walk import CHAIN_COLUMNS, Break, walk_chain
from fpctl.store.bulk import insert_values, instant_param
from fpctl.store.rows import table_of
from fpctl.store.tables import AuditRecord

_CHAIN_KEY = "fpctl_audit_chain"

Changes = Mapping[str, tuple[Any, Any]]


class Entry(NamedTuple):
    """One change to record: what happened to which object, with before/after values (a
    named tuple: a bulk run makes one per row, at a third of a frozen dataclass's cost)."""

    action: str
    target: str
    account_id: int | None
    changes: Changes


def _instant_text(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


#: ``json.dumps(changes, sort_keys=True, …)`` with instants as ``iso`` text, the encoder
#: made once (a bulk run encodes 100,000 changes); tuples come out as lists.
_encode_changes = compact_encoder(sort_keys=True, default=_instant_text)


def canonical_changes(changes: Changes) -> str:
    """A change's ``changes`` column: canonical JSON, part of the record's hashed content."""
    return _encode_changes(changes if type(changes) is dict else dict(changes))


def _chain_head(session: Session) -> tuple[int, str]:
    head = session.info.get(_CHAIN_KEY)
    if head is None:
        row = session.execute(
            text("SELECT id, hash FROM audit_record ORDER BY id DESC LIMIT 1")
        ).first()
        head = (row[0], row[1]) if row else (0, GENESIS)
    return head


def record_many(session: Session, actor: Actor, now: datetime, entries: Iterable[Entry]) -> int:
    """Append records for ``entries`` in order; returns how many were written.

    Set-based: one dict is the digest's view of every record in turn (only what differs is
    set), each row's values are prepared as the tuple the driver takes, and all of them go
    in one executemany."""
    session.flush()  # the data rows first: foreign keys, and the money rows to cover
    last_id, last_hash = _chain_head(session)
    connection = session.connection()
    stamp = instant_param(connection, now)
    label, kind, agent, reason = actor.label, actor.kind.value, actor.agent, actor.reason
    record: dict[str, Any] = {"at": now, "actor": label, "actor_kind": kind}
    record |= {"agent": agent, "reason": reason}
    values: list[tuple[Any, ...]] = []
    append = values.append
    for entry in entries:
        # The change's first record covers the money rows written so far.
        covers = None if values else money_seal.take_covers(session)
        last_id += 1
        changes = canonical_changes(entry.changes)
        record["id"] = last_id
        record["account_id"] = entry.account_id
        record["action"] = entry.action
        record["target"] = entry.target
        record["changes"] = changes
        record["prev_hash"] = last_hash
        record["covers"] = covers
        hash_ = digest(record)
        append(
            (
                last_id,
                stamp,
                entry.account_id,
                label,
                kind,
                agent,
                reason,
                entry.action,
                entry.target,
                changes,
                last_hash,
                hash_,
                covers,
            )
        )
        last_hash = hash_
    if values:
        insert_values(connection, table_of(AuditRecord), CHAIN_COLUMNS, values)
        session.info[_CHAIN_KEY] = (last_id, last_hash)
    return len(values)


def record_each(session: Session, records: Sequence[tuple[Actor, datetime, Entry]]) -> int:
    """Append records made by several actors or at several instants, in order: each run
    of the same actor and instant in one ``record_many``."""
    written = 0
    for (actor, now), run in groupby(records, key=lambda made: (made[0], made[1])):
        written += record_many(session, actor, now, [entry for _, _, entry in run])
    return written


def record(
    session: Session,
    actor: Actor,
    now: datetime,
    *,
    action: str,
    target: str,
    account_id: int | None,
    changes: Changes | None = None,
) -> None:
    record_many(session, actor, now, [Entry(action, target, account_id, changes or {})])


def record_on_account(
    session: Session,
    actor: Actor,
    now: datetime,
    account: Any,
    *,
    action: str,
    changes: Changes,
) -> None:
    """A change of the account itself (its plan, money, points, billing details)."""
    record(
        session,
        actor,
        now,
        action=action,
        target=f"account:{account.slug}",
        account_id=account.id,
        changes=changes,
    )


def find_break(rows: Iterator[Mapping[str, Any]]) -> tuple[Break | None, int, str]:
    """Walk the chain in id order: the first bad record (or None), the count, the head hash."""
    return walk_chain(tuple(row[name] for name in CHAIN_COLUMNS) for row in rows)


def verify(session: Session) -> tuple[Break | None, int, str]:
    """Check the whole chain; returns the first break (or None), the count, the head hash.
    Read with the driver's own cursor, in the session's transaction, a batch at a time;
    a long chain in ranges, one per core (services/chain_ranges.py)."""
    with verified_aside(session.connection(), walk_first=True) as result:
        return result()


def anchor(records: int, head: str) -> str:
    """The trail's head as one token, ``N:HASH``: written down, it proves later that no
    record up to N was cut or rewritten (every later record's hash depends on it)."""
    return f"{records}:{head}"


_ANCHOR = re.compile(r"([0-9]{1,18}):([0-9a-f]{64})")  # a count, not a 5,000-digit number


def parse_anchor(text: str) -> tuple[int, str]:
    found = _ANCHOR.fullmatch(text.strip().casefold())
    if found is None:
        raise InvalidInput(
            f"{text!r} is not an audit anchor",
            hint="`fpctl audit verify --head` prints one: N:HASH (64 hex digits)",
        )
    return int(found.group(1)), found.group(2)


def cut_before(session: Session, wanted: tuple[int, str]) -> str | None:
    """Why the trail no longer extends the anchor ``wanted`` (None when it does)."""
    records, head = wanted
    if records == 0:
        return None
    if records > MAX_ID:
        return f"record {records} is gone"
    query = text("SELECT hash FROM audit_record WHERE id = :id")
    found = session.connection().execute(query, {"id": records}).first()
    if found is None:
        return f"record {records} is gone"
    if found[0] != head:
        return f"record {records} has another hash"
    return None
