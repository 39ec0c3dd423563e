"""Settle everything due as of now: the one mechanism behind lazy settlement and ``tick``.

Each rule has a settler, which takes the system's Context (``Context.system``), finds what
is due with an indexed query, changes it and writes its audit records as the system; and a
one-row SQL probe that says whether anything is due at all. Every unit of work asks the
probes first and settles only when something is due; a read takes the write lock only then,
so it neither queues behind writers nor pays for a write transaction for nothing.
Settlers are idempotent: run twice, or from two processes (each under its own write lock),
they settle each thing once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from fpctl.services.context import Context
from fpctl.store.bulk import driver_sql, instant_param

Settler = Callable[[Context], int]


@dataclass(frozen=True)
class Rule:
    action: str
    settle: Settler
    due_sql: str  # "SELECT 1 ... WHERE <due as of ?> LIMIT 1"


def _rules() -> list[Rule]:
    from fpctl.services import approvals
    from fpctl.services.money import rewards, subscriptions
    from fpctl.services.orders import cancellations, hourly, lifecycle
    from fpctl.services.team import invitations

    return [
        Rule("approval.expire", approvals.expire_due, approvals.DUE_SQL),
        Rule("invitation.expire", invitations.expire_due, invitations.DUE_SQL),
        Rule("order.cancel_auto_accept", cancellations.accept_due, cancellations.DUE_SQL),
        Rule("order.auto_complete", lifecycle.complete_due, lifecycle.DUE_SQL),
        Rule("order.hours_charge", hourly.charge_due_weeks, hourly.DUE_SQL),
        Rule("subscription.renew", subscriptions.renew_due, subscriptions.DUE_SQL),
        Rule("rewards.tier_review", rewards.review_due, rewards.DUE_SQL),
    ]


def anything_due(session: Session, now: datetime) -> bool:
    connection = session.connection()
    stamp = instant_param(connection, now)
    return any(
        connection.exec_driver_sql(driver_sql(connection, rule.due_sql), (stamp,)).first()
        for rule in _rules()
    )


def settle_due(session: Session, now: datetime, *, reason: str | None = None) -> dict[str, int]:
    """Run every settler; return how many things each one settled. Its records name the
    operator running the command (``agent``) and ``reason`` when one is given (``tick``)."""
    ctx = Context.system(session, now, reason=reason)
    return {rule.action: rule.settle(ctx) for rule in _rules()}
