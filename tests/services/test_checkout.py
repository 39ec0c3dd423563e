"""services.checkout: what an order buys, the policies that hold or refuse it, and the first
payment (credits, then balance, then the card) (SPEC §1.4, §1.5)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, func, select

from fpctl.clock import parse_instant
from fpctl.domain.enums import ApprovalStatus
from fpctl.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from fpctl.services import approvals
from fpctl.services.orders import checkout, lifecycle
from fpctl.services.orders.checkout import OrderRequest
from fpctl.services.team.policies import PolicySpec
from fpctl.store.tables import (
    Account,
    ApprovalRequest,
    AuditRecord,
    Invoice,
    LedgerEntry,
    Order,
    OrderMilestone,
    PaymentMethod,
    Project,
)

AT = parse_instant("2026-11-01T10:00:00Z")
MIA = {"as_": "mia@acme.test"}
ADA = {"as_": "ada@acme.test"}
COUNTED = (Order, OrderMilestone, Invoice, LedgerEntry, ApprovalRequest, AuditRecord)


def fund(work: Any, *, credits: int = 0, balance: int = 0, card: bool = True) -> None:
    with work(**ADA) as ctx:
        ctx.the_account.credits_cents = credits
        ctx.the_account.balance_cents = balance
        ctx.session.add(ctx.the_account)
        if not card:
            for method in ctx.session.exec(select(PaymentMethod)).all():
                method.removed_at, method.is_default = AT - timedelta(hours=1), False
                ctx.session.add(method)


def place(work: Any, actor: dict[str, Any] = MIA, now: Any = AT, **request: Any) -> Order:
    request.setdefault("freelancer", "lena")
    if not {"amount", "milestones", "hourly"} & request.keys():
        request.setdefault("service_id", 1)
    with work(**actor, now=now) as ctx:
        placed = checkout.place(ctx, OrderRequest(**request))
        ctx.session.flush()
        ctx.session.expunge(placed.order)
        return placed.order


def counts(work: Any) -> dict[str, Any]:
    with work(write=False) as ctx:
        tally = {
            table.__name__: ctx.session.exec(select(func.count()).select_from(table)).one()
            for table in COUNTED
        }
        acme = ctx.session.exec(select(Account)).one()
        tally["funds"] = (acme.credits_cents, acme.balance_cents)
        return tally


def refuses(work: Any, error: type[Exception], code: str | None, **request: Any) -> None:
    before = counts(work)
    actor = request.pop("actor", MIA)
    with pytest.raises(error) as raised:
        place(work, actor, **request)
    if code is not None:
        assert raised.value.code == code  # type: ignore[attr-defined]
    assert counts(work) == before


def split_of(work: Any, order_id: int) -> list[tuple[int, int, int]]:
    with work(write=False) as ctx:
        rows = ctx.session.exec(
            select(LedgerEntry)
            .where(LedgerEntry.order_id == order_id)
            .order_by(col(LedgerEntry.id))
        ).all()
        return [(-e.credits_cents, -e.balance_cents, e.method_cents) for e in rows]


def order_invoices(work: Any, order_id: int) -> list[tuple[str, int]]:
    with work(write=False) as ctx:
        rows = ctx.session.exec(select(Invoice).where(Invoice.order_id == order_id)).all()
        return [(i.kind, i.amount_cents) for i in rows]


def add_policy(work: Any, kind: str, **values: Any) -> None:
    from fpctl.services.team import policies

    with work(**ADA) as ctx:
        if values.pop("advanced", False):
            ctx.the_account.plan = "advanced"
            ctx.session.add(ctx.the_account)
        policies.add(ctx, PolicySpec(kind=kind, **values))


# -- payment ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("funds", "split", "invoiced"),
    [
        ((0, 0), (0, 0, 10000), True),
        ((3000, 5000), (3000, 5000, 2000), True),
        ((0, 10000), (0, 10000, 0), True),
        ((10000, 0), (10000, 0, 0), False),
        ((25000, 25000), (10000, 0, 0), False),
        ((9999, 0), (9999, 0, 1), True),
    ],
)
def test_credits_then_balance_then_the_card(
    shop: Any, work: Any, funds: tuple[int, int], split: tuple[int, int, int], invoiced: bool
) -> None:
    credits, balance = funds
    fund(work, credits=credits, balance=balance)
    order = place(work)
    assert (order.paid_cents, order.paid_credits_cents) == (10000, split[0])
    assert split_of(work, order.id) == [split]
    assert order_invoices(work, order.id) == ([("invoice", 10000)] if invoiced else [])
    assert counts(work)["funds"] == (credits - split[0], balance - split[1])


def test_without_a_card_funds_must_cover_the_order(shop: Any, work: Any) -> None:
    fund(work, credits=4000, balance=5999, card=False)
    refuses(work, RuleViolation, "insufficient_funds")
    order = place(work, amount="99.99")
    assert split_of(work, order.id) == [(4000, 5999, 0)]


def test_the_first_charge_of_milestones_and_hourly(shop: Any, work: Any) -> None:
    staged = place(work, milestones=["Design=30", "Build=70.50"])
    assert (staged.kind, staged.total_cents, staged.paid_cents) == ("milestones", 10050, 3000)
    with work(write=False) as ctx:
        charged = ctx.session.exec(
            select(OrderMilestone.position, OrderMilestone.charged_at)
            .where(OrderMilestone.order_id == staged.id)
            .order_by(col(OrderMilestone.position))
        ).all()
    assert charged == [(1, AT), (2, None)]
    hourly = place(work, hourly=True, rate="40", estimate=10, weekly_limit=20)
    assert (hourly.kind, hourly.total_cents, hourly.paid_cents) == ("hourly", 40000, 500)
    assert (hourly.hourly_rate_cents, hourly.weekly_limit_hours, hourly.estimate_hours) == (
        4000,
        20,
        10,
    )


# -- what is bought --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_",
    [
        {"quantity": 0},
        {"quantity": 1001},
        {"service_id": 1, "amount": "10"},
        {"freelancer": "lena", "service_id": None},
        {"amount": "0"},
        {"amount": "10000000.01"},
        {"amount": "5000000.01", "quantity": 2},
        {"amount": "10", "due": "2026-11-01T10:00:00Z"},
        {"milestones": ["A=1"]},
        {"milestones": ["A=1"] * 6},
        {"milestones": ["A=1", "B"]},
        {"milestones": ["A=1", "B=2"], "amount": "3"},
        {"milestones": ["A=1", "B=2"], "quantity": 2},
        {"milestones": ["A=1", "B=2"], "hourly": True, "rate": "1", "estimate": 8},
        {"hourly": True, "rate": "10", "estimate": 7},
        {"hourly": True, "rate": "10"},
        {"hourly": True, "rate": "10", "estimate": 8, "weekly_limit": 169},
    ],
)
def test_invalid_requests(shop: Any, work: Any, request_: dict[str, Any]) -> None:
    refuses(work, InvalidInput, None, **request_)


def test_exactly_ten_million_is_allowed(shop: Any, work: Any) -> None:
    fund(work)
    assert place(work, amount="5000000", quantity=2).total_cents == 1_000_000_000


def test_not_found_and_not_allowed(shop: Any, work: Any) -> None:
    refuses(work, NotFound, "not_found", freelancer="@nobody", amount="10")
    refuses(work, NotFound, "not_found", freelancer="lena", service_id=2)
    refuses(work, RuleViolation, "pro_only", freelancer="otto", hourly=True, rate="1", estimate=8)
    refuses(work, PermissionDenied, None, actor={"as_": "@lena"}, amount="10")


def test_support_orders_go_to_the_admins_my_project(
    shop: Any, work: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")
    support = {"as_": "support", "account": "acme", "reason": "ticket"}
    order = place(work, actor=support, amount="10")
    with work(write=False) as ctx:
        project = ctx.session.get(Project, order.project_id)
        assert project is not None
        assert (project.kind, project.owner) == ("my", "ada@acme.test")


def test_the_due_date_is_kept(shop: Any, work: Any) -> None:
    order = place(work, amount="10", due="2026-11-03T10:00:00Z")
    assert order.due_at == AT + timedelta(days=2)


# -- policies --------------------------------------------------------------------------------


def test_order_approval_is_strictly_over(shop: Any, work: Any) -> None:
    add_policy(work, "order-approval", over="100")
    assert place(work, amount="100").status == "awaiting_requirements"
    held = place(work, amount="100.01")
    assert (held.status, held.paid_cents) == ("awaiting_approval", 0)
    assert split_of(work, held.id) == []
    assert place(work, ADA, amount="100.01").status == "awaiting_requirements"
    with work(write=False) as ctx:
        request = ctx.session.exec(select(ApprovalRequest)).one()
        assert (request.kind, request.subject_id, request.amount_cents) == ("order", held.id, 10001)
        assert request.expires_at == AT + timedelta(days=7)


def test_approve_charges_and_a_failed_charge_changes_nothing(shop: Any, work: Any) -> None:
    add_policy(work, "order-approval", over="1")
    held = place(work)
    fund(work, balance=9999, card=False)
    before = counts(work)
    with pytest.raises(RuleViolation) as raised, work(**ADA) as ctx:
        approvals.approve(ctx, 1)
    assert raised.value.code == "insufficient_funds"
    assert counts(work) == before
    fund(work, balance=10000, card=False)
    with work(**ADA) as ctx:
        approvals.approve(ctx, 1)
        order = ctx.session.get(Order, held.id)
        assert order is not None
        assert (order.status, order.paid_cents) == ("awaiting_requirements", 10000)


def test_reject_and_expiry_never_charge(shop: Any, work: Any) -> None:
    add_policy(work, "order-approval", over="1")
    rejected = place(work)
    expired = place(work)
    with work(**ADA) as ctx:
        approvals.reject(ctx, 1, "too much")
    with work(now=AT + timedelta(days=7) - timedelta(seconds=1), write=False) as ctx:
        assert ctx.session.get(Order, expired.id).status == "awaiting_approval"  # type: ignore[union-attr]
    with work(now=AT + timedelta(days=7)) as ctx:
        statuses = {o.id: o.status for o in ctx.session.exec(select(Order)).all()}
        assert statuses == {rejected.id: "rejected", expired.id: "rejected"}
        requests = ctx.session.exec(select(ApprovalRequest.status).order_by(ApprovalRequest.id))
        assert list(requests) == [ApprovalStatus.REJECTED, ApprovalStatus.EXPIRED]
    assert split_of(work, rejected.id) == split_of(work, expired.id) == []


def test_cancelling_a_held_order_withdraws_its_request(shop: Any, work: Any) -> None:
    add_policy(work, "order-approval", over="1")
    held = place(work)
    with work(**MIA) as ctx:
        lifecycle.cancel(ctx, held.id)
    with work(write=False) as ctx:
        request = ctx.session.exec(select(ApprovalRequest)).one()
        assert (request.status, request.decided_at) == (ApprovalStatus.WITHDRAWN, AT)
    with pytest.raises(RuleViolation) as raised, work(**ADA) as ctx:
        approvals.approve(ctx, request.id)
    assert raised.value.code == "request_closed"


def test_month_spend_counts_this_calendar_month_minus_cancelled_and_rejected(
    shop: Any, work: Any
) -> None:
    place(work, amount="1", now=AT.replace(day=1, hour=0) - timedelta(seconds=1))
    first = place(work, amount="10", now=AT.replace(hour=0))
    place(work, amount="20")
    place(work, ADA, amount="40")  # someone else's
    add_policy(work, "order-approval", over="1000")
    with work(**MIA) as ctx:
        assert checkout.month_spend(ctx, ctx.actor.member_id or 0, AT) == 3000
        lifecycle.cancel(ctx, first.id)
        assert checkout.month_spend(ctx, ctx.actor.member_id or 0, AT) == 2000
        december = AT.replace(month=12, day=1, hour=0)
        assert checkout.month_spend(ctx, ctx.actor.member_id or 0, december) == 0


def test_purchase_limits(shop: Any, work: Any) -> None:
    add_policy(
        work, "purchase-limit", amount="50", per="month", applies_to="members", advanced=True
    )
    place(work, amount="30")
    assert place(work, amount="20").status == "awaiting_requirements"
    refuses(work, RuleViolation, "purchase_limit_exceeded", amount="0.01")
    assert place(work, {"as_": "bill@acme.test"}, amount="500").status == "awaiting_requirements"
    assert place(work, amount="10", now=AT.replace(month=12, day=1)).status == (
        "awaiting_requirements"
    )


def test_a_refusing_limit_wins_over_one_that_holds(shop: Any, work: Any) -> None:
    add_policy(work, "purchase-limit", amount="50", per="order", mode="approval",
               applies_to="both", advanced=True)  # fmt: skip
    add_policy(work, "purchase-limit", amount="80", per="order", applies_to="both")
    assert place(work, amount="60").status == "awaiting_approval"
    refuses(work, RuleViolation, "purchase_limit_exceeded", amount="80.01")
