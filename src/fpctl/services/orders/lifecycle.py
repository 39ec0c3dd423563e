"""The order lifecycle (SPEC §1.5): requirements, delivery, acceptance, revisions, the
buyer's lone cancel, and the auto-completion 3 days after a delivery (a milestone's too).

Buyer-side moves are made by members who see the order (or support); seller-side moves by
the order's freelancer. While a mutual-cancellation or dispute request is open the order is
on hold: no move is made until the request is answered, withdrawn or settled by the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from fpctl.domain.actors import Actor
from fpctl.domain.orders import (
    AUTO_COMPLETE_AFTER,
    Move,
    OrderKind,
    OrderStatus,
    after,
    buyer_may_cancel_alone,
)
from fpctl.domain.permissions import Action
from fpctl.domain.text import DOCUMENT_TEXT, LONG_TEXT, within
from fpctl.errors import FpctlError, InvalidInput, RuleViolation
from fpctl.services import audit, notifications, order_audit
from fpctl.services.context import Context
from fpctl.services.money import order_payments, rewards
from fpctl.services.orders import delivery_files, visibility
from fpctl.services.orders.held import withdraw_held
from fpctl.store.rows import id_of
from fpctl.store.tables import Order, OrderMilestone

Changes = dict[str, tuple[Any, Any]]


#: A move on one order, once the actor may make it: its audit entry, or None when it
#: wrote its own records (a completion, whose rewards records follow it).
MoveOn = Callable[[Context, Order], "audit.Entry | None"]


def move_many(
    action: Action, items: Sequence[tuple[Context, int]], move: MoveOn
) -> list[Order | FpctlError]:
    """Make ``move`` on each (actor's context, order id), in turn, all in one session: the
    orders are found with one query per actor, their open requests with two,
    and the audit records written together. A refused move (not found, not allowed, on
    hold, a rule) changes nothing and is returned in its place; the others are made."""
    if not items:
        return []
    session = items[0][0].session
    found = visibility.authorize_many(action, items)
    holds = visibility.holds_of(
        session, [id_of(order) for order in found if isinstance(order, Order)]
    )
    outcomes: list[Order | FpctlError] = []
    audited: list[tuple[Actor, datetime, audit.Entry]] = []
    for (ctx, _), order in zip(items, found, strict=True):
        if not isinstance(order, Order):
            outcomes.append(order)
            continue
        try:
            visibility.require_unheld(order, holds.get(id_of(order)))
            entry = move(ctx, order)
        except FpctlError as refused:
            outcomes.append(refused)
            continue
        if entry is not None:
            audited.append((ctx.actor, ctx.now, entry))
        outcomes.append(order)
    audit.record_each(session, audited)
    return outcomes


def _one(action: Action, ctx: Context, order_id: int, move: MoveOn) -> Order:
    [outcome] = move_many(action, [(ctx, order_id)], move)
    if isinstance(outcome, FpctlError):
        raise outcome
    return outcome


def _moved(ctx: Context, order: Order, move: Move, action: str, changes: Changes) -> audit.Entry:
    """Move the order's status (the move was checked) and stamp it: its audit entry."""
    before = order.status
    order.status = after(order.status, move)
    return order_audit.change_entry(
        ctx, order, action, {"status": (before, order.status), **changes}
    )


def submit_requirements(ctx: Context, order_id: int, text: str) -> Order:
    return _one(Action.ORDER_REQUIREMENTS, ctx, order_id, partial(_submit, text=text))


def submit_requirements_many(items: Sequence[tuple[Context, int, str]]) -> list[Order | FpctlError]:
    """``submit_requirements`` for many orders at once (see ``move_many``)."""
    texts = iter([text for _, _, text in items])
    return move_many(
        Action.ORDER_REQUIREMENTS,
        [(ctx, order_id) for ctx, order_id, _ in items],
        lambda ctx, order: _submit(ctx, order, text=next(texts)),
    )


def _submit(ctx: Context, order: Order, *, text: str) -> audit.Entry:
    if not text.strip():
        raise InvalidInput("the requirements are empty")
    within(text, "the requirements text", DOCUMENT_TEXT)
    after(order.status, Move.SUBMIT_REQUIREMENTS)
    order.requirements = text
    order.requirements_at = ctx.now
    return _moved(ctx, order, Move.SUBMIT_REQUIREMENTS, Action.ORDER_REQUIREMENTS, {})


def skip_requirements(ctx: Context, order_id: int) -> Order:
    def skip(ctx: Context, order: Order) -> audit.Entry:
        after(order.status, Move.SKIP_REQUIREMENTS)
        order.requirements_at = ctx.now
        return _moved(ctx, order, Move.SKIP_REQUIREMENTS, Action.ORDER_SKIP_REQUIREMENTS, {})

    return _one(Action.ORDER_SKIP_REQUIREMENTS, ctx, order_id, skip)


def current_milestone(session: Session, order: Order) -> OrderMilestone | None:
    """The charged milestone not yet accepted (the one being worked on or reviewed)."""
    return session.exec(
        select(OrderMilestone)
        .where(OrderMilestone.order_id == order.id)
        .where(col(OrderMilestone.charged_at).is_not(None))
        .where(col(OrderMilestone.accepted_at).is_(None))
        .order_by(col(OrderMilestone.position))
    ).first()


def review_window(order: Order) -> Any:
    return AUTO_COMPLETE_AFTER  # every kind of order, every delivery (SPEC §1.5)


def deliver(ctx: Context, order_id: int, files: Sequence[Path | str] = ()) -> Order:
    """Deliver the order (or its current milestone), with ``files`` stored in the store."""
    return _one(Action.ORDER_DELIVER, ctx, order_id, partial(_deliver, files=files))


def deliver_many(items: Sequence[tuple[Context, int]]) -> list[Order | FpctlError]:
    """``deliver`` for many orders at once, without files (see ``move_many``)."""
    return move_many(Action.ORDER_DELIVER, items, _deliver)


def _deliver(ctx: Context, order: Order, *, files: Sequence[Path | str] = ()) -> audit.Entry:
    after(order.status, Move.DELIVER)
    changes: Changes = {}
    # Only checkout writes milestones, and only for a milestone order.
    milestone = (
        current_milestone(ctx.session, order) if order.kind == OrderKind.MILESTONES else None
    )
    if files:  # refused (too large, unreadable...) before the order moves
        position = milestone.position if milestone is not None else None
        changes.update(delivery_files.attach(ctx, order, files, milestone=position))
    if milestone is not None:
        milestone.delivered_at = ctx.now
        ctx.session.add(milestone)
        changes = {"milestone": (None, milestone.position), **changes}
    order.delivered_at = ctx.now
    order.auto_complete_at = ctx.now + review_window(order)
    entry = _moved(ctx, order, Move.DELIVER, Action.ORDER_DELIVER, changes)
    notifications.delivered(ctx, order)
    return entry


def ask_revision(ctx: Context, order_id: int, reason: str | None = None) -> Order:
    return _one(Action.ORDER_REVISION, ctx, order_id, partial(_ask_revision, reason=reason))


def _ask_revision(ctx: Context, order: Order, *, reason: str | None) -> audit.Entry:
    after(order.status, Move.ASK_REVISION)
    if order.revisions_used >= order.revisions_included:
        included = order.revisions_included
        raise RuleViolation(
            f"order {order.id} has no revision left ({included} included, "
            f"{order.revisions_used} used)",
            hint="accept the delivery, or request a cancellation",
            code="no_revisions_left",
        )
    changes: Changes = {"revisions_used": (order.revisions_used, order.revisions_used + 1)}
    if reason:
        changes["reason"] = (None, within(reason, "the reason", LONG_TEXT))
    order.revisions_used += 1
    order.auto_complete_at = None
    return _moved(ctx, order, Move.ASK_REVISION, Action.ORDER_REVISION, changes)


def accept(ctx: Context, order_id: int, *, action: Action = Action.ORDER_ACCEPT) -> Order:
    """Accept the delivery: the order completes — or, for milestones, the delivered
    milestone is accepted and the next one is charged and started."""
    return _one(action, ctx, order_id, partial(_accept, action=action))


def accept_many(items: Sequence[tuple[Context, int]]) -> list[Order | FpctlError]:
    """``accept`` for many orders at once (see ``move_many``)."""
    return move_many(Action.ORDER_ACCEPT, items, partial(_accept, action=Action.ORDER_ACCEPT))


def _accept(ctx: Context, order: Order, *, action: Action) -> None:
    after(order.status, Move.ACCEPT)
    if order.kind == OrderKind.MILESTONES:
        _accept_milestone(ctx, order, action)
    else:
        _complete(ctx.session, order, ctx.now, action=action, actor=ctx.actor)


def _accept_milestone(ctx: Context, order: Order, action: str) -> Order:
    milestone = current_milestone(ctx.session, order)
    assert milestone is not None
    milestone.accepted_at = ctx.now
    ctx.session.add(milestone)
    following = order_payments.milestone_at(ctx.session, order, milestone.position + 1)
    if following is None:
        return _complete(ctx.session, order, ctx.now, action=action, actor=ctx.actor)
    order_payments.pay_milestone(ctx.session, order, following, now=ctx.now)
    before = order.status
    order.status = OrderStatus.IN_PROGRESS
    order.auto_complete_at = None
    changes = {
        "status": (before, order.status),
        "milestone": (milestone.position, following.position),
        "paid_cents": (order.paid_cents - following.amount_cents, order.paid_cents),
    }
    return order_audit.record_change(ctx, order, action, changes)


def _complete(
    session: Session,
    order: Order,
    now: datetime,
    *,
    action: str,
    actor: Any,
    completed_at: datetime | None = None,
) -> Order:
    """``completed_at`` is when the window closed, for a completion settled later."""
    before = order.status
    order.status = OrderStatus.COMPLETED
    order.completed_at = completed_at or now
    order.auto_complete_at = None
    order.updated_at = now
    session.add(order)
    milestone = current_milestone(session, order) if order.kind == OrderKind.MILESTONES else None
    if milestone is not None:
        milestone.accepted_at = now
        session.add(milestone)
    audit.record(
        session,
        actor,
        now,
        action=action,
        target=order_audit.target(order),
        account_id=order.account_id,
        changes={"status": (before, OrderStatus.COMPLETED)},
    )
    rewards.on_order_completed(session, order, now, actor)
    return order


def cancel(ctx: Context, order_id: int) -> Order:
    """The buyer cancels alone: before requirements are submitted, or once very late.
    Everything paid goes back (credits to credits, the rest to the balance)."""
    return _one(Action.ORDER_CANCEL, ctx, order_id, _cancel)


def _cancel(ctx: Context, order: Order) -> None:
    visibility.require_open(order, "be cancelled")
    if not buyer_may_cancel_alone(order.status, order.due_at, ctx.now):
        raise RuleViolation(
            f"order {order.id} is {order.status}: the buyer cancels alone only before the "
            "requirements are submitted, or once the order is 24 hours past its due date",
            hint=f"fpctl order cancel-request {order.id} --reason TEXT",
            code="cancel_not_allowed",
        )
    close_cancelled(ctx.session, order, ctx.now, action=Action.ORDER_CANCEL, actor=ctx.actor)


def close_cancelled(
    session: Session, order: Order, now: datetime, *, action: str, actor: Any
) -> Order:
    """Cancel the order and refund everything paid for it, with a credit invoice; an order
    still held for approval withdraws its pending request."""
    before = order.status
    withdrawn = (
        withdraw_held(session, order, now) if before == OrderStatus.AWAITING_APPROVAL else None
    )
    refunded_before = order.refunded_cents
    order_payments.refund_everything(
        session, order, now=now, description=f"order {order.id} cancelled: refund"
    )
    order.status = OrderStatus.CANCELLED
    order.closed_at = now
    order.auto_complete_at = None
    order.updated_at = now
    session.add(order)
    entry = audit.Entry(
        action,
        order_audit.target(order),
        order.account_id,
        {
            "status": (before, OrderStatus.CANCELLED),
            "refunded_cents": (refunded_before, order.refunded_cents),
        },
    )
    audit.record_many(session, actor, now, [entry, *([withdrawn] if withdrawn else [])])
    return order


# -- auto-completion (settle.py) -----------------------------------------------------------


def complete_due(ctx: Context) -> int:
    """Deliveries not acted on for 3 days (8 for a milestone) complete on their own; a
    milestone order stops there (later milestones are never charged)."""
    session, now = ctx.session, ctx.now
    due = session.exec(
        select(Order)
        .where(Order.status == OrderStatus.DELIVERED)
        .where(col(Order.auto_complete_at) <= now)
        .order_by(col(Order.id))
    ).all()
    done = 0
    for order in due:
        if visibility.hold_of(session, order) is not None:
            continue  # on hold: the request settles first
        when = order.auto_complete_at
        _complete(
            session, order, now, action="order.auto_complete", actor=ctx.actor, completed_at=when
        )
        done += 1
    return done
