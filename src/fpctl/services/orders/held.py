"""Orders held for approval (SPEC §1.4): a policy held them at checkout; the admin approves
(the order is charged then and starts), rejects, or lets 7 days pass (rejected, never
charged); cancelling a held order withdraws its request. ``approvals`` dispatches here."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from fpctl.domain.enums import (
    ApprovalKind,
    ApprovalStatus,
)
from fpctl.domain.orders import (
    OrderStatus,
)
from fpctl.errors import RuleViolation
from fpctl.services import approval_requests
from fpctl.services.audit import Entry
from fpctl.services.context import Context
from fpctl.services.order_audit import target
from fpctl.services.orders import checkout
from fpctl.services.orders.visibility import open_cancellation
from fpctl.store.tables import (
    ApprovalRequest,
    Order,
)


def _held_order(session: Session, request: ApprovalRequest) -> Order:
    order = session.get(Order, request.subject_id)
    assert order is not None
    return order


def _waiting(session: Session, request: ApprovalRequest) -> Order:
    order = _held_order(session, request)
    if order.status != OrderStatus.AWAITING_APPROVAL:
        raise RuleViolation(
            f"approval request {request.id} cannot be decided: its order {order.id} is "
            f"{order.status}",
            code="request_closed",
        )
    return order


def approve_held(ctx: Context, request: ApprovalRequest) -> Entry:
    """The order starts and its first payment is taken now (refused if it cannot be paid,
    or while a cancellation request holds the order)."""
    order = _waiting(ctx.session, request)
    cancellation = open_cancellation(ctx.session, order)
    if cancellation is not None:
        raise RuleViolation(
            f"order {order.id} has an open cancellation request (requested by "
            f"{cancellation.requested_by}): it cannot be approved until the request is answered",
            hint=f"reject it instead, or answer the request: fpctl order cancel-accept {order.id}",
            code="cancellation_open",
        )
    order.status = OrderStatus.AWAITING_REQUIREMENTS
    order.updated_at = ctx.now
    checkout.first_payment(ctx, order)
    return Entry(
        "order.approve",
        target(order),
        order.account_id,
        {
            "status": (OrderStatus.AWAITING_APPROVAL, order.status),
            "paid_cents": (0, order.paid_cents),
        },
    )


def _close_held(session: Session, order: Order, action: str, now: datetime) -> Entry:
    """The order ends, never charged; an open cancellation request on it has nothing left
    to cancel and is closed with it (so it can never reopen a rejected order)."""
    order.status = OrderStatus.REJECTED  # nothing was charged
    order.closed_at = now
    order.updated_at = now
    changes: dict[str, tuple[object, object]] = {
        "status": (OrderStatus.AWAITING_APPROVAL, OrderStatus.REJECTED)
    }
    cancellation = open_cancellation(session, order)
    if cancellation is not None:
        cancellation.status = "withdrawn"
        cancellation.closed_at = now
        cancellation.closed_by = "system"
        session.add(cancellation)
        changes["cancellation"] = ("open", "withdrawn")
    return Entry(action, target(order), order.account_id, changes)


def reject_held(ctx: Context, request: ApprovalRequest) -> Entry:
    order = _waiting(ctx.session, request)
    ctx.session.add(order)
    return _close_held(ctx.session, order, "order.reject", ctx.now)


def expire_held(session: Session, request: ApprovalRequest, now: datetime) -> Entry | None:
    """An order not approved within 7 days is rejected: it was never charged."""
    order = _held_order(session, request)
    if order.status != OrderStatus.AWAITING_APPROVAL:
        return None
    session.add(order)
    return _close_held(session, order, "order.expire", now)


def withdraw_held(session: Session, order: Order, now: datetime) -> Entry | None:
    """A held order cancelled before the admin decided: its pending request is withdrawn
    (it can no longer be approved, and it leaves the admin's queue)."""
    return approval_requests.close_pending(
        session,
        kind=ApprovalKind.ORDER,
        subject_id=order.id,
        status=ApprovalStatus.WITHDRAWN,
        now=now,
    )


def describe_held(session: Session, request: ApprovalRequest) -> str:
    order = _held_order(session, request)
    return f"order {order.id}: {order.title}"
