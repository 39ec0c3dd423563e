"""services.orders.hour_reports: each ended week of an hourly order is a report the buyer
side approves or disputes within 5 days; unanswered, the clock approves it; disputed hours
are charged only once the dispute is resolved."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from fpctl.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from fpctl.services import settle
from fpctl.services.context import Context
from fpctl.services.money import payment_methods
from fpctl.services.orders import cancellations, hour_reports, hourly
from fpctl.services.team import accounts
from fpctl.store.tables import AuditRecord, OrderHourReport
from tests.services.test_order_work import (
    ADA,
    LENA,
    MIA,
    SECOND,
    T0,
    W44_DUE,
    W44_END,
    W45_END,
    Work,
    invoices,
    log,
    order,
    place_hourly,
    refused,
    weeks,
)

W44 = "2026-W44"
SUPPORT = {"as_": "support", "account": "acme", "reason": "ticket 9"}


def approve(work: Work, order_id: int, now: Any = W44_END, **actor: Any) -> Any:
    with work(**(actor or {"as_": ADA}), now=now) as ctx:
        return hour_reports.approve(ctx, order_id, W44)


def dispute(
    work: Work, order_id: int, hours: str | None = None, now: Any = W44_END, **actor: Any
) -> Any:
    with work(**(actor or {"as_": ADA}), now=now) as ctx:
        return hour_reports.dispute(ctx, order_id, W44, reason="not agreed", hours=hours)


def concede(work: Work, order_id: int, now: Any = W44_END + SECOND, as_: str = LENA) -> Any:
    with work(as_=as_, now=now) as ctx:
        return hour_reports.concede(ctx, order_id, W44)


def week(work: Work, order_id: int, now: Any) -> dict[str, Any]:
    return weeks(work, order_id, now)[0]


def actions(work: Work) -> list[str]:
    with work() as ctx:
        rows = ctx.session.exec(select(AuditRecord).order_by(col(AuditRecord.id)))
        return [r.action for r in rows if r.action.startswith("order.hours_")]


# -- approving -----------------------------------------------------------------------------


def test_the_buyer_approves_an_ended_week_and_it_is_charged_at_once(work: Work, shop: Any) -> None:
    order_id = place_hourly(work, rate="10.00")
    log(work, order_id, "3")
    answered = approve(work, order_id)
    assert (answered.report.status, answered.charged, answered.logged) == ("approved", True, 300)
    assert order(work, order_id).paid_cents == 500 + 3000
    seen = week(work, order_id, W44_END)
    assert (seen["status"], seen["charged_cents"], seen["answered_by"]) == ("charged", 3000, ADA)
    assert actions(work) == ["order.hours_log", "order.hours_approve", "order.hours_charge"]
    # nothing left for the clock
    with work(now=W44_DUE) as ctx:
        assert not settle.anything_due(ctx.session, W44_DUE)


def test_a_week_is_answered_only_once_it_has_ended(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    log(work, order_id, "3")
    with refused(RuleViolation, "week_not_ended"):
        approve(work, order_id, now=W44_END - SECOND)
    with refused(RuleViolation, "week_not_ended"):
        dispute(work, order_id, now=W44_END - SECOND)


def test_a_week_with_no_hours_has_no_report(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    with refused(RuleViolation, "no_hours"):
        approve(work, order_id)


def test_the_window_ends_5_days_after_the_week_exactly(work: Work, shop: Any) -> None:
    order_id = place_hourly(work, rate="10.00")
    log(work, order_id, "2")
    assert week(work, order_id, W44_END)["answer_by"] == "2026-11-07T00:00:00Z"
    # one second before the end the buyer still answers ...
    assert approve(work, order_id, now=W44_DUE - SECOND).charged
    # ... and at the end the clock has answered already
    other = place_hourly(work, rate="10.00")
    log(work, other, "2")
    with refused(RuleViolation, "report_answered"):
        approve(work, other, now=W44_DUE)
    with refused(RuleViolation, "report_answered"):
        dispute(work, other, now=W44_DUE)
    seen = week(work, other, W44_DUE)
    assert (seen["status"], seen["answered_by"]) == ("charged", None)


def test_the_clock_approves_as_the_system(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    log(work, order_id, "1")
    with work(now=W44_DUE - SECOND) as ctx:
        assert not settle.anything_due(ctx.session, W44_DUE - SECOND)
        assert settle.anything_due(ctx.session, W44_DUE)
    with work(now=W44_DUE) as ctx:
        approved = ctx.session.exec(
            select(AuditRecord).where(AuditRecord.action == "order.hours_auto_approve")
        ).one()
        assert approved.target == f"order:{order_id} week:{W44}"
        assert not settle.anything_due(ctx.session, W44_DUE)


def test_an_approved_week_that_cannot_be_paid_is_tried_again(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    log(work, order_id, "2")
    with work(as_=ADA) as ctx:
        payment_methods.remove(ctx, 1)
    assert not approve(work, order_id).charged
    assert week(work, order_id, W44_END)["status"] == "approved"
    with work(now=W44_END + SECOND) as ctx:
        assert settle.anything_due(ctx.session, W44_END + SECOND)
    with work(as_=ADA, now=W44_END + SECOND) as ctx:
        payment_methods.add(ctx, card="4242 4242 4242 4242", expiry_text="12/30", paypal=None)
    assert week(work, order_id, W44_END + 2 * SECOND)["charged_cents"] == 8000


# -- disputing and resolving ---------------------------------------------------------------


def test_disputed_hours_are_never_charged_by_the_clock(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    log(work, order_id, "3")
    answered = dispute(work, order_id)
    assert (answered.report.status, answered.report.disputed_hundredths) == ("disputed", 300)
    later = W45_END + timedelta(days=30)
    with work(now=later) as ctx:
        assert not settle.anything_due(ctx.session, later)
    seen = week(work, order_id, later)
    assert (seen["status"], seen["disputed_hours"], seen["reason"]) == (
        "disputed",
        "3.00",
        "not agreed",
    )
    assert order(work, order_id).paid_cents == 500


def test_a_partial_dispute_conceded_charges_the_undisputed_hours(work: Work, shop: Any) -> None:
    order_id = place_hourly(work, rate="10.00")
    log(work, order_id, "5")
    log(work, order_id, "3")
    dispute(work, order_id, hours="2.5")
    assert order(work, order_id).paid_cents == 500  # the undisputed hours wait too
    answered = concede(work, order_id)
    assert (answered.report.status, answered.report.billable_hundredths) == ("approved", 550)
    assert answered.charged
    assert order(work, order_id).paid_cents == 500 + 5500
    assert invoices(work, order_id)[-1] == (
        "hourly",
        5500,
        f"order {order_id}: 5.5 h in 2026-W44 at $10.00/h",
    )
    seen = week(work, order_id, W44_END + SECOND)
    assert (seen["hours"], seen["charged_cents"], seen["resolved_by"]) == ("8.00", 5500, "@lena")


def test_a_conceded_week_stays_within_the_weekly_limit(work: Work, shop: Any) -> None:
    order_id = place_hourly(work, rate="10.00", limit=10)
    log(work, order_id, "10")
    dispute(work, order_id, hours="1")
    with work(as_=ADA, now=W44_END) as ctx:
        hourly.set_weekly_limit(ctx, order_id, 4)
    concede(work, order_id)
    assert week(work, order_id, W44_END + SECOND)["charged_cents"] == 4000  # 9 h, capped at 4


def test_conceding_a_dispute_of_every_hour_waives_the_week(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    log(work, order_id, "3")
    dispute(work, order_id)
    answered = concede(work, order_id)
    assert (answered.report.status, answered.charged) == ("waived", False)
    seen = week(work, order_id, W44_DUE)
    assert (seen["status"], seen["amount_cents"], seen["charged_cents"]) == ("waived", None, None)
    assert order(work, order_id).paid_cents == 500
    with work(now=W44_DUE) as ctx:
        assert not settle.anything_due(ctx.session, W44_DUE)


def test_the_buyer_may_approve_a_disputed_week_after_all(work: Work, shop: Any) -> None:
    order_id = place_hourly(work, rate="10.00")
    log(work, order_id, "3")
    dispute(work, order_id, hours="1")
    answered = approve(work, order_id, now=W44_END + SECOND)
    assert (answered.report.status, answered.report.resolved_by) == ("approved", ADA)
    assert order(work, order_id).paid_cents == 500 + 3000  # every hour logged


def test_support_may_resolve_a_dispute(work: Work, shop: Any) -> None:
    order_id = place_hourly(work, rate="10.00")
    log(work, order_id, "3")
    dispute(work, order_id)
    assert approve(work, order_id, now=W44_END + SECOND, **SUPPORT).charged
    with refused(RuleViolation, "report_answered"):
        approve(work, order_id, now=W44_END + 2 * SECOND)


def test_an_answered_week_takes_no_more_hours(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    log(work, order_id, "3")
    dispute(work, order_id)
    with refused(RuleViolation, "week_answered"):
        log(work, order_id, "1", now=W44_END + SECOND)


def test_hours_logged_late_restart_the_window(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    log(work, order_id, "3")
    late = W44_END + timedelta(days=2)
    log(work, order_id, "1", now=late)
    assert week(work, order_id, late)["answer_by"] == "2026-11-09T00:00:00Z"
    assert week(work, order_id, W44_DUE)["status"] == "pending"
    assert week(work, order_id, late + timedelta(days=5))["status"] == "charged"


def test_dispute_checks_its_hours_and_reason(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    log(work, order_id, "3")
    with refused(InvalidInput, "over_logged_hours"):
        dispute(work, order_id, hours="3.01")
    with pytest.raises(InvalidInput), work(as_=ADA, now=W44_END) as ctx:
        hour_reports.dispute(ctx, order_id, W44, reason="  ")
    with refused(RuleViolation, "not_disputed"):
        concede(work, order_id)


def test_a_cancelled_orders_weeks_are_not_answered(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    log(work, order_id, "3")
    with work(as_=LENA) as ctx:
        cancellations.request(ctx, order_id, "done early")
    with work(as_=ADA) as ctx:
        cancellations.accept(ctx, order_id)
    with refused(RuleViolation, "order_closed"):
        approve(work, order_id)
    with work(now=W44_DUE) as ctx:
        assert not settle.anything_due(ctx.session, W44_DUE)
        assert hour_reports.approve_due(Context.system(ctx.session, W44_DUE)) == 0


# -- who answers ---------------------------------------------------------------------------


def test_only_the_buyer_side_answers_and_only_the_freelancer_concedes(
    work: Work, shop: Any
) -> None:
    order_id = place_hourly(work)
    log(work, order_id, "3")
    with pytest.raises(PermissionDenied):
        approve(work, order_id, as_=LENA)
    with pytest.raises(PermissionDenied):
        dispute(work, order_id, as_=LENA)
    with pytest.raises(NotFound):  # a member who does not see the order
        approve(work, order_id, as_=MIA)
    dispute(work, order_id)
    with pytest.raises(PermissionDenied):
        concede(work, order_id, as_=ADA)
    with pytest.raises(NotFound):  # another freelancer
        concede(work, order_id, as_="@otto")


def test_another_accounts_order_is_not_found(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    log(work, order_id, "3")
    with work(as_="support", reason="setup") as ctx:
        accounts.create(ctx, name="Globex", admin_email="gus@globex.test", slug="globex")
    with pytest.raises(NotFound):
        approve(work, order_id, as_="gus@globex.test")
    with pytest.raises(NotFound):
        dispute(work, order_id, as_="gus@globex.test")


def test_each_week_has_one_report(work: Work, shop: Any) -> None:
    order_id = place_hourly(work)
    log(work, order_id, "1")
    log(work, order_id, "2")
    log(work, order_id, "2", week="2026-W45", now=W44_END)
    with work(now=T0) as ctx:
        reports = ctx.session.exec(select(OrderHourReport.week, OrderHourReport.status)).all()
    assert sorted(reports) == [(W44, "pending"), ("2026-W45", "pending")]
