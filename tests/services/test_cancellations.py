"""services.cancellations: mutual cancellation requests, their answers and the 48-hour
auto-accept (SPEC §1.5)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from fpctl.clock import parse_instant
from fpctl.errors import InvalidInput, PermissionDenied, RuleViolation
from fpctl.services.context import Context
from fpctl.services.orders import cancellations, checkout, lifecycle
from fpctl.services.orders.checkout import OrderRequest
from fpctl.store.tables import Account, Order, OrderCancellation

AT = parse_instant("2026-11-01T10:00:00Z")
WINDOW = timedelta(hours=48)
SECOND = timedelta(seconds=1)
MIA = {"as_": "mia@acme.test"}
ADA = {"as_": "ada@acme.test"}
LENA = {"as_": "@lena"}
SUPPORT = {"as_": "support", "account": "acme", "reason": "ticket 3"}


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def started(work: Any, *, delivered: bool = False) -> int:
    """lena's Logo design for mia (100.00 on the card), in progress (or delivered) at AT."""
    with work(**MIA) as ctx:
        order = checkout.place(ctx, OrderRequest(freelancer="lena", service_id=1)).order
        ctx.session.flush()
        lifecycle.submit_requirements(ctx, order.id, "brief")
        order_id = order.id
    if delivered:
        with work(**LENA) as ctx:
            lifecycle.deliver(ctx, order_id)
    assert order_id is not None
    return order_id


def ask(work: Any, order_id: int, actor: dict[str, Any], now: datetime = AT) -> OrderCancellation:
    with work(**actor, now=now) as ctx:
        _, request = cancellations.request(ctx, order_id, "no longer needed")
        ctx.session.flush()
        ctx.session.expunge(request)
        return request


def answer(work: Any, verb: str, order_id: int, actor: dict[str, Any], now: datetime = AT) -> Order:
    with work(**actor, now=now) as ctx:
        order, _ = getattr(cancellations, verb)(ctx, order_id)
        ctx.session.flush()
        ctx.session.expunge(order)
        return order


def load(work: Any, order_id: int, now: datetime = AT) -> tuple[Order, list[OrderCancellation]]:
    with work(now=now) as ctx:
        order = ctx.session.get(Order, order_id)
        requests = ctx.session.exec(
            select(OrderCancellation).where(OrderCancellation.order_id == order_id)
        ).all()
        assert order is not None
        ctx.session.expunge_all()
        return order, list(requests)


def balance(work: Any) -> int:
    with work(write=False) as ctx:
        return ctx.session.exec(select(Account)).one().balance_cents


@pytest.mark.parametrize(
    ("asker", "side", "answerer"), [(MIA, "buyer", LENA), (LENA, "seller", ADA)]
)
def test_a_request_and_its_acceptance(
    shop: Any, work: Any, asker: dict[str, Any], side: str, answerer: dict[str, Any]
) -> None:
    order_id = started(work)
    request = ask(work, order_id, asker)
    assert (request.side, request.requested_by, request.status) == (side, asker["as_"], "open")
    assert (request.order_status, request.expires_at) == ("in_progress", AT + WINDOW)
    with pytest.raises(RuleViolation) as raised:
        answer(work, "accept", order_id, asker)
    assert raised.value.code == "own_request"
    order = answer(work, "accept", order_id, answerer)
    assert (order.status, order.refunded_cents) == ("cancelled", 10000)
    assert balance(work) == 10000
    _, [closed] = load(work, order_id)
    assert (closed.status, closed.closed_by, closed.closed_at) == ("accepted", answerer["as_"], AT)


def test_a_request_needs_a_reason_and_an_open_order(shop: Any, work: Any) -> None:
    order_id = started(work)
    with pytest.raises(InvalidInput), work(**MIA) as ctx:
        cancellations.request(ctx, order_id, "  ")
    ask(work, order_id, MIA)
    with pytest.raises(RuleViolation) as raised:
        ask(work, order_id, LENA)
    assert raised.value.code == "cancellation_open"
    answer(work, "accept", order_id, LENA)
    with pytest.raises(RuleViolation) as raised:
        ask(work, order_id, MIA)
    assert raised.value.code == "order_closed"


def test_only_the_requester_withdraws(shop: Any, work: Any) -> None:
    order_id = started(work)
    ask(work, order_id, MIA)
    for other in (LENA, ADA):
        with pytest.raises(PermissionDenied):
            answer(work, "withdraw", order_id, other)
    assert answer(work, "withdraw", order_id, MIA).status == "in_progress"
    # support may withdraw a buyer-side request on the team's behalf
    ask(work, order_id, MIA)
    assert answer(work, "withdraw", order_id, SUPPORT).status == "in_progress"
    ask(work, order_id, LENA)
    with pytest.raises(PermissionDenied):
        answer(work, "withdraw", order_id, SUPPORT)


@pytest.mark.parametrize(("verb", "actor"), [("decline", MIA), ("withdraw", LENA)])
def test_the_hold_time_is_given_back(
    shop: Any, work: Any, verb: str, actor: dict[str, Any]
) -> None:
    order_id = started(work, delivered=True)
    ask(work, order_id, LENA, now=AT + timedelta(hours=10))
    order = answer(work, verb, order_id, actor, now=AT + timedelta(hours=15))
    assert (order.status, order.auto_complete_at) == (
        "delivered",
        AT + timedelta(days=3, hours=5),
    )


def test_an_answer_without_a_request(shop: Any, work: Any) -> None:
    order_id = started(work)
    for verb in ("accept", "decline", "withdraw"):
        with pytest.raises(RuleViolation) as raised:
            answer(work, verb, order_id, MIA)
        assert raised.value.code == "no_open_request"


def test_accepted_on_its_own_at_48_hours(shop: Any, work: Any) -> None:
    order_id = started(work)
    ask(work, order_id, LENA)
    order, [request] = load(work, order_id, now=AT + WINDOW - SECOND)
    assert (order.status, request.status) == ("in_progress", "open")
    assert cancellations.time_left(request, AT + WINDOW - SECOND) == 1
    assert cancellations.time_left(request, AT + WINDOW + timedelta(days=9)) == 0
    with work(now=AT) as ctx:  # settled late: the request closed when its window did
        assert (
            cancellations.accept_due(Context.system(ctx.session, AT + WINDOW + timedelta(hours=5)))
            == 1
        )
        assert (
            cancellations.accept_due(Context.system(ctx.session, AT + WINDOW + timedelta(hours=6)))
            == 0
        )
    order, [request] = load(work, order_id, now=AT + WINDOW + timedelta(hours=6))
    assert (order.status, order.refunded_cents) == ("cancelled", 10000)
    assert (request.status, request.closed_at, request.closed_by) == (
        "accepted",
        AT + WINDOW,
        "system",
    )


def test_exactly_at_48_hours_the_request_is_accepted(shop: Any, work: Any) -> None:
    order_id = started(work)
    ask(work, order_id, MIA)
    order, _ = load(work, order_id, now=AT + WINDOW)
    assert order.status == "cancelled"


@pytest.mark.parametrize("actor", [MIA, LENA, ADA, SUPPORT])
def test_a_held_order_takes_no_cancellation_request(
    shop: Any, work: Any, actor: dict[str, Any]
) -> None:
    """Issue 14: nothing was charged or started; the admin rejects it instead."""
    from fpctl.services.team import policies
    from fpctl.services.team.policies import PolicySpec
    from fpctl.store.tables import ApprovalRequest

    with work(**ADA) as ctx:
        policies.add(ctx, PolicySpec(kind="order-approval", over="1"))
    with work(**MIA) as ctx:
        held = checkout.place(ctx, OrderRequest(freelancer="lena", service_id=1)).order
        ctx.session.flush()
        order_id = held.id
    assert order_id is not None
    with pytest.raises(RuleViolation) as refused:
        ask(work, order_id, actor)
    assert refused.value.code == "awaiting_approval"
    assert "fpctl approvals reject 1 --reason TEXT" in (refused.value.hint or "")
    order, requests = load(work, order_id)
    assert (order.status, order.paid_cents, requests) == ("awaiting_approval", 0, [])
    with work(write=False) as ctx:
        assert ctx.session.exec(select(ApprovalRequest.status)).one() == "pending"
