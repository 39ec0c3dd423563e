"""Hourly orders (SPEC §1.5): the hours a freelancer logs, reported and charged week by week.

Hourly orders: the order's freelancer logs hours for an ISO week (the current one, or an
earlier one not yet answered and not before the order was placed) while the order is in
progress, in revision or delivered. The week's first hours make its report
(``OrderHourReport``); when the week ends (Monday 00:00 UTC) the buyer side approves or
disputes it (``hour_reports``) within ``HOUR_REPORT_WINDOW``, after which the clock approves
it. An approved week's hours are charged together, in one payment with one invoice:
``rate * billed hundredths // 100`` rounded down to the cent, where the billed hours are the
hours approved (all those logged, or fewer when the freelancer conceded a dispute), capped
at the weekly limit in force when the week is charged (SPEC: "charged weekly for the logged
hours within the limit"; the buyer may lower or remove the limit at any time). Choices where
the spec is silent:

- Hours logged for a week that has ended (still pending) restart its window: the buyer
  gets the whole window to answer the amended report.

- A week whose charge cannot be paid (no funds and no payment method) is left due, with
  nothing recorded, and is tried again on every later settlement until it is paid; the
  other orders' weeks are charged all the same (``tick`` never fails for one account).
- The hours of an order that is cancelled (or rejected) before they were charged are never
  charged; the week reports them as ``void``. A completed order's last week is still
  charged when it ends.
- While a mutual-cancellation or dispute request is open, hours cannot be logged (the
  order is on hold); weeks that end meanwhile are charged as usual (a cancellation refunds
  them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from itertools import groupby
from typing import Any

from sqlmodel import Session, col, select

from fpctl.clock import iso
from fpctl.domain.money import format_cents
from fpctl.domain.orders import (
    HOUR_REPORT_WINDOW,
    OrderKind,
    OrderStatus,
    format_hours,
    parse_iso_week,
)
from fpctl.domain.permissions import Action
from fpctl.domain.text import LONG_TEXT, within
from fpctl.errors import InvalidInput, RuleViolation
from fpctl.services import order_audit
from fpctl.services.context import Context
from fpctl.services.money import order_payments, rewards
from fpctl.services.orders import visibility
from fpctl.store.rows import id_of
from fpctl.store.tables import Order, OrderHourReport, OrderHours

HOURS_IN_A_WEEK = 168
#: While the freelancer works or the buyer reviews, hours may be logged.
LOGGING_STATUSES = frozenset(
    {OrderStatus.IN_PROGRESS, OrderStatus.IN_REVISION, OrderStatus.DELIVERED}
)
#: Orders whose uncharged hours are never charged.
NEVER_CHARGED = (OrderStatus.CANCELLED.value, OrderStatus.REJECTED.value)
OPEN, CHARGED, VOID = "open", "charged", "void"
#: A report's stored statuses: awaiting the buyer's answer, approved (charged, or due to be),
#: disputed (not charged until resolved), waived (a dispute of every hour, conceded).
PENDING, APPROVED, DISPUTED, WAIVED = "pending", "approved", "disputed", "waived"

# -- hours: parsing ------------------------------------------------------------------------

_HOURS = re.compile(r"^\d{1,4}(\.\d{1,2})?$", re.ASCII)


def parse_hours(text: str) -> int:
    """``12.5`` → 1250 hundredths of an hour: more than 0, at most two decimals, at most
    the hours of a week. Decimal arithmetic only (never floats)."""
    cleaned = text.strip()
    if not _HOURS.match(cleaned):
        raise InvalidInput(
            f"{text!r} is not a number of hours",
            hint="write it like 7.5 or 12.25 (at most two decimals)",
        )
    hundredths = int(Decimal(cleaned) * 100)
    if not 0 < hundredths <= HOURS_IN_A_WEEK * 100:
        raise InvalidInput(f"hours are more than 0 and at most {HOURS_IN_A_WEEK}, not {text}")
    return hundredths


@dataclass(frozen=True)
class Week:
    label: str  # 2026-W47
    starts_at: datetime  # Monday 00:00 UTC
    ends_at: datetime  # the next Monday 00:00 UTC: the week is charged then


def week_of(text: str) -> Week:
    monday = parse_iso_week(text)
    year, number, _ = monday.isocalendar()
    starts = datetime.combine(monday, time(0), tzinfo=UTC)
    return Week(f"{year}-W{number:02d}", starts, starts + timedelta(days=7))


# -- hours: logging ------------------------------------------------------------------------


def require_hourly(order: Order) -> None:
    if order.kind != OrderKind.HOURLY:
        raise RuleViolation(
            f"order {order.id} is a {order.kind} order: hours are logged on hourly orders only",
            code="not_hourly",
        )


def _week_rows(session: Session, order_id: int, week: str) -> list[OrderHours]:
    return list(
        session.exec(
            select(OrderHours)
            .where(OrderHours.order_id == order_id)
            .where(OrderHours.week == week)
            .order_by(col(OrderHours.id))
        )
    )


def logged_hundredths(session: Session, order_id: int, week: str) -> int:
    return sum(row.hundredths for row in _week_rows(session, order_id, week))


def _check_loggable(ctx: Context, order: Order, week: Week) -> None:
    if order.status not in LOGGING_STATUSES:
        raise RuleViolation(
            f"order {order.id} is {order.status}: hours are logged while it is in progress, "
            "in revision or delivered",
            code="order_not_running",
        )
    visibility.require_unheld(order, visibility.hold_of(ctx.session, order))
    if week.starts_at > ctx.now:
        raise InvalidInput(
            f"{week.label} has not started yet: hours are logged for the current week or "
            "an earlier one",
            code="future_week",
        )
    if week.ends_at <= order.created_at:
        raise RuleViolation(
            f"{week.label} ended before order {order.id} was placed ({iso(order.created_at)})",
            code="week_before_order",
        )


def log_hours(
    ctx: Context, order_id: int, *, week: str, hours: str, description: str
) -> OrderHours:
    """The order's freelancer logs hours for one ISO week."""
    order = visibility.authorize(ctx, Action.ORDER_HOURS_LOG, order_id)
    require_hourly(order)
    the_week = week_of(week)
    hundredths = parse_hours(hours)
    text = within(description.strip(), "the description", LONG_TEXT)
    if not text:
        raise InvalidInput("say what the hours were for", hint="add --description TEXT")
    _check_loggable(ctx, order, the_week)
    logged = _week_rows(ctx.session, id_of(order), the_week.label)
    if any(row.charged_at is not None for row in logged):
        raise RuleViolation(
            f"{the_week.label} of order {order.id} is already charged: no more hours for it",
            code="week_charged",
        )
    _check_week_total(order, the_week.label, sum(r.hundredths for r in logged), hundredths)
    _, answer_by = _report_for_logging(ctx, order, the_week)
    row = OrderHours(
        order_id=id_of(order),
        week=the_week.label,
        week_ends_at=the_week.ends_at,
        hundredths=hundredths,
        description=text,
        logged_at=ctx.now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    ctx.record(
        action=Action.ORDER_HOURS_LOG,
        target=f"{order_audit.target(order)} hours:{row.id}",
        account_id=order.account_id,
        changes={
            "week": (None, row.week),
            "hours": (None, format_hours(hundredths)),
            "description": (None, text),
            **answer_by,
        },
    )
    return row


def report_of(session: Session, order_id: int, week: str) -> OrderHourReport | None:
    return session.exec(
        select(OrderHourReport)
        .where(OrderHourReport.order_id == order_id)
        .where(OrderHourReport.week == week)
    ).first()


def _report_for_logging(
    ctx: Context, order: Order, week: Week
) -> tuple[OrderHourReport, dict[str, tuple[Any, Any]]]:
    """The week's report, made with its first hours; hours added once the week has ended
    restart the window. Refused once the buyer side has answered it."""
    report = report_of(ctx.session, id_of(order), week.label)
    if report is None:
        report = OrderHourReport(
            order_id=id_of(order), week=week.label, answer_by=week.ends_at + HOUR_REPORT_WINDOW
        )
        ctx.session.add(report)
        return report, {}
    if report.status != PENDING:
        raise RuleViolation(
            f"{week.label} of order {order.id} is {report.status}: no more hours for it",
            hint=f"see it with: fpctl order hours list {order.id}",
            code="week_answered",
        )
    if ctx.now < week.ends_at:
        return report, {}
    before = report.answer_by
    report.answer_by = max(before, ctx.now + HOUR_REPORT_WINDOW)
    ctx.session.add(report)
    return report, {"answer_by": (iso(before), iso(report.answer_by))}


def _check_week_total(order: Order, week: str, logged: int, adding: int) -> None:
    total = logged + adding
    limit = order.weekly_limit_hours
    if limit is not None and total > limit * 100:
        raise RuleViolation(
            f"{format_hours(adding)} h more would take {week} of order {order.id} to "
            f"{format_hours(total)} h: {format_hours(logged)} h logged, the weekly limit "
            f"is {limit} h",
            hint=f"the buyer can raise the limit: fpctl order hours limit {order.id} --hours H",
            code="over_weekly_limit",
        )
    if total > HOURS_IN_A_WEEK * 100:
        raise RuleViolation(
            f"{week} has {HOURS_IN_A_WEEK} hours: {format_hours(logged)} h are logged already",
            code="over_weekly_limit",
        )


@dataclass(frozen=True)
class Logged:
    """An entry just logged, with its week's total so far (``order hours log``)."""

    row: OrderHours
    order: Order
    week_total: int  # hundredths of an hour
    answer_by: datetime | None  # the end of the week report's window
    ended: bool  # the week has ended: its report awaits the buyer's answer

    @property
    def status(self) -> str:
        if self.row.charged_at:
            return CHARGED
        return PENDING if self.ended else OPEN


def logged(ctx: Context, row: OrderHours) -> Logged:
    order = ctx.session.get(Order, row.order_id)
    assert order is not None
    total = sum(r.hundredths for r in _week_rows(ctx.session, row.order_id, row.week))
    report = report_of(ctx.session, row.order_id, row.week)
    answer_by = report.answer_by if report is not None else None
    return Logged(row, order, total, answer_by, ctx.now >= row.week_ends_at)


# -- hours: the weekly report and the limit ------------------------------------------------


@dataclass(frozen=True)
class WeekReport:
    """One ISO week of an order's hours and its report: open until the week ends, then
    pending (the buyer's answer), approved, disputed, charged, waived, or void."""

    order: Order
    week: str
    rows: list[OrderHours]
    report: OrderHourReport | None
    now: datetime

    @property
    def charged(self) -> list[OrderHours]:
        return [r for r in self.rows if r.charged_at is not None]

    @property
    def status(self) -> str:
        if self.charged:
            return CHARGED
        if self.order.status in NEVER_CHARGED:
            return VOID
        stored = self.report.status if self.report is not None else PENDING
        if stored == PENDING and self.now < self.rows[0].week_ends_at:
            return OPEN
        return stored

    @property
    def hundredths(self) -> int:
        return sum(r.hundredths for r in self.rows)

    @property
    def disputed(self) -> int | None:
        return self.report.disputed_hundredths if self.report is not None else None

    @property
    def amount_cents(self) -> int | None:
        """What was charged, or what approval would charge now (none if void or waived)."""
        if self.charged:
            return sum(r.charged_cents or 0 for r in self.charged)
        if self.status in (VOID, WAIVED):
            return None
        billable = self.report.billable_hundredths if self.report is not None else None
        return charge_of(self.order, self.hundredths, billable)


def weeks(ctx: Context, order_id: int) -> list[WeekReport]:
    """One report per ISO week with hours logged, oldest first."""
    order = visibility.find(ctx, order_id)
    require_hourly(order)
    rows = ctx.session.exec(
        select(OrderHours)
        .where(OrderHours.order_id == order.id)
        .order_by(col(OrderHours.week_ends_at), col(OrderHours.id))
    )
    reports = {
        report.week: report
        for report in ctx.session.exec(
            select(OrderHourReport).where(OrderHourReport.order_id == order.id)
        )
    }
    return [
        WeekReport(order, week, list(group), reports.get(week), ctx.now)
        for week, group in groupby(rows, lambda r: r.week)
    ]


def set_weekly_limit(ctx: Context, order_id: int, hours: int | None) -> Order:
    """The buyer changes the weekly limit (``None`` removes it). It applies from now on, to
    new hours and to every week not yet charged."""
    order = visibility.authorize(ctx, Action.ORDER_HOURS_LIMIT, order_id)
    require_hourly(order)
    visibility.require_open(order, "change its weekly limit")
    if hours is not None and not 1 <= hours <= HOURS_IN_A_WEEK:
        raise InvalidInput(f"the weekly limit is 1 to {HOURS_IN_A_WEEK} hours, not {hours}")
    before = order.weekly_limit_hours
    order.weekly_limit_hours = hours
    order_audit.record_change(
        ctx, order, Action.ORDER_HOURS_LIMIT, {"weekly_limit_hours": (before, hours)}
    )
    return order


# -- the weekly charge (settle.py) ---------------------------------------------------------


def _billed(order: Order, hundredths: int, billable: int | None = None) -> int:
    """The hours charged: those approved (every hour logged unless ``billable`` says
    fewer), within the weekly limit in force."""
    approved = hundredths if billable is None else min(hundredths, billable)
    limit = order.weekly_limit_hours
    return approved if limit is None else min(approved, limit * 100)


def charge_of(order: Order, hundredths: int, billable: int | None = None) -> int:
    """What a week's charge comes to, rounded down to the cent."""
    return (order.hourly_rate_cents or 0) * _billed(order, hundredths, billable) // 100


def _row_shares(rate_cents: int, rows: list[OrderHours], billed: int) -> list[int]:
    """Each row's part of the week's charge, in the order logged: rows fill the billed
    hours first come first; the parts add up exactly to ``rate * billed // 100`` rounded
    down (each part is the difference of two rounded running totals)."""
    shares, running, charged = [], 0, 0
    for row in rows:
        running = min(running + row.hundredths, billed)
        total_so_far = rate_cents * running // 100
        shares.append(total_so_far - charged)
        charged = total_so_far
    return shares


def _charge_week(
    ctx: Context, order: Order, week: str, rows: list[OrderHours], billable: int | None
) -> bool:
    session, now = ctx.session, ctx.now
    logged = sum(r.hundredths for r in rows)
    billed = _billed(order, logged, billable)
    rate = order.hourly_rate_cents or 0
    amount = rate * billed // 100
    paid_before = order.paid_cents
    try:
        payment = order_payments.pay(
            session,
            order,
            amount,
            now=now,
            purpose="hourly",
            description=f"order {order.id}: {format_hours(billed).rstrip('0').rstrip('.')} h "
            f"in {week} at {format_cents(rate)}/h",
        )
    except RuleViolation:
        return False  # left due: tried again at the next settlement (see the module's doc)
    invoice_id = payment.invoice.id if payment.invoice else None
    for row, share in zip(rows, _row_shares(rate, rows, billed), strict=True):
        row.charged_at = now
        row.charged_cents = share
        row.invoice_id = invoice_id
        session.add(row)
    changes: dict[str, tuple[Any, Any]] = {
        "week": (None, week),
        "hours": (None, format_hours(billed)),
        "charged_cents": (None, amount),
        "paid_cents": (paid_before, order.paid_cents),
    }
    if billed != logged:
        changes["logged_hours"] = (None, format_hours(logged))
    ctx.record(
        action="order.hours_charge",
        target=order_audit.target(order),
        account_id=order.account_id,
        changes=changes,
    )
    if order.completed_at is not None:
        rewards.on_charge_after_completion(session, order, amount, now, ctx.actor)
    return True


def charge_week(ctx: Context, order: Order, report: OrderHourReport) -> bool:
    """Charge an approved week's hours now (``hour_reports``); False when it cannot be paid
    (it stays due: ``charge_due_weeks`` tries it again at every settlement)."""
    rows = [r for r in _week_rows(ctx.session, id_of(order), report.week) if r.charged_at is None]
    if not rows or order.status in NEVER_CHARGED:
        return False
    return _charge_week(ctx, order, report.week, rows, report.billable_hundredths)


def _due_rows(
    session: Session, now: datetime
) -> Iterable[tuple[OrderHours, Order, OrderHourReport]]:
    return session.exec(
        select(OrderHours, Order, OrderHourReport)
        .join(Order, col(Order.id) == OrderHours.order_id)
        .join(
            OrderHourReport,
            (col(OrderHourReport.order_id) == OrderHours.order_id)
            & (col(OrderHourReport.week) == OrderHours.week),
        )
        .where(col(OrderHours.charged_at).is_(None))
        .where(col(OrderHours.week_ends_at) <= now)
        .where(OrderHourReport.status == APPROVED)
        .where(col(Order.status).not_in(NEVER_CHARGED))
        .order_by(col(OrderHours.order_id), col(OrderHours.week_ends_at), col(OrderHours.id))
    ).all()


def charge_due_weeks(ctx: Context) -> int:
    """Charge every approved week's hours not yet charged (those a payment failed for when
    they were approved), one payment per order and week; return how many order-weeks were
    charged. A week that cannot be paid stays due (see the module's doc)."""
    session, now = ctx.session, ctx.now
    charged = 0
    for (_, week), group in groupby(_due_rows(session, now), lambda p: (p[0].order_id, p[0].week)):
        triples = list(group)
        order, report = triples[0][1], triples[0][2]
        rows = [row for row, _, _ in triples]
        if _charge_week(ctx, order, week, rows, report.billable_hundredths):
            charged += 1
    return charged
