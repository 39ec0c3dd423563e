"""services.order_work: milestones accepted one by one, hours logged on hourly orders and
charged when each week ends (SPEC §1.5)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from fpctl.clock import parse_instant
from fpctl.errors import FpctlError, InvalidInput, NotFound, PermissionDenied, RuleViolation
from fpctl.services import settle
from fpctl.services.context import Context
from fpctl.services.money import payment_methods
from fpctl.services.orders import cancellations, checkout, hourly, lifecycle, milestones
from fpctl.services.orders.checkout import OrderRequest
from fpctl.store.tables import Account, AuditRecord, Invoice, Order, OrderHours, OrderMilestone
from fpctl.views.orders import milestone_view, week_view
from tests.conftest import NOW

ADA, MIA, LENA, OTTO = "ada@acme.test", "mia@acme.test", "@lena", "@otto"
T0 = parse_instant(NOW)  # Sunday 2026-11-01 10:00 UTC, in 2026-W44
W44_END = parse_instant("2026-11-02T00:00:00Z")
W45_END = parse_instant("2026-11-09T00:00:00Z")
# Unanswered, a week's report is approved (and charged) 5 days after the week ends.
W44_DUE = W44_END + timedelta(days=5)
W45_DUE = W45_END + timedelta(days=5)
SECOND = timedelta(seconds=1)
Work = Callable[..., Any]


# -- helpers -------------------------------------------------------------------------------


def place(work: Work, request: OrderRequest, *, as_: str = ADA, now: datetime = T0) -> int:
    with work(as_=as_, now=now) as ctx:
        order_id = checkout.place(ctx, request).order.id
    with work(as_=LENA, now=now) as ctx:
        lifecycle.skip_requirements(ctx, order_id)
    return order_id


def place_milestones(work: Work, *specs: str, service: int | None = None) -> int:
    specs = specs or ("Sketch=100.00", "Draft=200.00", "Final=300.00")
    return place(work, OrderRequest(freelancer="lena", service_id=service, milestones=list(specs)))


def place_hourly(work: Work, *, limit: int | None = 20, rate: str = "40.00", **kw: Any) -> int:
    request = OrderRequest(
        freelancer="lena", hourly=True, rate=rate, weekly_limit=limit, estimate=10
    )
    return place(work, request, **kw)


def order(work: Work, order_id: int, now: datetime = T0) -> Order:
    with work(now=now) as ctx:
        found = ctx.session.get(Order, order_id)
        ctx.session.expunge(found)
        return found


def invoices(work: Work, order_id: int, now: datetime = T0) -> list[tuple[str, int, str]]:
    with work(now=now) as ctx:
        rows = ctx.session.exec(
            select(Invoice).where(Invoice.order_id == order_id).order_by(col(Invoice.id))
        )
        return [(i.purpose, i.amount_cents, i.description) for i in rows]


def statuses(work: Work, order_id: int, now: datetime = T0) -> list[str]:
    with work(now=now) as ctx:
        return [milestone_view(m)["status"] for m in milestones.milestones(ctx, order_id)]


def deliver(work: Work, order_id: int, now: datetime = T0) -> None:
    with work(as_=LENA, now=now) as ctx:
        lifecycle.deliver(ctx, order_id)


def accept_milestone(work: Work, order_id: int, now: datetime = T0, as_: str = ADA) -> Order:
    with work(as_=as_, now=now) as ctx:
        return milestones.milestone_accept(ctx, order_id)


def log(work: Work, order_id: int, hours: str, week: str = "2026-W44", **kw: Any) -> OrderHours:
    now = kw.pop("now", T0)
    with work(as_=kw.pop("as_", LENA), now=now) as ctx:
        return hourly.log_hours(
            ctx, order_id, week=week, hours=hours, description=kw.pop("description", "work")
        )


def weeks(work: Work, order_id: int, now: datetime = T0) -> list[dict[str, Any]]:
    with work(now=now) as ctx:
        return [week_view(report) for report in hourly.weeks(ctx, order_id)]


def audit_actions(work: Work, prefix: str) -> list[str]:
    with work() as ctx:
        rows = ctx.session.exec(select(AuditRecord).order_by(col(AuditRecord.id)))
        return [r.action for r in rows if r.action.startswith(prefix)]


@contextmanager
def refused(error: type[FpctlError], code: str) -> Iterator[None]:
    with pytest.raises(error) as info:
        yield
    assert info.value.code == code


# -- milestones ----------------------------------------------------------------------------


def test_each_milestone_is_charged_only_when_the_previous_one_is_accepted(
    work: Work, shop: Any
) -> None:
    order_id = place_milestones(work)
    assert order(work, order_id).paid_cents == 10000
    assert statuses(work, order_id) == ["in_progress", "not_started", "not_started"]
    deliver(work, order_id, T0 + timedelta(hours=1))
    assert invoices(work, order_id) == [
        ("milestone", 10000, f"order {order_id}, milestone 1: Sketch")
    ]
    assert statuses(work, order_id) == ["delivered", "not_started", "not_started"]

    accepted = accept_milestone(work, order_id, T0 + timedelta(hours=2))
    assert (accepted.status, accepted.paid_cents) == ("in_progress", 30000)
    assert statuses(work, order_id) == ["accepted", "in_progress", "not_started"]
    assert invoices(work, order_id)[1] == (
        "milestone",
        20000,
        f"order {order_id}, milestone 2: Draft",
    )

    deliver(work, order_id, T0 + timedelta(hours=3))
    assert order(work, order_id).paid_cents == 30000  # delivery charges nothing
    assert accept_milestone(work, order_id, T0 + timedelta(hours=4)).paid_cents == 60000
    deliver(work, order_id, T0 + timedelta(hours=5))
    done = accept_milestone(work, order_id, T0 + timedelta(hours=6))
    assert (done.status, done.paid_cents) == ("completed", 60000)
    assert statuses(work, order_id) == ["accepted", "accepted", "accepted"]
    assert [i[:2] for i in invoices(work, order_id)] == [
        ("milestone", 10000),
        ("milestone", 20000),
        ("milestone", 30000),
    ]
    assert audit_actions(work, "order.milestone_accept") == ["order.milestone_accept"] * 3


def test_milestone_views_carry_the_times(work: Work, shop: Any) -> None:
    order_id = place_milestones(work, "A=10.00", "B=20.00")
    deliver(work, order_id, T0 + timedelta(hours=1))
    accept_milestone(work, order_id, T0 + timedelta(hours=2))
    with work() as ctx:
        first, second = map(milestone_view, milestones.milestones(ctx, order_id))
    assert first == {
        "position": 1,
        "title": "A",
        "amount_cents": 1000,
        "status": "accepted",
        "charged_at": "2026-11-01T10:00:00Z",
        "delivered_at": "2026-11-01T11:00:00Z",
        "accepted_at": "2026-11-01T12:00:00Z",
    }
    assert (second["status"], second["charged_at"], second["accepted_at"]) == (
        "in_progress",
        "2026-11-01T12:00:00Z",
        None,
    )


def test_a_milestone_is_accepted_only_once_delivered(work: Work, shop: Any) -> None:
    order_id = place_milestones(work)
    with refused(RuleViolation, "invalid_transition"), work(as_=ADA) as ctx:
        milestones.milestone_accept(ctx, order_id)
    assert order(work, order_id).paid_cents == 10000


def test_milestone_accept_refuses_other_kinds_of_order(work: Work, shop: Any) -> None:
    order_id = place(work, OrderRequest(freelancer="lena", service_id=1))
    deliver(work, order_id)
    with refused(RuleViolation, "not_milestones"), work(as_=ADA) as ctx:
        milestones.milestone_accept(ctx, order_id)
    with refused(RuleViolation, "not_milestones"), work() as ctx:
        milestones.milestones(ctx, order_id)
    assert order(work, order_id).status == "delivered"


def test_only_the_buyer_side_accepts_milestones(work: Work, shop: Any) -> None:
    order_id = place_milestones(work)
    deliver(work, order_id)
    with pytest.raises(PermissionDenied):
        accept_milestone(work, order_id, as_=LENA)
    with pytest.raises(NotFound):  # mia does not see ada's my-project order
        accept_milestone(work, order_id, as_=MIA)
    assert order(work, order_id).paid_cents == 10000


def test_an_unreviewed_milestone_completes_the_order_after_3_days(work: Work, shop: Any) -> None:
    """SPEC §1.5: 3 days after every delivery, a milestone's included (issue 14: it was 8)."""
    order_id = place_milestones(work)
    delivered = T0 + timedelta(hours=1)
    deliver(work, order_id, delivered)
    window = delivered + timedelta(days=3)
    assert order(work, order_id, window - SECOND).status == "delivered"
    completed = order(work, order_id, window)
    assert (completed.status, completed.paid_cents) == ("completed", 10000)
    assert order(work, order_id, window + SECOND).status == "completed"
    assert statuses(work, order_id) == ["accepted", "not_started", "not_started"]
    with work() as ctx:
        later = ctx.session.exec(  # in order: PostgreSQL returns updated rows last
            select(OrderMilestone)
            .where(OrderMilestone.order_id == order_id)
            .order_by(col(OrderMilestone.position))
        ).all()
    assert [m.charged_at is not None for m in later] == [True, False, False]
    assert invoices(work, order_id) == [
        ("milestone", 10000, f"order {order_id}, milestone 1: Sketch")
    ]


def test_a_later_milestone_has_the_same_3_day_window(work: Work, shop: Any) -> None:
    order_id = place_milestones(work)
    deliver(work, order_id, T0 + timedelta(hours=1))
    accept_milestone(work, order_id, T0 + timedelta(hours=2))
    second = T0 + timedelta(days=1)
    deliver(work, order_id, second)
    window = second + timedelta(days=3)
    assert order(work, order_id, second).auto_complete_at == window
    assert order(work, order_id, window - SECOND).status == "delivered"
    completed = order(work, order_id, window)
    assert (completed.status, completed.paid_cents) == ("completed", 30000)
    assert statuses(work, order_id) == ["accepted", "accepted", "not_started"]


def test_a_milestone_can_go_into_revision(work: Work, shop: Any) -> None:
    order_id = place_milestones(work, "A=100.00", "B=50.00", service=1)  # 1 revision
    deliver(work, order_id, T0 + timedelta(hours=1))
    with work(as_=ADA, now=T0 + timedelta(hours=2)) as ctx:
        revised = lifecycle.ask_revision(ctx, order_id, "bigger")
    assert (revised.status, revised.auto_complete_at) == ("in_revision", None)
    assert statuses(work, order_id) == ["delivered", "not_started"]
    # no auto-completion while in revision
    assert order(work, order_id, T0 + timedelta(days=30)).status == "in_revision"
    redelivered = T0 + timedelta(days=30, hours=1)
    deliver(work, order_id, redelivered)
    assert order(work, order_id, redelivered).auto_complete_at == redelivered + timedelta(days=3)
    accepted = accept_milestone(work, order_id, redelivered + timedelta(hours=1))
    assert (accepted.status, accepted.paid_cents) == ("in_progress", 15000)


def test_cancelling_a_milestone_order_refunds_only_what_was_paid(work: Work, shop: Any) -> None:
    order_id = place_milestones(work)
    deliver(work, order_id, T0 + timedelta(hours=1))
    accept_milestone(work, order_id, T0 + timedelta(hours=2))
    with work(as_=LENA, now=T0 + timedelta(hours=3)) as ctx:
        cancellations.request(ctx, order_id, "cannot finish")
    with work(as_=ADA, now=T0 + timedelta(hours=4)) as ctx:
        cancelled, _ = cancellations.accept(ctx, order_id)
        account = ctx.session.get(Account, cancelled.account_id)
        assert (cancelled.status, cancelled.paid_cents, cancelled.refunded_cents) == (
            "cancelled",
            30000,
            30000,
        )
        assert account is not None and account.balance_cents == 30000
    assert statuses(work, order_id) == ["accepted", "in_progress", "not_started"]
    assert [i[:2] for i in invoices(work, order_id)] == [
        ("milestone", 10000),
        ("milestone", 20000),
        ("refund", 30000),
    ]


# -- hours: parsing and weeks --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hundredths"),
    [("12.5", 1250), ("12.50", 1250), ("7.25", 725), ("0.01", 1), ("3", 300), ("168", 16800)],
)
def test_hours_are_read_as_hundredths(text: str, hundredths: int) -> None:
    assert hourly.parse_hours(text) == hundredths


@pytest.mark.parametrize(
    "text", ["0", "0.00", "-1", "1.234", "abc", "1e2", "169", "", "1,5", "nan", "inf", ".5", "0x10"]
)
def test_bad_hours_are_usage_errors(text: str) -> None:
    with pytest.raises(InvalidInput):
        hourly.parse_hours(text)


def test_a_week_ends_the_next_monday_at_midnight_utc() -> None:
    week = hourly.week_of("2026-W44")
    assert (week.label, week.starts_at, week.ends_at) == (
        "2026-W44",
        parse_instant("2026-10-26T00:00:00Z"),
        W44_END,
    )
    assert hourly.week_of("2020-W53").ends_at == parse_instant("2021-01-04T00:00:00Z")
    assert hourly.format_hours(1250) == "12.50"


# -- hours: logging ------------------------------------------------------------------------


def test_the_freelancer_logs_hours_for_the_current_week(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    row = log(work, order_id, "12.5", description="logo drafts")
    assert (row.week, row.week_ends_at, row.hundredths, row.description) == (
        "2026-W44",
        W44_END,
        1250,
        "logo drafts",
    )
    assert row.charged_at is None
    assert audit_actions(work, "order.hours") == ["order.hours_log"]


def test_hours_are_logged_only_on_hourly_orders(work: Work, shop: Any) -> None:
    fixed = place(work, OrderRequest(freelancer="lena", service_id=1))
    with refused(RuleViolation, "not_hourly"):
        log(work, fixed, "1")


def test_hours_are_logged_only_while_the_order_runs(work: Work, shop: Any) -> None:
    with work(as_=ADA) as ctx:
        waiting = checkout.place(
            ctx, OrderRequest(freelancer="lena", hourly=True, rate="40", estimate=10)
        ).order.id
    with refused(RuleViolation, "order_not_running"):
        log(work, waiting, "1")
    order_id = place_hourly(work)
    log(work, order_id, "1")  # in_progress
    deliver(work, order_id)
    log(work, order_id, "1")  # delivered
    with work(as_=ADA) as ctx:
        lifecycle.accept(ctx, order_id)
    with refused(RuleViolation, "order_not_running"):
        log(work, order_id, "1")
    assert [w["hours"] for w in weeks(work, order_id)] == ["2.00"]


def test_hours_wait_while_a_cancellation_is_requested(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    with work(as_=ADA) as ctx:
        cancellations.request(ctx, order_id, "budget")
    with refused(RuleViolation, "cancellation_open"):
        log(work, order_id, "1")


def test_only_the_orders_freelancer_logs_hours(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    with pytest.raises(PermissionDenied):
        log(work, order_id, "1", as_=ADA)
    with pytest.raises(NotFound):
        log(work, order_id, "1", as_=OTTO)
    assert weeks(work, order_id) == []


def test_a_future_week_is_a_usage_error(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    with refused(InvalidInput, "future_week"):
        log(work, order_id, "1", week="2026-W45")
    # W45 starts on Monday 2026-11-02 00:00: from then on it is the current week
    assert log(work, order_id, "1", week="2026-W45", now=W44_END).week == "2026-W45"
    with pytest.raises(InvalidInput):
        log(work, order_id, "1", week="2026-W99")
    with pytest.raises(InvalidInput):
        log(work, order_id, "1", week="next week")


def test_a_week_that_ended_before_the_order_was_placed_is_refused(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    with refused(RuleViolation, "week_before_order"):
        log(work, order_id, "1", week="2026-W43")
    # the week the order was placed in counts, even once it has ended
    later = W44_END + timedelta(days=2)
    assert log(work, order_id, "2", week="2026-W44", now=later).week == "2026-W44"
    # ... and, ended, its report waits for the buyer's answer
    assert weeks(work, order_id, later)[0]["status"] == "pending"


def test_a_charged_week_takes_no_more_hours(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    log(work, order_id, "3")
    with refused(RuleViolation, "week_charged"):
        log(work, order_id, "1", week="2026-W44", now=W44_DUE)
    assert [(w["week"], w["hours"]) for w in weeks(work, order_id, W44_DUE)] == [
        ("2026-W44", "3.00")
    ]


def test_a_week_stays_within_the_weekly_limit(work: Work, shop: Any) -> None:
    order_id = place_hourly(work, limit=20)
    log(work, order_id, "12.5")
    log(work, order_id, "7.5")  # exactly at the limit
    with pytest.raises(RuleViolation, match=r"20\.00 h logged, the weekly limit is 20 h") as info:
        log(work, order_id, "0.01")
    assert info.value.code == "over_weekly_limit"
    # another week has its own limit
    assert log(work, order_id, "20", week="2026-W45", now=W44_END).hundredths == 2000


def test_without_a_limit_a_week_holds_at_most_168_hours(work: Work, shop: Any) -> None:
    order_id = place_hourly(work, limit=None)
    log(work, order_id, "100")
    log(work, order_id, "68")
    with refused(RuleViolation, "over_weekly_limit"):
        log(work, order_id, "0.01")


def test_logging_needs_a_description(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    with pytest.raises(InvalidInput):
        log(work, order_id, "1", description="  ")


# -- hours: the weekly charge --------------------------------------------------------------


def test_an_unanswered_week_is_charged_when_its_window_ends(work: Work, shop: Any) -> None:
    order_id = place_hourly(work, rate="40.00")
    log(work, order_id, "12.5")
    assert weeks(work, order_id, W44_END - SECOND)[0]["status"] == "open"
    assert order(work, order_id, W44_END - SECOND).paid_cents == 500  # the initiation fee
    assert weeks(work, order_id, W44_END)[0]["status"] == "pending"
    assert weeks(work, order_id, W44_DUE - SECOND)[0]["status"] == "pending"
    assert order(work, order_id, W44_DUE - SECOND).paid_cents == 500
    week = weeks(work, order_id, W44_DUE)[0]
    assert week["status"] == "charged"
    assert week["charged_cents"] == 50000
    assert order(work, order_id).paid_cents == 50500
    assert invoices(work, order_id) == [
        ("order", 500, f"order {order_id}: hourly initiation fee"),
        ("hourly", 50000, f"order {order_id}: 12.5 h in 2026-W44 at $40.00/h"),
    ]
    with work() as ctx:
        invoice_id = ctx.session.exec(select(Invoice.id).where(Invoice.purpose == "hourly")).one()
    assert week == {
        "order_id": order_id,
        "week": "2026-W44",
        "hours": "12.50",
        "entries": 1,
        "status": "charged",
        "amount_cents": 50000,
        "charged_cents": 50000,
        "invoice_id": invoice_id,
        "week_ends_at": "2026-11-02T00:00:00Z",
        "answer_by": "2026-11-07T00:00:00Z",
        "disputed_hours": None,
        "reason": None,
        "answered_by": None,
        "resolved_by": None,
        "charged_at": "2026-11-07T00:00:00Z",
    }
    assert audit_actions(work, "order.hours_") == [
        "order.hours_log",
        "order.hours_auto_approve",
        "order.hours_charge",
    ]


def test_the_charge_is_rounded_down_to_the_cent(work: Work, shop: Any) -> None:
    order_id = place_hourly(work, rate="33.33")
    log(work, order_id, "1.01")  # 33.33 * 1.01 = 33.6633
    assert weeks(work, order_id, W44_DUE)[0]["charged_cents"] == 3366


def test_a_weeks_entries_are_charged_together_once(work: Work, shop: Any) -> None:
    order_id = place_hourly(work, rate="33.33")
    for hours in ("0.33", "0.33", "0.34"):
        log(work, order_id, hours)
    with work(now=W44_DUE) as ctx:
        assert settle.settle_due(ctx.session, W44_DUE)["order.hours_charge"] == 0  # done already
    with work(now=W44_DUE + timedelta(days=1)) as ctx:
        assert (
            hourly.charge_due_weeks(Context.system(ctx.session, W44_DUE + timedelta(days=1))) == 0
        )
        rows = ctx.session.exec(select(OrderHours).order_by(col(OrderHours.id))).all()
        assert sum(r.charged_cents or 0 for r in rows) == 3333  # 33.33 * 1.00
        assert len({r.invoice_id for r in rows}) == 1
    assert [i[:2] for i in invoices(work, order_id)] == [("order", 500), ("hourly", 3333)]


def test_one_invoice_per_order_and_week(work: Work, shop: Any) -> None:
    first = place_hourly(work, rate="10.00")
    second = place_hourly(work, rate="20.00")
    log(work, first, "1")
    log(work, second, "2")
    log(work, first, "3", week="2026-W45", now=W44_END + SECOND)
    log(work, first, "4", week="2026-W45", now=W44_END + SECOND)
    assert [(w["week"], w["charged_cents"]) for w in weeks(work, first, W45_DUE)] == [
        ("2026-W44", 1000),
        ("2026-W45", 7000),
    ]
    assert [i[:2] for i in invoices(work, first)] == [
        ("order", 500),
        ("hourly", 1000),
        ("hourly", 7000),
    ]
    assert [i[:2] for i in invoices(work, second)] == [("order", 500), ("hourly", 4000)]
    assert order(work, first).paid_cents == 8500


def test_a_lowered_limit_caps_the_weeks_charge(work: Work, shop: Any) -> None:
    order_id = place_hourly(work, rate="10.00", limit=20)
    log(work, order_id, "6")
    log(work, order_id, "9")
    with work(as_=ADA) as ctx:
        hourly.set_weekly_limit(ctx, order_id, 10)
    week = weeks(work, order_id, W44_DUE)[0]
    assert (week["hours"], week["charged_cents"]) == ("15.00", 10000)
    with work() as ctx:
        rows = ctx.session.exec(select(OrderHours).order_by(col(OrderHours.id))).all()
        assert [r.charged_cents for r in rows] == [6000, 4000]
    assert invoices(work, order_id)[-1] == (
        "hourly",
        10000,
        f"order {order_id}: 10 h in 2026-W44 at $10.00/h",
    )


def test_a_removed_limit_charges_every_hour(work: Work, shop: Any) -> None:
    order_id = place_hourly(work, rate="10.00", limit=10)
    log(work, order_id, "10")
    with work(as_=ADA) as ctx:
        assert hourly.set_weekly_limit(ctx, order_id, None).weekly_limit_hours is None
    log(work, order_id, "5")
    assert weeks(work, order_id, W44_DUE)[0]["charged_cents"] == 15000


def test_a_week_that_cannot_be_paid_stays_due(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    log(work, order_id, "2")
    with work(as_=ADA) as ctx:
        payment_methods.remove(ctx, 1)
    with work(now=W44_DUE) as ctx:  # settles without failing
        assert hourly.charge_due_weeks(Context.system(ctx.session, W44_DUE)) == 0
        assert settle.anything_due(ctx.session, W44_DUE)
    assert weeks(work, order_id, W44_DUE)[0]["status"] == "approved"
    assert order(work, order_id).paid_cents == 500
    assert audit_actions(work, "order.hours_charge") == []
    with work(as_=ADA, now=W44_DUE) as ctx:
        payment_methods.add(ctx, card="4242 4242 4242 4242", expiry_text="12/30", paypal=None)
    assert weeks(work, order_id, W44_DUE + SECOND)[0]["charged_cents"] == 8000
    with work() as ctx:
        assert not settle.anything_due(ctx.session, W44_DUE + SECOND)


def test_a_cancelled_orders_uncharged_hours_are_never_charged(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    log(work, order_id, "5")
    with work(as_=LENA) as ctx:
        cancellations.request(ctx, order_id, "done early")
    with work(as_=ADA) as ctx:
        cancellations.accept(ctx, order_id)
    later = W45_END + timedelta(days=7)
    with work(now=later) as ctx:
        assert not settle.anything_due(ctx.session, later)
        assert hourly.charge_due_weeks(Context.system(ctx.session, later)) == 0
    assert [(w["status"], w["charged_cents"]) for w in weeks(work, order_id, later)] == [
        ("void", None)
    ]
    cancelled = order(work, order_id)
    assert (cancelled.paid_cents, cancelled.refunded_cents) == (500, 500)


def test_a_completed_orders_last_week_is_still_charged(work: Work, shop: Any) -> None:
    order_id = place_hourly(work, rate="10.00")
    log(work, order_id, "3")
    deliver(work, order_id)
    with work(as_=ADA) as ctx:
        lifecycle.accept(ctx, order_id)
    assert weeks(work, order_id, W44_DUE)[0]["charged_cents"] == 3000
    assert order(work, order_id).status == "completed"


def test_a_week_charged_after_completion_earns_its_points(work: Work, shop: Any) -> None:
    order_id = place_hourly(work, rate="10.00")  # the 5.00 fee is paid at checkout
    log(work, order_id, "3")
    deliver(work, order_id)
    with work(as_=ADA) as ctx:
        lifecycle.accept(ctx, order_id)
    assert points(work) == 5  # silver: 1 per whole dollar of the fee
    weeks(work, order_id, W44_DUE)  # the week ends: 30.00 charged after completion
    assert points(work, W44_DUE) == 35
    with work(now=W44_DUE) as ctx:  # settled once: a second settlement earns nothing more
        settle.settle_due(ctx.session, W44_DUE)
    assert points(work, W44_DUE) == 35


def points(work: Work, now: datetime = T0) -> int:
    with work(now=now) as ctx:
        return ctx.session.exec(select(Account.points).where(Account.slug == "acme")).one()


# -- the weekly report and the limit -------------------------------------------------------


def test_the_report_has_one_row_per_week(work: Work, shop: Any) -> None:
    order_id = place_hourly(work, rate="10.00")
    log(work, order_id, "1.25")
    log(work, order_id, "2")
    log(work, order_id, "4", week="2026-W45", now=W44_END + SECOND)
    rows = weeks(work, order_id, W44_END + SECOND)
    assert [
        (r["week"], r["hours"], r["entries"], r["charged_cents"], r["status"]) for r in rows
    ] == [("2026-W44", "3.25", 2, None, "pending"), ("2026-W45", "4.00", 1, None, "open")]
    assert rows[0]["amount_cents"] == 3250 and rows[1]["invoice_id"] is None
    with work(as_=LENA) as ctx:  # the freelancer reads it too
        assert len(hourly.weeks(ctx, order_id)) == 2
    with pytest.raises(NotFound), work(as_=MIA) as ctx:
        hourly.weeks(ctx, order_id)


def test_the_report_is_for_hourly_orders(work: Work, shop: Any) -> None:
    order_id = place_milestones(work)
    with refused(RuleViolation, "not_hourly"), work() as ctx:
        hourly.weeks(ctx, order_id)


def test_the_buyer_changes_and_removes_the_weekly_limit(work: Work, shop: Any) -> None:
    order_id = place_hourly(work, limit=20)
    with work(as_="bill@acme.test") as ctx:
        assert hourly.set_weekly_limit(ctx, order_id, 30).weekly_limit_hours == 30
    with work(as_=ADA) as ctx:
        assert hourly.set_weekly_limit(ctx, order_id, None).weekly_limit_hours is None
    with work() as ctx:
        changes = [
            r.changes
            for r in ctx.session.exec(select(AuditRecord).order_by(col(AuditRecord.id)))
            if r.action == "order.hours_limit"
        ]
    assert len(changes) == 2
    assert '"weekly_limit_hours"' in changes[1]


def test_the_weekly_limit_is_the_buyers(work: Work, shop: Any) -> None:
    order_id = place_hourly(work, limit=20)
    with pytest.raises(PermissionDenied), work(as_=LENA) as ctx:
        hourly.set_weekly_limit(ctx, order_id, 40)
    for hours in (0, 169):
        with pytest.raises(InvalidInput), work(as_=ADA) as ctx:
            hourly.set_weekly_limit(ctx, order_id, hours)
    fixed = place(work, OrderRequest(freelancer="lena", service_id=1))
    with refused(RuleViolation, "not_hourly"), work(as_=ADA) as ctx:
        hourly.set_weekly_limit(ctx, fixed, 10)
    assert order(work, order_id).weekly_limit_hours == 20


def test_a_closed_orders_limit_does_not_change(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    deliver(work, order_id)
    with work(as_=ADA) as ctx:
        lifecycle.accept(ctx, order_id)
    with refused(RuleViolation, "order_closed"), work(as_=ADA) as ctx:
        hourly.set_weekly_limit(ctx, order_id, 5)
