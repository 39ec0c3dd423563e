"""The Pro satisfaction guarantee (SPEC §1.5): support refunds a completed, non-hourly order
within 14 days of its completion, with a reason, to the account's balance.

The window is inclusive: a refund at exactly ``completed_at + 14 days`` is allowed, one a
second later is not. The order stays completed; its ``refunded_cents`` grows. Several
partial refunds are allowed until everything paid is refunded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fpctl.domain.money import format_cents, parse_cents
from fpctl.domain.orders import GUARANTEE_WINDOW, OrderKind, OrderStatus
from fpctl.domain.permissions import Action
from fpctl.errors import RuleViolation
from fpctl.services import order_audit
from fpctl.services.context import Context
from fpctl.services.money import order_payments, rewards
from fpctl.services.orders import visibility
from fpctl.store.tables import Invoice, Order


@dataclass
class Refunded:
    order: Order
    amount_cents: int
    invoice: Invoice | None


def guarantee_ends(order: Order) -> datetime | None:
    """The last instant a guarantee refund is allowed (None for orders it never covers)."""
    if order.completed_at is None or order.kind == OrderKind.HOURLY:
        return None
    return order.completed_at + GUARANTEE_WINDOW


def _check_covered(order: Order, now: datetime) -> None:
    if order.kind == OrderKind.HOURLY:
        raise RuleViolation(
            f"order {order.id} is hourly: the satisfaction guarantee does not cover hourly orders",
            code="hourly_not_covered",
        )
    if order.status != OrderStatus.COMPLETED:
        raise RuleViolation(
            f"order {order.id} is {order.status}: the guarantee covers completed orders",
            hint=f"an open order is cancelled instead: fpctl order cancel-request {order.id}",
            code="not_completed",
        )
    ends = guarantee_ends(order)
    assert ends is not None
    if now > ends:
        raise RuleViolation(
            f"order {order.id} completed on {order.completed_at:%Y-%m-%d %H:%M}Z: the "
            f"14-day guarantee ended at {ends:%Y-%m-%d %H:%M:%S}Z",
            code="guarantee_expired",
        )


def within_refundable(order: Order, cents: int | None, *, flag: str = "--amount") -> int:
    """``cents`` (None: everything left), once it is at most what was paid for the order
    and not refunded yet (the guarantee's refunds and the dispute manager's)."""
    refundable = order_payments.refundable_cents(order)
    if refundable <= 0:
        raise RuleViolation(
            f"order {order.id} was already refunded in full ({format_cents(order.refunded_cents)})"
            if order.refunded_cents
            else f"order {order.id} has nothing paid to refund",
            code="already_refunded",
        )
    cents = refundable if cents is None else cents
    if cents > refundable:
        raise RuleViolation(
            f"{format_cents(cents)} is more than what is left to refund on order {order.id} "
            f"({format_cents(refundable)})",
            hint=f"{flag} {refundable // 100}.{refundable % 100:02d} at most",
            code="refund_too_large",
        )
    return cents


def refund(ctx: Context, order_id: int, *, amount: str | None = None) -> Refunded:
    """Refund ``amount`` (default: everything not yet refunded) to the account's balance,
    with a credit invoice."""
    order = visibility.authorize(ctx, Action.ORDER_REFUND, order_id)
    cents = parse_cents(amount) if amount is not None else None
    _check_covered(order, ctx.now)
    cents = within_refundable(order, cents)
    before = order.refunded_cents
    invoice = order_payments.refund(
        ctx.session,
        order,
        credits_cents=0,
        balance_cents=cents,
        now=ctx.now,
        description=f"order {order.id}: satisfaction-guarantee refund",
    )
    changes = {
        "refunded_cents": (before, order.refunded_cents),
        "amount_cents": (None, cents),
        "reason": (None, ctx.actor.reason),
    }
    order_audit.record_change(ctx, order, Action.ORDER_REFUND, changes)
    rewards.on_refund(ctx.session, order, cents, ctx.now, ctx.actor)
    return Refunded(order, cents, invoice)
