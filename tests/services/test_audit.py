"""services.audit: the hash chain, and who may read it (SPEC §1.10)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from fpctl.clock import parse_instant
from fpctl.domain.actors import SYSTEM
from fpctl.errors import PermissionDenied
from fpctl.services import audit, audit_trail
from fpctl.services.audit import GENESIS, Entry
from fpctl.services.audit_trail import AuditFilter
from fpctl.store.tables import AuditRecord

AT = parse_instant("2026-11-01T10:00:00Z")


def rows(work: Any) -> list[dict[str, Any]]:
    with work(write=False) as ctx:
        return [
            r.model_dump() for r in ctx.session.exec(select(AuditRecord).order_by(AuditRecord.id))
        ]


def test_records_chain_each_hash_to_the_previous(work: Any) -> None:
    with work() as ctx:
        written = audit.record_many(
            ctx.session,
            SYSTEM,
            AT,
            [Entry("x.one", "t:1", None, {"a": (None, 1)}), Entry("x.two", "t:2", None, {})],
        )
        audit.record(
            ctx.session,
            SYSTEM,
            AT + timedelta(seconds=1),
            action="x.three",
            target="t:3",
            account_id=None,
        )
    assert written == 2
    chain = rows(work)
    assert [r["id"] for r in chain] == [1, 2, 3]
    assert chain[0]["prev_hash"] == GENESIS
    assert [r["prev_hash"] for r in chain[1:]] == [r["hash"] for r in chain[:-1]]
    with work(write=False) as ctx:
        broken, count, head = audit.verify(ctx.session)
    assert (broken, count, head) == (None, 3, chain[-1]["hash"])


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        (lambda chain: chain[1].update(target="t:9"), "its content does not match its hash"),
        (lambda chain: chain.pop(1), "record 2 is missing"),
        (
            lambda chain: chain[1].update(prev_hash=GENESIS),
            "its link to the previous record is broken",
        ),
    ],
)
def test_find_break_names_the_first_bad_record(work: Any, tamper: Any, problem: str) -> None:
    with work() as ctx:
        audit.record_many(
            ctx.session, SYSTEM, AT, [Entry(f"x.{n}", "t", None, {}) for n in range(3)]
        )
    chain = rows(work)
    tamper(chain)
    broken, count, _ = audit.find_break(iter(chain))
    assert broken is not None
    assert (broken.record_id, broken.problem, count) == (2, problem, 1)


def test_a_member_is_refused_before_any_record_is_read(work: Any, team: Any) -> None:
    with work(as_="mia@acme.test", write=False) as ctx, pytest.raises(PermissionDenied):
        audit_trail.list_records(ctx, AuditFilter())  # raises at the call, not on iteration


def test_filters_combine(work: Any, team: Any) -> None:
    with work(as_="ada@acme.test", write=False) as ctx:
        found = [
            r.action
            for r, slug in audit_trail.list_records(
                ctx, AuditFilter(action="team.*", actor="mia@acme.test")
            )
        ]
    assert found == ["team.accept"]


def _listed(work: Any, where: AuditFilter, **opened: Any) -> list[tuple[str, str]]:
    with work(write=False, **opened) as ctx:
        return [(r.action, r.target) for r, _ in audit_trail.list_records(ctx, where)]


def test_records_stream_in_chain_order_or_newest_first(work: Any, team: Any) -> None:
    with work(account="acme", write=False) as ctx:
        records = audit_trail.list_records(ctx, AuditFilter())
        assert iter(records) is records  # read as they are iterated, never as one list
        first = next(records)[0].id
        newest = next(audit_trail.list_records(ctx, AuditFilter(newest_first=True)))[0].id
    count = len(rows(work))
    assert (first, newest) == (1, count)


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (AuditFilter(action="team"), {"team.invite", "team.accept"}),
        (AuditFilter(action="Team.Invite"), {"team.invite"}),
        (AuditFilter(action="team.invite*"), {"team.invite"}),
        (AuditFilter(actor="member", action="account"), {"account.create"}),
        (AuditFilter(actor="freelancer"), set()),
        (AuditFilter(actor="ada@*"), {"account.create", "team.invite"}),
        (AuditFilter(target="member:2"), set()),  # accepting names the invitation
        (AuditFilter(target="account:1"), {"account.create"}),
        (AuditFilter(target="account:9"), set()),
        (AuditFilter(target="invitation:1"), {"team.invite", "team.accept"}),
        (AuditFilter(agent="nobody-like-this"), set()),
    ],
)
def test_filters_by_group_kind_and_object(
    work: Any, team: Any, where: AuditFilter, expected: set[str]
) -> None:
    assert {action for action, _ in _listed(work, where, account="acme")} == expected


def test_a_target_with_a_huge_id_finds_nothing(work: Any, acme: Any) -> None:
    """Beyond any id (PostgreSQL's INTEGER): matched as text, never compared as a number."""
    assert _listed(work, AuditFilter(target="account:99999999999999999999")) == []
