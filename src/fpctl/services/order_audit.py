"""How the audit trail names an order, and how a change to one is recorded: shared by the
order services and by the team (a removed member's orders are shared)."""

from __future__ import annotations

from typing import Any

from fpctl.services.audit import Entry
from fpctl.services.context import Context
from fpctl.store.tables import Order


def target(order: Order) -> str:
    return f"order:{order.id}"


def change_entry(
    ctx: Context, order: Order, action: str, changes: dict[str, tuple[Any, Any]]
) -> Entry:
    """Stamp the order as changed now: the audit entry of the change, to record."""
    order.updated_at = ctx.now
    ctx.session.add(order)
    return Entry(action, target(order), order.account_id, changes)


def record_change(
    ctx: Context, order: Order, action: str, changes: dict[str, tuple[Any, Any]]
) -> Order:
    """Stamp the order as changed now and write the actor's audit record for it."""
    ctx.record_many([change_entry(ctx, order, action, changes)])
    return order
