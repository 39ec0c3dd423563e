"""Milestone orders (SPEC §1.5): the first milestone is charged at checkout; accepting a
delivered milestone charges and starts the next one (``lifecycle.accept`` makes the move).
The hours of hourly orders are in ``hourly``."""

from __future__ import annotations

from sqlmodel import col, select

from fpctl.domain.orders import OrderKind
from fpctl.domain.permissions import Action
from fpctl.errors import RuleViolation
from fpctl.services.context import Context
from fpctl.services.orders import lifecycle, visibility
from fpctl.store.tables import Order, OrderMilestone


def _require_milestones(order: Order) -> None:
    if order.kind != OrderKind.MILESTONES:
        raise RuleViolation(
            f"order {order.id} is a {order.kind} order: it has no milestones",
            hint=f"fpctl order accept {order.id}",
            code="not_milestones",
        )


def milestone_accept(ctx: Context, order_id: int) -> Order:
    """Accept the delivered milestone: the next one is charged and started, or the order
    completes after the last one."""
    _require_milestones(visibility.authorize(ctx, Action.ORDER_MILESTONE_ACCEPT, order_id))
    return lifecycle.accept(ctx, order_id, action=Action.ORDER_MILESTONE_ACCEPT)


def milestones(ctx: Context, order_id: int) -> list[OrderMilestone]:
    order = visibility.find(ctx, order_id)
    _require_milestones(order)
    rows = ctx.session.exec(
        select(OrderMilestone)
        .where(OrderMilestone.order_id == order.id)
        .order_by(col(OrderMilestone.position))
    )
    return list(rows)
