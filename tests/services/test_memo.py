"""services.memo in a shared transaction: a lookup kept for the next unit of work is looked
up again after a change to what it read, written or still pending (as its own query would
have flushed it first)."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from fpctl.domain.enums import Role
from fpctl.services.work import shared_work, unit_of_work
from fpctl.store.tables import Member
from tests.conftest import NOW

ADA = "ada@acme.test"


def _role(shared: Any) -> Role | None:
    with unit_of_work(as_=ADA, now=NOW, write=True, join=shared) as ctx:
        return ctx.actor.role


def _ada(shared: Any) -> Member:
    return shared.session.exec(select(Member).where(Member.email == ADA)).one()


def test_the_actor_is_resolved_once_then_again_after_a_pending_change(
    store: Any, acme: str
) -> None:
    with shared_work(store, now=NOW, dry_run=True) as shared:
        assert _role(shared) is Role.ADMIN
        assert _role(shared) is Role.ADMIN  # kept
        _ada(shared).role = Role.MEMBER  # changed, not yet written
        assert _role(shared) is Role.MEMBER


def test_a_change_written_with_sql_forgets_the_actor(store: Any, acme: str) -> None:
    from sqlalchemy import text

    with shared_work(store, now=NOW, dry_run=True) as shared:
        assert _role(shared) is Role.ADMIN
        shared.session.execute(
            text("UPDATE member SET role = 'member' WHERE email = :email"), {"email": ADA}
        )
        shared.session.expire_all()
        assert _role(shared) is Role.MEMBER


def test_no_memo_outside_a_shared_transaction(store: Any, acme: str) -> None:
    from fpctl.services import memo

    with unit_of_work(store, as_=ADA, now=NOW) as ctx:
        assert memo.of(ctx.session) is None
