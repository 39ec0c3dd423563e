"""Orders placed and moved together (``checkout.place_many``, ``lifecycle.move_many``), as
``demo seed`` makes the orders of one instant: each one is decided as if the ones before it
were made (limits count them, charges take what they left), a refused one changes nothing
and the others are made; the audit trail is the one the same steps made one by one write."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlmodel import col, select

from fpctl.errors import NotFound, RuleViolation
from fpctl.services import audit
from fpctl.services.actors import member_actor
from fpctl.services.context import Context
from fpctl.services.orders import cancellations, checkout, lifecycle
from fpctl.services.orders.checkout import OrderRequest, Placed
from fpctl.services.team.policies import PolicySpec
from fpctl.store.tables import AuditRecord, LedgerEntry, Member, Order
from tests.services.test_checkout import ADA, AT, MIA, add_policy, fund, place, split_of


def as_member(ctx: Context, email: str) -> Context:
    member = ctx.session.exec(select(Member).where(Member.email == email)).one()
    return replace(ctx, actor=member_actor(member))


def fixed(amount: str) -> OrderRequest:
    return OrderRequest(freelancer="lena", amount=amount)


def audit_trail(work: Any) -> list[tuple[str, str, str]]:
    with work(write=False) as ctx:
        rows = ctx.session.exec(select(AuditRecord).order_by(col(AuditRecord.id))).all()
        return [(r.actor, r.action, r.target) for r in rows]


def test_placed_in_turn_limits_count_the_orders_before_and_a_refusal_changes_nothing(
    shop: Any, work: Any
) -> None:
    add_policy(
        work, "purchase-limit", amount="50", per="month", applies_to="members", advanced=True
    )
    fund(work, credits=3000, balance=2000)
    before = audit_trail(work)
    with work(**ADA, now=AT) as ada:
        mia = as_member(ada, "mia@acme.test")
        outcomes = checkout.place_many(
            [(mia, fixed("30")), (mia, fixed("20")), (mia, fixed("0.01")), (ada, fixed("500"))]
        )
    first, second, refused, third = outcomes
    assert isinstance(refused, RuleViolation) and refused.code == "purchase_limit_exceeded"
    assert "($50.00 already placed this month)" in str(refused)
    placed = [first, second, third]
    assert all(isinstance(p, Placed) for p in placed)
    ids = [p.order.id for p in placed if isinstance(p, Placed)]
    # credits, then the balance, then the card: each charge takes what the one before left
    assert [split_of(work, order_id) for order_id in ids] == [
        [(3000, 0, 0)],
        [(0, 2000, 0)],
        [(0, 0, 50000)],
    ]
    with work(write=False) as ctx:
        entries = ctx.session.exec(select(LedgerEntry).order_by(col(LedgerEntry.id))).all()
        assert [(e.credits_after_cents, e.balance_after_cents) for e in entries[-3:]] == [
            (0, 2000),
            (0, 0),
            (0, 0),
        ]
        assert ctx.session.exec(select(Order)).all().__len__() == 3
        assert audit.verify(ctx.session)[0] is None  # no break in the chain
    assert audit_trail(work)[len(before) :] == [
        ("mia@acme.test", "order.place", f"order:{ids[0]}"),
        ("mia@acme.test", "order.place", f"order:{ids[1]}"),
        ("ada@acme.test", "order.place", f"order:{ids[2]}"),
    ]


def test_a_held_order_counts_for_the_next_ones_and_asks_for_approval(shop: Any, work: Any) -> None:
    with work(**ADA) as ctx:
        from fpctl.services.team import policies

        policies.add(ctx, PolicySpec(kind="order-approval", over="40"))
    with work(**MIA, now=AT) as mia:
        held, started = checkout.place_many([(mia, fixed("45")), (mia, fixed("40"))])
    assert isinstance(held, Placed) and isinstance(started, Placed)
    assert held.order.status == "awaiting_approval" and held.approval is not None
    assert held.payment is None and split_of(work, held.order.id or 0) == []
    assert started.order.status == "awaiting_requirements" and started.approval is None
    trail = audit_trail(work)[-3:]
    assert [action for _, action, _ in trail] == ["order.place", "approval.request", "order.place"]
    assert trail[1][2] == f"approval:{held.approval.id} order:{held.order.id}"


def test_moves_made_together_refuse_one_by_one(shop: Any, work: Any) -> None:
    orders = [place(work) for _ in range(3)]
    for order in orders:
        with work(**MIA) as ctx:
            lifecycle.submit_requirements(ctx, order.id or 0, "A fox")
    with work(as_="@lena") as lena:
        cancellations.request(lena, orders[2].id or 0, "Out of office")
    before = audit_trail(work)
    with work(as_="@lena") as lena:
        outcomes = lifecycle.deliver_many(
            [(lena, orders[0].id or 0), (lena, 999), (lena, orders[2].id or 0)]
        )
    delivered, missing, on_hold = outcomes
    assert isinstance(delivered, Order) and delivered.status == "delivered"
    assert isinstance(missing, NotFound)
    assert isinstance(on_hold, RuleViolation) and on_hold.code == "cancellation_open"
    assert audit_trail(work)[len(before) :] == [("@lena", "order.deliver", f"order:{orders[0].id}")]
    with work(write=False) as ctx:
        statuses = [ctx.session.get(Order, order.id).status for order in orders]  # type: ignore[union-attr]
    assert statuses == ["delivered", "in_progress", "in_progress"]


def test_a_member_moves_only_the_orders_they_see(shop: Any, work: Any) -> None:
    """Orders are found with one query per actor: each actor still finds only their own."""
    mine = place(work)
    theirs = place(work, {"as_": "max@acme.test"})
    with work(**MIA) as mia:
        outcomes = lifecycle.submit_requirements_many(
            [(mia, mine.id or 0, "A fox"), (mia, theirs.id or 0, "A fox")]
        )
    assert isinstance(outcomes[0], Order)
    assert isinstance(outcomes[1], NotFound)
