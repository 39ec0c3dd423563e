"""The set-based audit writer writes the very chain the one-at-a-time form did: the same
canonical ``changes`` text and the same hashes, so stores written before and after it verify
alike (issue 13, item 2)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from fpctl.clock import iso, parse_instant
from fpctl.domain.actors import SYSTEM
from fpctl.services import audit
from fpctl.services.audit import GENESIS, Entry, canonical_changes

AT = parse_instant("2026-11-01T10:00:00Z")
OPERATOR = replace(SYSTEM, agent="ops", reason="ticket «7»")  # every hashed field set

ENTRIES = [
    Entry("team.invite", "invitation:1 zoë@acme.test", None, {"role": (None, "member")}),
    Entry("x.many", "t:2", None, {"z": (1, 2), "a": (None, True), "m": (False, -7)}),
    Entry("x.instant", "t:3", None, {"expires_at": (AT, AT + timedelta(days=30))}),
    Entry("x.text", 't:4 «quoted» "x"\n', None, {"name": ("Ada \\ 😀", "\u200bbidi\u202e")}),
    Entry("x.nested", "t:5", None, {"tags": (["a", 1], {"k": None})}),
    Entry("x.empty", "t:6", None, {}),
]


def _reference_changes(changes: Any) -> str:
    """``changes`` as the audit trail has always written it (before the set-based writer)."""
    plain = {
        key: [iso(v) if isinstance(v, datetime) else v for v in pair]
        for key, pair in changes.items()
    }
    return json.dumps(plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _reference_chain(entries: list[Entry], actor: Any, at: datetime) -> list[tuple[Any, ...]]:
    """The records one at a time, hashed as ``chain.digest`` always did (no money covered)."""
    rows, prev = [], GENESIS
    for number, entry in enumerate(entries, start=1):
        changes = _reference_changes(entry.changes)
        content = [number, iso(at), entry.account_id, actor.label, actor.kind.value]
        content += [actor.agent, actor.reason, entry.action, entry.target, changes, prev]
        payload = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        prev = hashlib.sha256(payload.encode()).hexdigest()
        rows.append((number, entry.action, entry.target, changes, content[-1], prev))
    return rows


def _stored(work: Any) -> list[tuple[Any, ...]]:
    with work(write=False) as ctx:
        result = ctx.session.execute(
            text(
                "SELECT id, action, target, changes, prev_hash, hash FROM audit_record ORDER BY id"
            )
        )
        return [tuple(row) for row in result]


def test_a_bulk_written_chain_is_the_one_at_a_time_chain(work: Any) -> None:
    with work() as ctx:
        assert audit.record_many(ctx.session, OPERATOR, AT, ENTRIES) == len(ENTRIES)

    assert _stored(work) == _reference_chain(ENTRIES, OPERATOR, AT)
    with work(write=False) as ctx:
        broken, count, _ = audit.verify(ctx.session)
    assert (broken, count) == (None, len(ENTRIES))


def test_records_written_one_at_a_time_then_in_bulk_make_one_chain(work: Any) -> None:
    with work() as ctx:
        for entry in ENTRIES[:2]:  # one record per call, as single commands write them
            audit.record(
                ctx.session,
                OPERATOR,
                AT,
                action=entry.action,
                target=entry.target,
                account_id=entry.account_id,
                changes=entry.changes,
            )
    with work() as ctx:  # then the rest in one call, in a later transaction
        audit.record_many(ctx.session, OPERATOR, AT, iter(ENTRIES[2:]))

    assert _stored(work) == _reference_chain(ENTRIES, OPERATOR, AT)
    with work(write=False) as ctx:
        assert audit.verify(ctx.session)[:2] == (None, len(ENTRIES))


def test_no_entries_write_nothing(work: Any) -> None:
    with work() as ctx:
        assert audit.record_many(ctx.session, OPERATOR, AT, []) == 0
    assert _stored(work) == []


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | st.datetimes(timezones=st.just(parse_instant("2026-01-01T00:00:00Z").tzinfo))
)


@given(st.dictionaries(st.text(), st.tuples(_SCALARS, _SCALARS), max_size=6))
def test_the_canonical_encoding_is_json_dumps_sorted_compact(changes: Any) -> None:
    assert canonical_changes(changes) == _reference_changes(changes)
