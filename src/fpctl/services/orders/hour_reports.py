"""Weekly hour reports (seed 001: the client reviews the weekly report): answering them.

When an ISO week ends, the hours the freelancer logged for it on an hourly order form its
report (made with the week's first hours, ``hourly``). The buyer side (anyone who sees the
order, or support) approves it, and the week is charged at once, or disputes all or some of
its hours, with a reason; unanswered until ``answer_by`` (the week's end plus
``HOUR_REPORT_WINDOW``, 5 days) it is approved by the clock (``approve_due``), at that
instant exactly, like the other time rules. Choices where the issue is silent:

- Disputed hours are never approved by the clock. The dispute is resolved by the buyer side
  approving the week after all (every hour logged is charged, support may do it too), or by
  the freelancer conceding it (``concede``): the week is charged for the undisputed hours
  only, or waived (never charged) when every hour was disputed.
- The undisputed hours of a partly disputed week wait with the disputed ones: a week is
  charged once, in one payment with one invoice, as before reports existed.
- Once answered, a week takes no more hours; a pending week that has ended still does, and
  they restart its window (``hourly``).
- A week is charged within the weekly limit in force when it is charged; a cancelled or
  rejected order's weeks are never charged (void) and cannot be answered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from fpctl.clock import iso
from fpctl.domain.orders import format_hours
from fpctl.domain.permissions import Action
from fpctl.domain.text import LONG_TEXT, within
from fpctl.errors import InvalidInput, RuleViolation
from fpctl.services import order_audit
from fpctl.services.context import Context
from fpctl.services.orders import hourly, visibility
from fpctl.services.orders.hourly import APPROVED, DISPUTED, NEVER_CHARGED, PENDING, WAIVED
from fpctl.store.rows import id_of
from fpctl.store.tables import Order, OrderHourReport


@dataclass(frozen=True)
class Answered:
    """A week's report after an answer, and whether its charge was paid just now."""

    order: Order
    report: OrderHourReport
    logged: int  # hundredths of an hour
    charged: bool


def _reported_week(ctx: Context, order: Order, week: str) -> tuple[OrderHourReport, int]:
    """The week's report, once the week has ended, with the hours logged for it."""
    hourly.require_hourly(order)
    the_week = hourly.week_of(week)
    if order.status in NEVER_CHARGED:
        raise RuleViolation(
            f"order {order.id} is {order.status}: its hours are never charged",
            code="order_closed",
        )
    report = hourly.report_of(ctx.session, id_of(order), the_week.label)
    if report is None:
        raise RuleViolation(
            f"order {order.id} has no hours logged in {the_week.label}",
            hint=f"see its weeks with: fpctl order hours list {order.id}",
            code="no_hours",
        )
    if ctx.now < the_week.ends_at:
        raise RuleViolation(
            f"{the_week.label} ends at {iso(the_week.ends_at)}: its report is answered once "
            "the week has ended",
            code="week_not_ended",
        )
    logged = hourly.logged_hundredths(ctx.session, id_of(order), the_week.label)
    return report, logged


def _refuse_answered(order: Order, report: OrderHourReport, doing: str) -> None:
    raise RuleViolation(
        f"{report.week} of order {order.id} is {report.status}: it cannot be {doing}",
        hint=f"see it with: fpctl order hours list {order.id}",
        code="report_answered",
    )


def _save(
    ctx: Context, order: Order, action: str, report: OrderHourReport, changes: dict[str, Any]
) -> None:
    """Write the report as changed, with its audit record."""
    ctx.session.add(report)
    ctx.record(
        action=action,
        target=f"{order_audit.target(order)} week:{report.week}",
        account_id=order.account_id,
        changes=changes,
    )


def approve(ctx: Context, order_id: int, week: str) -> Answered:
    """The buyer side approves a pending or disputed week: every hour logged is charged now
    (within the weekly limit)."""
    order = visibility.authorize(ctx, Action.ORDER_HOURS_APPROVE, order_id)
    report, logged = _reported_week(ctx, order, week)
    before = report.status
    if before == PENDING:
        report.answered_by, report.answered_at = ctx.actor.label, ctx.now
    elif before == DISPUTED:
        report.resolved_by, report.resolved_at = ctx.actor.label, ctx.now
    else:
        _refuse_answered(order, report, "approved")
    report.status, report.billable_hundredths = APPROVED, None
    _save(
        ctx,
        order,
        Action.ORDER_HOURS_APPROVE,
        report,
        {"status": (before, APPROVED), "hours": (None, format_hours(logged))},
    )
    return Answered(order, report, logged, hourly.charge_week(ctx, order, report))


def dispute(
    ctx: Context, order_id: int, week: str, *, reason: str, hours: str | None = None
) -> Answered:
    """The buyer side disputes a pending week: every hour, or ``hours`` of them. Nothing of
    the week is charged until the dispute is resolved (see the module's doc)."""
    order = visibility.authorize(ctx, Action.ORDER_HOURS_DISPUTE, order_id)
    text = within(reason.strip(), "the reason", LONG_TEXT)
    if not text:
        raise InvalidInput("say why the hours are disputed", hint="add --reason TEXT")
    report, logged = _reported_week(ctx, order, week)
    if report.status != PENDING:
        _refuse_answered(order, report, "disputed")
    disputed = logged if hours is None else hourly.parse_hours(hours)
    if disputed > logged:
        raise InvalidInput(
            f"{report.week} of order {order.id} has {format_hours(logged)} h logged: "
            f"{format_hours(disputed)} h cannot be disputed",
            code="over_logged_hours",
        )
    report.status, report.disputed_hundredths, report.reason = DISPUTED, disputed, text
    report.answered_by, report.answered_at = ctx.actor.label, ctx.now
    _save(
        ctx,
        order,
        Action.ORDER_HOURS_DISPUTE,
        report,
        {
            "status": (PENDING, DISPUTED),
            "disputed_hours": (None, format_hours(disputed)),
            "reason": (None, text),
        },
    )
    return Answered(order, report, logged, False)


def concede(ctx: Context, order_id: int, week: str) -> Answered:
    """The freelancer accepts the dispute: the undisputed hours are charged now, or the week
    is waived when every hour was disputed."""
    order = visibility.authorize(ctx, Action.ORDER_HOURS_CONCEDE, order_id)
    report, logged = _reported_week(ctx, order, week)
    if report.status != DISPUTED:
        raise RuleViolation(
            f"{report.week} of order {order.id} is {report.status}, not disputed: there is "
            "no dispute to accept",
            code="not_disputed",
        )
    billable = logged - (report.disputed_hundredths or 0)
    after = APPROVED if billable > 0 else WAIVED
    report.status, report.billable_hundredths = after, billable
    report.resolved_by, report.resolved_at = ctx.actor.label, ctx.now
    _save(
        ctx,
        order,
        Action.ORDER_HOURS_CONCEDE,
        report,
        {"status": (DISPUTED, after), "billable_hours": (None, format_hours(billable))},
    )
    charged = after == APPROVED and hourly.charge_week(ctx, order, report)
    return Answered(order, report, logged, charged)


# -- approval by the clock (settle.py) -------------------------------------------------------


def _due(session: Session, now: datetime) -> Iterable[tuple[OrderHourReport, Order]]:
    return session.exec(
        select(OrderHourReport, Order)
        .join(Order, col(Order.id) == OrderHourReport.order_id)
        .where(OrderHourReport.status == PENDING)
        .where(col(OrderHourReport.answer_by) <= now)
        .where(col(Order.status).not_in(NEVER_CHARGED))
        .order_by(col(OrderHourReport.answer_by), col(OrderHourReport.id))
    ).all()


def approve_due(ctx: Context) -> int:
    """Approve every pending report whose window has ended, and charge it (a week that
    cannot be paid stays approved and due: ``hourly.charge_due_weeks`` tries it again);
    return how many were approved."""
    approved = 0
    for report, order in _due(ctx.session, ctx.now):
        report.status, report.answered_at = APPROVED, ctx.now
        _save(
            ctx,
            order,
            "order.hours_auto_approve",
            report,
            {"status": (PENDING, APPROVED), "answer_by": (None, iso(report.answer_by))},
        )
        hourly.charge_week(ctx, order, report)
        approved += 1
    return approved
