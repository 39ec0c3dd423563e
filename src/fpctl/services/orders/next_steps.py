"""`order next`: what can happen to an order now, who must act, by when, and the exact
command for each step (SPEC §1.5).

Derived from the order's status (``domain.orders.moves_from``), its kind and its data: the
approval request holding it, an open cancellation or dispute request (the order is then on
hold and only the request can move), the due date, the review window, revisions left, the review and
the guarantee window. Buyer-side commands name the placer when they can still act (else the
admin); seller-side commands name the freelancer (``@username``); approvals name the admin.
Steps nobody takes (time rules) have ``who`` = ``nobody (time)`` and no command.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from fpctl.clock import iso
from fpctl.domain.enums import ApprovalKind, ApprovalStatus
from fpctl.domain.money import format_cents
from fpctl.domain.orders import (
    VERY_LATE_AFTER,
    Move,
    OrderKind,
    OrderStatus,
    flags,
    moves_from,
)
from fpctl.services import lookups
from fpctl.services.context import Context
from fpctl.services.money import order_payments
from fpctl.services.orders import (
    hourly,
    next_cancellation,
    next_dispute,
    refunds,
    reviews,
    visibility,
)
from fpctl.services.orders.lifecycle import current_milestone
from fpctl.services.orders.next_plan import (
    ADMIN_WHO,
    BUYER_WHO,
    FREELANCER_WHO,
    SUPPORT_WHO,
    TIME_WHO,
    Next,
    Plan,
    argv,
)
from fpctl.store.rows import id_of
from fpctl.store.tables import (
    ApprovalRequest,
    OrderMilestone,
)


def _approval(plan: Plan) -> None:
    request = plan.ctx.session.exec(
        select(ApprovalRequest)
        .where(ApprovalRequest.kind == ApprovalKind.ORDER)
        .where(ApprovalRequest.subject_id == plan.order.id)
        .where(ApprovalRequest.status == ApprovalStatus.PENDING)
    ).first()
    if request is None:
        return
    who = ADMIN_WHO if lookups.current_admin(plan.ctx) is not None else SUPPORT_WHO
    flags_ = plan.admin_flags()
    amount = format_cents(plan.order.total_cents)
    plan.add(
        "approve",
        who,
        by=request.expires_at,
        argv=argv("approvals", "approve", request.id, *flags_),
        note=f"approval request {request.id} ({amount}): the first payment is taken then",
    )
    plan.add(
        "reject",
        who,
        by=request.expires_at,
        argv=argv("approvals", "reject", request.id, *flags_),
        note="nothing was charged; a reason may be given with --reason",
    )
    plan.add(
        "expire",
        TIME_WHO,
        by=request.expires_at,
        note="not decided by then, the order is rejected on its own (nothing was charged)",
    )


def _requirements(plan: Plan) -> None:
    plan.add(
        "requirements",
        BUYER_WHO,
        argv=[*plan.order_argv("requirements", "TEXT"), *plan.buyer],
        note="submit what the freelancer needs: the order starts",
    )
    plan.add(
        "skip-requirements",
        FREELANCER_WHO,
        argv=[*plan.order_argv("skip-requirements"), *plan.seller],
        note="start without requirements",
    )


def _iso_week(when: datetime) -> str:
    year, week, _ = when.isocalendar()
    return f"{year}-W{week:02d}"


def _deliver(plan: Plan) -> None:
    order = plan.order
    note = "deliver the work"
    if order.kind == OrderKind.MILESTONES:
        milestone = current_milestone(plan.ctx.session, order)
        if milestone is not None:
            note = f"deliver milestone {milestone.position}: {milestone.title}"
    late = flags(order.status, order.due_at, plan.now)
    if late:
        note += f"; {' and '.join(late).replace('_', ' ')} (due {iso(order.due_at)})"
    elif order.due_at is not None:
        note += (
            f"; from {iso(order.due_at + VERY_LATE_AFTER)} (24 h past due) the buyer may "
            "cancel alone"
        )
    plan.add(
        "deliver",
        FREELANCER_WHO,
        by=order.due_at,
        argv=[*plan.order_argv("deliver"), *plan.seller],
        note=note,
    )
    if order.kind == OrderKind.HOURLY:
        plan.add(
            "hours log",
            FREELANCER_WHO,
            argv=[
                *argv("order", "hours", "log", order.id),
                *argv("--week", _iso_week(plan.now), "--hours", "H", "--description", "TEXT"),
                *plan.seller,
            ],
            note="log the week's hours (H: hours worked); each ended week is a report the "
            "buyer approves (5 days, then the clock), charged within the limit "
            f"({order.weekly_limit_hours or 'no'} h a week)",
        )
        plan.add(
            "hours limit",
            BUYER_WHO,
            argv=[*argv("order", "hours", "limit", order.id, "--hours", "H"), *plan.buyer],
            note="change the weekly hour limit (H: 1 to 168), or remove it with --none",
        )


def _hourly_charges(plan: Plan) -> None:
    """Each week not yet charged: its report to answer once the week has ended, the
    clock's approval at the end of the window, a dispute to resolve, or a charge to retry."""
    order = plan.order
    for week in hourly.weeks(plan.ctx, id_of(order)):
        status, report = week.status, week.report
        flag = ("--week", week.week)
        if status == hourly.OPEN and report is not None:
            plan.add(
                "hours report",
                TIME_WHO,
                by=week.rows[0].week_ends_at,
                note=f"{week.week} ends: its hours form a report for the buyer side to approve",
            )
        elif status == hourly.PENDING and report is not None:
            amount = format_cents(week.amount_cents or 0)
            for verb, extra, note in (
                ("approve", (), f"approve {week.week}'s hours: {amount} is charged now"),
                ("dispute", ("--reason", "TEXT"), "dispute all its hours, or --hours H of them"),
            ):
                plan.add(
                    f"hours {verb}",
                    BUYER_WHO,
                    by=report.answer_by,
                    argv=[*argv("order", "hours", verb, order.id, *flag, *extra), *plan.buyer],
                    note=note,
                )
            plan.add(
                "hours auto-approve",
                TIME_WHO,
                by=report.answer_by,
                note=f"unanswered, {week.week} is approved and charged ({amount})",
            )
        elif status == hourly.DISPUTED:
            plan.add(
                "hours approve",
                BUYER_WHO,
                argv=[*argv("order", "hours", "approve", order.id, *flag), *plan.buyer],
                note=f"approve {week.week} after all: every hour logged is charged",
            )
            plan.add(
                "hours concede",
                FREELANCER_WHO,
                argv=[*argv("order", "hours", "concede", order.id, *flag), *plan.seller],
                note=f"accept the dispute of {week.week}: only the undisputed hours are charged",
            )
        elif status == hourly.APPROVED:
            plan.add(
                "charge hours",
                TIME_WHO,
                note=f"{week.week} is approved: its charge is tried again at every settlement "
                "until it is paid",
            )


def _milestone_after(plan: Plan, milestone: OrderMilestone) -> str:
    following = order_payments.milestone_at(plan.ctx.session, plan.order, milestone.position + 1)
    if following is None:
        return f"accept milestone {milestone.position} (the last): the order completes"
    return (
        f"accept milestone {milestone.position}: milestone {following.position} "
        f"({following.title}, {format_cents(following.amount_cents)}) is charged and starts"
    )


def _review_delivery(plan: Plan) -> None:
    order = plan.order
    by = order.auto_complete_at
    milestone = (
        current_milestone(plan.ctx.session, order) if order.kind == OrderKind.MILESTONES else None
    )
    if milestone is not None:
        plan.add(
            "milestone accept",
            BUYER_WHO,
            by=by,
            argv=[*argv("order", "milestone", "accept", order.id), *plan.buyer],
            note=_milestone_after(plan, milestone),
        )
    else:
        plan.add(
            "accept",
            BUYER_WHO,
            by=by,
            argv=[*plan.order_argv("accept"), *plan.buyer],
            note="accept the delivery: the order completes",
        )
    left = order.revisions_included - order.revisions_used
    if left > 0:
        plan.add(
            "revision",
            BUYER_WHO,
            by=by,
            argv=[*plan.order_argv("revision"), "--reason", "TEXT", *plan.buyer],
            note=f"ask for a revision ({left} of {order.revisions_included} left)",
        )
    plan.add(
        "auto-complete",
        TIME_WHO,
        by=by,
        note="unless the buyer acts, the order completes on its own"
        + ("; later milestones are never charged" if milestone is not None else ""),
    )


def _completed(plan: Plan) -> None:
    order = plan.order
    if reviews.of_order(plan.ctx, id_of(order)) is None:
        plan.add(
            "review",
            BUYER_WHO,
            argv=[*plan.order_argv("review"), "--rating", "5", *plan.buyer],
            note="rate the freelancer 1 to 5 (--rating), with optional --text TEXT",
        )
    ends = refunds.guarantee_ends(order)
    left = order_payments.refundable_cents(order)
    if ends is not None and plan.now <= ends and left > 0:
        plan.add(
            "refund",
            SUPPORT_WHO,
            by=ends,
            argv=[*plan.order_argv("refund"), *plan.support],
            note=f"satisfaction guarantee: up to {format_cents(left)} back to the balance "
            "(--amount for less)",
        )


def _open_order(plan: Plan) -> None:
    order = plan.order
    moves = moves_from(order.status)
    if Move.APPROVE in moves:
        _approval(plan)
    if Move.SUBMIT_REQUIREMENTS in moves:
        _requirements(plan)
    if Move.DELIVER in moves:
        _deliver(plan)
    if Move.ACCEPT in moves:
        _review_delivery(plan)
    if order.kind == OrderKind.HOURLY:
        _hourly_charges(plan)
    if Move.CANCEL in moves:
        next_cancellation.cancel_alone(plan)
        next_cancellation.cancel_requests(plan)
    next_dispute.proposals(plan)


def next_steps(ctx: Context, order_id: int) -> Next:
    """Everything that can happen next to the order (a read: anyone who sees it)."""
    order = visibility.find(ctx, order_id)
    plan = Plan(ctx, order)
    if order.status in (OrderStatus.CANCELLED, OrderStatus.REJECTED):
        return Next(order, [], f"order {order.id} is {order.status}: nothing more can happen")
    if order.status == OrderStatus.COMPLETED:
        _completed(plan)
        if order.kind == OrderKind.HOURLY:
            _hourly_charges(plan)
        note = None if plan.steps else f"order {order.id} is completed: nothing is left to do"
        return Next(order, plan.steps, note)
    request = visibility.open_cancellation(ctx.session, order)
    if request is not None:
        next_cancellation.open_request(plan, request)
        return Next(
            order, plan.steps, f"order {order.id} is on hold: {next_cancellation.held(request)}"
        )
    dispute = visibility.open_dispute(ctx.session, order)
    if dispute is not None:
        next_dispute.open_request(plan, dispute)
        return Next(order, plan.steps, f"order {order.id} is on hold: {next_dispute.held(dispute)}")
    _open_order(plan)
    return Next(order, plan.steps)
