"""The audit trail: one record per change, in the change's transaction, hash-chained.

Each record's hash covers its content and the previous record's hash, so editing or
deleting any record breaks every hash after it (``verify``). Records get consecutive ids
assigned here, under the write lock every change holds.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from fpctl.clock import iso
from fpctl.domain.actors import Actor
from fpctl.domain.chain import GENESIS, HASHED_FIELDS, digest, encode_content
from fpctl.domain.ids import MAX_ID
from fpctl.errors import InvalidInput
from fpctl.services import money_seal
from fpctl.services.driver_rows import STORED, fetched
from fpctl.store.bulk import insert_rows
from fpctl.store.rows import table_of
from fpctl.store.tables import AuditRecord

_CHAIN_KEY = "fpctl_audit_chain"

Changes = Mapping[str, tuple[Any, Any]]


@dataclass(frozen=True)
class Entry:
    """One change to record: what happened to which object, with before/after values."""

    action: str
    target: str
    account_id: int | None
    changes: Changes


def canonical_changes(changes: Changes) -> str:
    plain = {key: [_plain(before), _plain(after)] for key, (before, after) in changes.items()}
    return json.dumps(plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    return value


def _chain_head(session: Session) -> tuple[int, str]:
    head = session.info.get(_CHAIN_KEY)
    if head is None:
        row = session.execute(
            text("SELECT id, hash FROM audit_record ORDER BY id DESC LIMIT 1")
        ).first()
        head = (row[0], row[1]) if row else (0, GENESIS)
    return head


def record_many(session: Session, actor: Actor, now: datetime, entries: Iterable[Entry]) -> int:
    """Append records for ``entries`` in order; returns how many were written."""
    session.flush()  # the data rows first: foreign keys, and the money rows to cover
    last_id, last_hash = _chain_head(session)
    rows: list[dict[str, Any]] = []
    for entry in entries:
        row: dict[str, Any] = {
            "id": last_id + 1,
            "at": now,
            "account_id": entry.account_id,
            "actor": actor.label,
            "actor_kind": actor.kind.value,
            "agent": actor.agent,
            "reason": actor.reason,
            "action": entry.action,
            "target": entry.target,
            "changes": canonical_changes(entry.changes),
            "prev_hash": last_hash,
            # The change's first record covers the money rows written so far.
            "covers": None if rows else money_seal.take_covers(session),
        }
        row["hash"] = digest(row)
        last_id, last_hash = row["id"], row["hash"]
        rows.append(row)
    if rows:
        insert_rows(session.connection(), table_of(AuditRecord), rows)
        session.info[_CHAIN_KEY] = (last_id, last_hash)
    return len(rows)


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


@dataclass(frozen=True)
class Break:
    record_id: int
    problem: str


#: The columns the chain is read in: HASHED_FIELDS, then the record's hash and ``covers``.
CHAIN_COLUMNS = (*HASHED_FIELDS, "hash", "covers")
_CHAIN_SQL = f"SELECT {', '.join(CHAIN_COLUMNS)} FROM audit_record ORDER BY id"


def find_break(rows: Iterator[Mapping[str, Any]]) -> tuple[Break | None, int, str]:
    """Walk the chain in id order: the first bad record (or None), the count, the head hash."""
    return walk_chain(tuple(row[name] for name in CHAIN_COLUMNS) for row in rows)


def walk_chain(rows: Iterable[Sequence[Any]]) -> tuple[Break | None, int, str]:
    """``find_break`` over plain rows in CHAIN_COLUMNS order, ``at`` as stored (text, or
    a datetime): the chain's hot loop, a million records a few seconds."""
    expected_id, prev_hash, count = 1, GENESIS, 0
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
        content = [id_, at, account_id, actor, actor_kind, agent, reason, action, target, changes]
        content.append(link)
        if covers is not None:
            content.append(covers)
        if sha256(encode(content).encode()).hexdigest() != hash_:
            return Break(id_, "its content does not match its hash"), count, prev_hash
        expected_id, prev_hash, count = id_ + 1, hash_, count + 1
    return None, count, prev_hash


def verify(session: Session) -> tuple[Break | None, int, str]:
    """Check the whole chain; returns the first break (or None), the count, the head hash.
    Read with the driver's own cursor, in the session's transaction, a batch at a time."""
    with fetched(session.connection(), _CHAIN_SQL, name="fpctl_audit_chain") as rows:
        return walk_chain(rows)


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


def iso_at(value: Any) -> str | None:
    """A record's ``at`` as its digest sees it: the driver's datetime, or SQLite's text
    (parsed by ``datetime.fromisoformat``; the form SQLite keeps is cut into ISO form
    once that parse has shown it a real instant)."""
    if type(value) is str and STORED.fullmatch(value):
        datetime.fromisoformat(value)  # not 2026-02-30: raises as it always did
        return f"{value[:10]}T{value[11:19]}Z"
    return iso(value if isinstance(value, datetime) else datetime.fromisoformat(value))
