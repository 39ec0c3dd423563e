"""services.disputes: the dispute manager (issue 14) — more time, a modification, a partial
refund; answered within 48 hours or expired by the clock; the hold it shares with mutual
cancellation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from fpctl.clock import parse_instant
from fpctl.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from fpctl.services import settle
from fpctl.services.orders import cancellations, checkout, disputes, hourly, lifecycle
from fpctl.services.orders.checkout import OrderRequest
from fpctl.services.orders.disputes import Proposal
from fpctl.store.tables import (
    Account,
    AuditRecord,
    Invoice,
    LedgerEntry,
    Order,
    OrderDispute,
    RewardEntry,
)

AT = parse_instant("2026-11-01T10:00:00Z")
WINDOW = timedelta(hours=48)
SECOND = timedelta(seconds=1)
MIA = {"as_": "mia@acme.test"}
ADA = {"as_": "ada@acme.test"}
LENA = {"as_": "@lena"}
OTTO = {"as_": "@otto"}
SUPPORT = {"as_": "support", "account": "acme", "reason": "ticket 3"}
MORE = Proposal(more_time_due="2026-12-01T10:00:00Z")
CHANGE = Proposal(modification="Use the blue logo")
REFUND = Proposal(refund="40")


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def started(work: Any, *, delivered: bool = False, due: str | None = None) -> int:
    """lena's Logo design for mia (100.00 on the card), in progress (or delivered) at AT."""
    with work(**MIA) as ctx:
        request = OrderRequest(freelancer="lena", service_id=1, due=due)
        order = checkout.place(ctx, request).order
        ctx.session.flush()
        lifecycle.submit_requirements(ctx, order.id, "brief")
        order_id = order.id
    if delivered:
        with work(**LENA) as ctx:
            lifecycle.deliver(ctx, order_id)
    assert order_id is not None
    return order_id


def ask(
    work: Any, order_id: int, actor: dict[str, Any], proposal: Proposal, now: datetime = AT
) -> OrderDispute:
    with work(**actor, now=now) as ctx:
        _, dispute = disputes.request(ctx, order_id, proposal, "we need to talk")
        ctx.session.flush()
        ctx.session.expunge(dispute)
        return dispute


def answer(work: Any, verb: str, order_id: int, actor: dict[str, Any], now: datetime = AT) -> Order:
    with work(**actor, now=now) as ctx:
        done = getattr(disputes, verb)(ctx, order_id)
        order = done.order if verb == "accept" else done[0]
        ctx.session.flush()
        ctx.session.expunge(order)
        return order


def refused(kind: type[Exception], code: str | None, do: Any, *args: Any) -> Any:
    with pytest.raises(kind) as raised:
        do(*args)
    if code is not None:
        assert getattr(raised.value, "code", None) == code
    return raised.value


def load(work: Any, order_id: int, now: datetime = AT) -> tuple[Order, list[OrderDispute]]:
    with work(now=now) as ctx:
        order = ctx.session.get(Order, order_id)
        rows = ctx.session.exec(
            select(OrderDispute)
            .where(OrderDispute.order_id == order_id)
            .order_by(col(OrderDispute.id))
        ).all()
        assert order is not None
        ctx.session.expunge_all()
        return order, list(rows)


def account(work: Any) -> Account:
    with work(write=False) as ctx:
        found = ctx.session.exec(select(Account)).one()
        ctx.session.expunge(found)
        return found


def actions(work: Any, order_id: int) -> list[tuple[str, str]]:
    with work(write=False) as ctx:
        rows = ctx.session.exec(
            select(AuditRecord.action, AuditRecord.actor)
            .where(col(AuditRecord.target).startswith(f"order:{order_id} dispute:"))
            .order_by(col(AuditRecord.id))
        ).all()
        return [(action, actor) for action, actor in rows]


# -- more time -----------------------------------------------------------------------------


def test_the_freelancer_asks_for_more_time_and_the_buyer_agrees(shop: Any, work: Any) -> None:
    order_id = started(work, due="2026-11-20T10:00:00Z")
    dispute = ask(work, order_id, LENA, MORE)
    assert (dispute.kind, dispute.side, dispute.status, dispute.order_status) == (
        "more_time",
        "seller",
        "open",
        "in_progress",
    )
    assert (dispute.due_at, dispute.expires_at) == (parse_instant(MORE.more_time_due), AT + WINDOW)
    refused(RuleViolation, "own_request", answer, work, "accept", order_id, LENA)
    order = answer(work, "accept", order_id, MIA, now=AT + timedelta(hours=2))
    assert (order.status, order.due_at) == ("in_progress", parse_instant("2026-12-01T10:00:00Z"))
    assert actions(work, order_id) == [
        ("order.dispute", "@lena"),
        ("order.dispute_accept", "mia@acme.test"),
    ]
    _, [closed] = load(work, order_id)
    assert (closed.status, closed.closed_by) == ("accepted", "mia@acme.test")


def test_more_time_is_the_freelancers_and_must_be_later(shop: Any, work: Any) -> None:
    order_id = started(work, due="2026-11-20T10:00:00Z")
    refused(RuleViolation, "wrong_side", ask, work, order_id, MIA, MORE)
    earlier = Proposal(more_time_due="2026-11-19T10:00:00Z")
    refused(InvalidInput, "due_not_later", ask, work, order_id, LENA, earlier)
    refused(InvalidInput, None, ask, work, order_id, LENA, Proposal(more_time_due="soon"))
    assert load(work, order_id)[1] == []


def test_no_more_time_on_a_delivered_order(shop: Any, work: Any) -> None:
    order_id = started(work, delivered=True)
    refused(RuleViolation, "not_disputable", ask, work, order_id, LENA, MORE)


# -- a modification ------------------------------------------------------------------------


def test_a_modification_agreed_on_a_delivery_reopens_the_work(shop: Any, work: Any) -> None:
    order_id = started(work, delivered=True)
    refused(RuleViolation, "wrong_side", ask, work, order_id, LENA, CHANGE)
    dispute = ask(work, order_id, MIA, CHANGE)
    assert (dispute.modification, dispute.order_status) == ("Use the blue logo", "delivered")
    order = answer(work, "accept", order_id, LENA, now=AT + timedelta(hours=1))
    assert (order.status, order.auto_complete_at, order.revisions_used) == ("in_revision", None, 0)
    with work(**LENA, now=AT + timedelta(hours=3)) as ctx:
        assert lifecycle.deliver(ctx, order_id).status == "delivered"


def test_a_modification_while_in_progress_keeps_the_order_going(shop: Any, work: Any) -> None:
    order_id = started(work)
    refused(InvalidInput, None, ask, work, order_id, MIA, Proposal(modification=" "))
    ask(work, order_id, ADA, CHANGE)  # any member who sees the order is the buyer side
    order = answer(work, "accept", order_id, LENA)
    assert order.status == "in_progress"


def test_no_modification_before_the_work_starts(shop: Any, work: Any) -> None:
    with work(**MIA) as ctx:
        order = checkout.place(ctx, OrderRequest(freelancer="lena", service_id=1)).order
        ctx.session.flush()
        order_id = order.id
    refused(RuleViolation, "not_disputable", ask, work, order_id, MIA, CHANGE)


# -- a partial refund ----------------------------------------------------------------------


@pytest.mark.parametrize(("asker", "answerer"), [(MIA, LENA), (LENA, MIA)])
def test_an_agreed_refund_goes_to_the_balance_with_a_credit_invoice(
    shop: Any, work: Any, asker: dict[str, Any], answerer: dict[str, Any]
) -> None:
    order_id = started(work)
    ask(work, order_id, asker, REFUND)
    assert account(work).balance_cents == 0  # nothing moves before it is agreed
    order = answer(work, "accept", order_id, answerer)
    assert (order.status, order.paid_cents, order.refunded_cents) == ("in_progress", 10000, 4000)
    assert (account(work).balance_cents, account(work).credits_cents) == (4000, 0)
    with work(write=False) as ctx:
        invoice = ctx.session.exec(select(Invoice).where(Invoice.kind == "credit")).one()
        assert (invoice.order_id, invoice.amount_cents) == (order_id, 4000)
        ledger = ctx.session.exec(select(LedgerEntry).where(LedgerEntry.kind == "refund")).one()
        assert (ledger.order_id, ledger.balance_cents, ledger.invoice_id) == (
            order_id,
            4000,
            invoice.id,
        )
        record = ctx.session.exec(
            select(AuditRecord).where(AuditRecord.action == "order.dispute_accept")
        ).one()
        assert '"refunded_cents"' in record.changes


def test_a_refund_is_at_most_what_is_left(shop: Any, work: Any) -> None:
    order_id = started(work)
    refused(RuleViolation, "refund_too_large", ask, work, order_id, MIA, Proposal(refund="100.01"))
    refused(InvalidInput, None, ask, work, order_id, MIA, Proposal(refund="0"))
    ask(work, order_id, MIA, Proposal(refund="100"))
    assert answer(work, "accept", order_id, LENA).refunded_cents == 10000
    refused(RuleViolation, "already_refunded", ask, work, order_id, MIA, Proposal(refund="1"))


def test_credits_come_back_as_credits_only_past_the_money(shop: Any, work: Any) -> None:
    """Paid 30.00 in credits and 70.00 by card: 80.00 agreed gives 70.00 to the balance and
    10.00 in credits; cancelling then gives back exactly the 20.00 credits left."""
    with work() as ctx:
        ctx.session.exec(select(Account)).one().credits_cents = 3000
    order_id = started(work)
    ask(work, order_id, MIA, Proposal(refund="80"))
    answer(work, "accept", order_id, LENA)
    assert (account(work).balance_cents, account(work).credits_cents) == (7000, 1000)
    with work(**MIA) as ctx:
        cancellations.request(ctx, order_id, "over")
    with work(**LENA) as ctx:
        cancellations.accept(ctx, order_id)
    assert (account(work).balance_cents, account(work).credits_cents) == (7000, 3000)


def test_points_are_earned_on_what_was_kept(shop: Any, work: Any) -> None:
    """A refund agreed before completion lowers the points the order earns at completion
    (``rewards.on_refund`` claws back only from completed orders, which take no dispute)."""
    refunded, kept = started(work, delivered=True), started(work, delivered=True)
    ask(work, refunded, MIA, REFUND)
    answer(work, "accept", refunded, LENA)
    for order_id in (refunded, kept):
        with work(**MIA) as ctx:
            lifecycle.accept(ctx, order_id)
    with work(write=False) as ctx:
        points = {
            order_id: sum(
                ctx.session.exec(
                    select(RewardEntry.points).where(RewardEntry.order_id == order_id)
                ).all()
            )
            for order_id in (refunded, kept)
        }
    assert points[kept] > 0
    assert points[refunded] * 100 == points[kept] * 60


# -- one request, the hold, the answers ----------------------------------------------------


def test_one_open_request_of_either_kind(shop: Any, work: Any) -> None:
    order_id = started(work)
    ask(work, order_id, MIA, REFUND)
    refused(RuleViolation, "dispute_open", ask, work, order_id, LENA, REFUND)
    with pytest.raises(RuleViolation) as raised, work(**LENA) as ctx:
        cancellations.request(ctx, order_id, "stop")
    assert raised.value.code == "dispute_open"
    answer(work, "withdraw", order_id, MIA)
    with work(**LENA) as ctx:
        cancellations.request(ctx, order_id, "stop")
    refused(RuleViolation, "cancellation_open", ask, work, order_id, MIA, REFUND)


def test_the_order_is_on_hold_while_a_request_is_open(shop: Any, work: Any) -> None:
    order_id = started(work)
    ask(work, order_id, MIA, CHANGE)
    with pytest.raises(RuleViolation) as raised, work(**LENA) as ctx:
        lifecycle.deliver(ctx, order_id)
    assert raised.value.code == "dispute_open"
    assert "dispute-accept" in (raised.value.hint or "")
    order = answer(work, "decline", order_id, LENA)
    assert order.status == "in_progress"
    with work(**LENA) as ctx:
        assert lifecycle.deliver(ctx, order_id).status == "delivered"


def test_hours_wait_too(shop: Any, work: Any) -> None:
    with work(**MIA) as ctx:
        request = OrderRequest(freelancer="lena", hourly=True, rate="50", estimate=10)
        order = checkout.place(ctx, request).order
        ctx.session.flush()
        order_id = order.id
        lifecycle.submit_requirements(ctx, order_id, "brief")
    ask(work, order_id, MIA, Proposal(refund="1"))
    with pytest.raises(RuleViolation) as raised, work(**LENA) as ctx:
        hourly.log_hours(ctx, order_id, week="2026-W44", hours="2", description="work")
    assert raised.value.code == "dispute_open"


@pytest.mark.parametrize(("verb", "actor"), [("decline", MIA), ("withdraw", LENA)])
def test_the_hold_time_is_given_back(
    shop: Any, work: Any, verb: str, actor: dict[str, Any]
) -> None:
    order_id = started(work, delivered=True)
    ask(work, order_id, LENA, REFUND, now=AT + timedelta(hours=10))
    order = answer(work, verb, order_id, actor, now=AT + timedelta(hours=15))
    assert (order.status, order.auto_complete_at, order.refunded_cents) == (
        "delivered",
        AT + timedelta(days=3, hours=5),
        0,
    )


def test_only_the_requester_withdraws(shop: Any, work: Any) -> None:
    order_id = started(work)
    ask(work, order_id, MIA, REFUND)
    for other in (LENA, ADA):
        refused(PermissionDenied, None, answer, work, "withdraw", order_id, other)
    assert answer(work, "withdraw", order_id, SUPPORT).status == "in_progress"
    ask(work, order_id, LENA, REFUND)
    refused(PermissionDenied, None, answer, work, "withdraw", order_id, SUPPORT)
    refused(RuleViolation, "own_request", answer, work, "decline", order_id, LENA)
    assert answer(work, "decline", order_id, SUPPORT).status == "in_progress"
    for verb in ("accept", "decline", "withdraw"):
        refused(RuleViolation, "no_open_request", answer, work, verb, order_id, MIA)


def test_a_request_needs_a_reason_and_one_proposal(shop: Any, work: Any) -> None:
    order_id = started(work)
    with pytest.raises(InvalidInput), work(**MIA) as ctx:
        disputes.request(ctx, order_id, REFUND, " ")
    for proposal in (Proposal(), Proposal(refund="1", modification="x")):
        refused(InvalidInput, "one_proposal", ask, work, order_id, MIA, proposal)


def test_not_on_a_held_or_closed_order(shop: Any, work: Any) -> None:
    from fpctl.services.team import policies
    from fpctl.services.team.policies import PolicySpec

    with work(**ADA) as ctx:
        policies.add(ctx, PolicySpec(kind="order-approval", over="1"))
    with work(**MIA) as ctx:
        held = checkout.place(ctx, OrderRequest(freelancer="lena", service_id=1)).order
        ctx.session.flush()
        held_id = held.id
        lifecycle.cancel(ctx, held_id)
    refused(RuleViolation, "order_closed", ask, work, held_id, MIA, REFUND)
    with work(**MIA) as ctx:
        held_id = checkout.place(ctx, OrderRequest(freelancer="lena", service_id=1)).order.id
    refused(RuleViolation, "awaiting_approval", ask, work, held_id, LENA, REFUND)


@pytest.mark.parametrize("actor", [OTTO, {"as_": "bea@beta.test"}])
def test_another_accounts_or_freelancers_order_is_not_found(
    shop: Any, work: Any, actor: dict[str, Any]
) -> None:
    order_id = started(work)
    if actor["as_"] == "bea@beta.test":
        from fpctl.services.team import accounts

        with work() as ctx:
            accounts.create(ctx, name="Beta", slug="beta", admin_email="bea@beta.test")
    refused(NotFound, None, ask, work, order_id, actor, REFUND)
    ask(work, order_id, MIA, REFUND)
    refused(NotFound, None, answer, work, "accept", order_id, actor)


# -- 48 hours, by the clock ----------------------------------------------------------------


def test_unanswered_for_48_hours_the_request_expires(shop: Any, work: Any) -> None:
    order_id = started(work)
    ask(work, order_id, MIA, REFUND)
    order, [dispute] = load(work, order_id, now=AT + WINDOW - SECOND)
    assert (order.refunded_cents, dispute.status) == (0, "open")
    with work(now=AT) as ctx:  # settled late: it closed when its window did
        assert (
            settle.settle_due(ctx.session, AT + WINDOW + timedelta(hours=5))["order.dispute_expire"]
            == 1
        )
        assert (
            settle.settle_due(ctx.session, AT + WINDOW + timedelta(hours=6))["order.dispute_expire"]
            == 0
        )
    order, [dispute] = load(work, order_id, now=AT + WINDOW + timedelta(hours=6))
    assert (order.status, order.refunded_cents, account(work).balance_cents) == (
        "in_progress",
        0,
        0,
    )
    assert (dispute.status, dispute.closed_at, dispute.closed_by) == (
        "expired",
        AT + WINDOW,
        "system",
    )
    assert actions(work, order_id)[-1] == ("order.dispute_expire", "system")


def test_exactly_at_48_hours_the_request_expires(shop: Any, work: Any) -> None:
    order_id = started(work)
    ask(work, order_id, LENA, MORE)
    _, [dispute] = load(work, order_id, now=AT + WINDOW)
    assert dispute.status == "expired"


def test_a_held_delivery_completes_only_after_its_time_back(shop: Any, work: Any) -> None:
    """Delivered at AT (window to AT+72h); a request at AT+71h holds it past AT+72h; it
    expires at AT+119h and gives the 48 hours back: the order completes at AT+120h, and a
    single late settlement expires the request, then completes the order."""
    order_id = started(work, delivered=True)
    ask(work, order_id, MIA, REFUND, now=AT + timedelta(hours=71))
    order, _ = load(work, order_id, now=AT + timedelta(hours=100))
    assert order.status == "delivered"
    order, [dispute] = load(work, order_id, now=AT + timedelta(hours=120) - SECOND)
    assert (order.status, order.auto_complete_at) == ("delivered", AT + timedelta(hours=120))
    assert dispute.status == "expired"
    order, _ = load(work, order_id, now=AT + timedelta(hours=120))
    assert (order.status, order.completed_at) == ("completed", AT + timedelta(hours=120))


def test_one_late_settlement_expires_then_completes(shop: Any, work: Any) -> None:
    order_id = started(work, delivered=True)
    ask(work, order_id, MIA, REFUND, now=AT + timedelta(hours=71))
    order, [dispute] = load(work, order_id, now=AT + timedelta(days=30))
    assert (dispute.status, order.status) == ("expired", "completed")
    assert order.completed_at == AT + timedelta(hours=120)
