"""services.order_moves: the lifecycle, the buyer's lone cancel and its refund, and the
3-day auto-completion settler (SPEC §1.5, §3.6)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, func, select

from fpctl.clock import parse_instant
from fpctl.errors import NotFound, PermissionDenied, RuleViolation
from fpctl.services import settle
from fpctl.services.context import Context
from fpctl.services.orders import checkout, lifecycle
from fpctl.services.orders.checkout import OrderRequest
from fpctl.store.tables import Account, AuditRecord, Invoice, LedgerEntry, Order

AT = parse_instant("2026-11-01T10:00:00Z")
MIA = {"as_": "mia@acme.test"}
LENA = {"as_": "@lena"}
OTTO = {"as_": "@otto"}

Step = Callable[[Context, int], Any]
BUYER_STEPS: dict[str, Step] = {
    "requirements": lambda ctx, i: lifecycle.submit_requirements(ctx, i, "brief"),
    "accept": lifecycle.accept,
    "revision": lifecycle.ask_revision,
    "cancel": lifecycle.cancel,
}
SELLER_STEPS: dict[str, Step] = {
    "skip": lifecycle.skip_requirements,
    "deliver": lifecycle.deliver,
}


def place(work: Any, **request: Any) -> int:
    request.setdefault("freelancer", "lena")
    if "amount" not in request:
        request.setdefault("service_id", 1)
    with work(**MIA) as ctx:
        order = checkout.place(ctx, OrderRequest(**request)).order
        ctx.session.flush()
        assert order.id is not None
        return order.id


def step(work: Any, name: str, order_id: int, now: datetime = AT) -> Order:
    steps = {**BUYER_STEPS, **SELLER_STEPS}
    actor = LENA if name in SELLER_STEPS else MIA
    with work(**actor, now=now) as ctx:
        order = steps[name](ctx, order_id)
        ctx.session.flush()
        ctx.session.expunge(order)
        return order


def load(work: Any, order_id: int, now: datetime = AT) -> Order:
    with work(now=now) as ctx:
        order = ctx.session.get(Order, order_id)
        assert order is not None
        ctx.session.expunge(order)
        return order


def audit_count(work: Any) -> int:
    with work(write=False) as ctx:
        return ctx.session.exec(select(func.count()).select_from(AuditRecord)).one()


PATHS = {
    "awaiting_requirements": [],
    "in_progress": ["requirements"],
    "delivered": ["requirements", "deliver"],
    "in_revision": ["requirements", "deliver", "revision"],
    "completed": ["requirements", "deliver", "accept"],
    "cancelled": ["cancel"],
}
ALLOWED = {  # the statuses each move is allowed from, and where it leads
    "requirements": {"awaiting_requirements": "in_progress"},
    "skip": {"awaiting_requirements": "in_progress"},
    "deliver": {"in_progress": "delivered", "in_revision": "delivered"},
    "accept": {"delivered": "completed"},
    "revision": {"delivered": "in_revision"},
}


def in_status(work: Any, status: str) -> int:
    order_id = place(work)
    for name in PATHS[status]:
        step(work, name, order_id)
    return order_id


@pytest.mark.parametrize("status", list(PATHS))
@pytest.mark.parametrize("name", list(ALLOWED))
def test_moves_follow_the_status_table(shop: Any, work: Any, name: str, status: str) -> None:
    order_id = in_status(work, status)
    if status in ALLOWED[name]:
        assert step(work, name, order_id).status == ALLOWED[name][status]
        return
    before = audit_count(work)
    with pytest.raises(RuleViolation) as raised:
        step(work, name, order_id)
    assert raised.value.code == "invalid_transition"
    assert status in raised.value.message
    assert (load(work, order_id).status, audit_count(work)) == (status, before)


def test_roles_on_each_side(shop: Any, work: Any) -> None:
    order_id = in_status(work, "awaiting_requirements")
    for move in SELLER_STEPS.values():
        with pytest.raises(PermissionDenied), work(**MIA) as ctx:
            move(ctx, order_id)
        with pytest.raises(NotFound), work(**OTTO) as ctx:
            move(ctx, order_id)
    for move in BUYER_STEPS.values():
        with pytest.raises(PermissionDenied), work(**LENA) as ctx:
            move(ctx, order_id)


def test_revisions_are_counted(shop: Any, work: Any) -> None:
    order_id = in_status(work, "delivered")
    revised = step(work, "revision", order_id)
    assert (revised.revisions_used, revised.auto_complete_at) == (1, None)
    step(work, "deliver", order_id)
    with pytest.raises(RuleViolation) as raised:
        step(work, "revision", order_id)
    assert raised.value.code == "no_revisions_left"
    assert load(work, order_id).revisions_used == 1


# -- the lone cancel -------------------------------------------------------------------------


def test_cancel_refunds_credits_as_credits_and_the_rest_to_the_balance(
    shop: Any, work: Any
) -> None:
    with work(**MIA) as ctx:
        ctx.the_account.credits_cents, ctx.the_account.balance_cents = 2500, 1000
        ctx.session.add(ctx.the_account)
    order_id = place(work)
    cancelled = step(work, "cancel", order_id)
    assert (cancelled.status, cancelled.refunded_cents, cancelled.closed_at) == (
        "cancelled",
        10000,
        AT,
    )
    with work(write=False) as ctx:
        account = ctx.session.exec(select(Account)).one()
        assert (account.credits_cents, account.balance_cents) == (2500, 7500)
        credit = ctx.session.exec(select(Invoice).where(Invoice.kind == "credit")).one()
        assert (credit.amount_cents, credit.credits_cents, credit.balance_cents) == (
            10000,
            2500,
            7500,
        )
        refund = ctx.session.exec(select(LedgerEntry).where(LedgerEntry.kind == "refund")).one()
        assert (refund.credits_cents, refund.balance_cents, refund.order_id) == (
            2500,
            7500,
            order_id,
        )


def test_a_credits_only_refund_has_no_credit_invoice(shop: Any, work: Any) -> None:
    with work(**MIA) as ctx:
        ctx.the_account.credits_cents = 10000
        ctx.session.add(ctx.the_account)
    order_id = place(work)
    step(work, "cancel", order_id)
    with work(write=False) as ctx:
        assert ctx.session.exec(select(func.count()).select_from(Invoice)).one() == 0
        assert ctx.session.exec(select(Account)).one().credits_cents == 10000


@pytest.mark.parametrize(
    ("status", "past_due", "code"),
    [
        ("in_progress", timedelta(hours=24) - timedelta(seconds=1), "cancel_not_allowed"),
        ("in_progress", timedelta(hours=24), None),
        ("in_revision", timedelta(hours=24), None),
        ("delivered", timedelta(hours=30), "cancel_not_allowed"),  # before auto-complete
        ("completed", timedelta(days=30), "order_closed"),
    ],
)
def test_cancel_once_very_late(
    shop: Any, work: Any, status: str, past_due: timedelta, code: str | None
) -> None:
    due = AT + timedelta(days=1)
    order_id = place(work, due="2026-11-02T10:00:00Z")
    for name in PATHS[status]:
        step(work, name, order_id)
    if code is None:
        assert step(work, "cancel", order_id, now=due + past_due).status == "cancelled"
        return
    with pytest.raises(RuleViolation) as raised:
        step(work, "cancel", order_id, now=due + past_due)
    assert raised.value.code == code


# -- auto-completion ---------------------------------------------------------------------------


def test_auto_complete_as_of_the_window_closing(shop: Any, work: Any) -> None:
    order_id = in_status(work, "delivered")
    closes = AT + timedelta(days=3)
    assert load(work, order_id).auto_complete_at == closes
    with work(now=closes - timedelta(seconds=1)) as ctx:
        assert lifecycle.complete_due(Context.system(ctx.session, ctx.now)) == 0
    later = closes + timedelta(days=2)
    with work(now=AT) as ctx:  # settle by hand, long after
        assert lifecycle.complete_due(Context.system(ctx.session, later)) == 1
        assert lifecycle.complete_due(Context.system(ctx.session, later)) == 0
    order = load(work, order_id, now=later)
    assert (order.status, order.completed_at, order.auto_complete_at) == ("completed", closes, None)
    with work(write=False) as ctx:
        query = select(AuditRecord).where(AuditRecord.target == f"order:{order_id}")
        record = ctx.session.exec(query.order_by(col(AuditRecord.id).desc())).first()
        assert record is not None  # then the points it earned (rewards.earn, on the account)
        assert (record.action, record.actor) == ("order.auto_complete", "system")


def test_the_probe_agrees_with_the_settler(shop: Any, work: Any) -> None:
    in_status(work, "delivered")
    closes = AT + timedelta(days=3)
    with work(now=AT) as ctx:
        assert not settle.anything_due(ctx.session, closes - timedelta(seconds=1))
        assert settle.anything_due(ctx.session, closes)
        settle.settle_due(ctx.session, closes)
        assert not settle.anything_due(ctx.session, closes + timedelta(days=30))
