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

from fpctl.services import due
from fpctl.services.context import Context
from fpctl.store.bulk import driver_sql, instant_param

Settler = Callable[[Context], int]


@dataclass(frozen=True)
class Rule:
    action: str
    settle: Settler
    due_sql: str  # "SELECT 1 ... WHERE <due as of ?> LIMIT 1" (services/due.py)


def _rules() -> list[Rule]:
    from fpctl.services import approvals
    from fpctl.services.money import rewards, subscriptions
    from fpctl.services.orders import (
        cancellations,
        disputes,
        hour_reports,
        hourly,
        lifecycle,
        offer_answers,
    )
    from fpctl.services.team import invitations

    settlers: dict[str, Settler] = {
        "approval.expire": approvals.expire_due,
        "invitation.expire": invitations.expire_due,
        "order.cancel_auto_accept": cancellations.accept_due,
        "order.dispute_expire": disputes.expire_due,
        "order.auto_complete": lifecycle.complete_due,
        "order.hours_charge": hourly.charge_due_weeks,
        "offer.expire": offer_answers.expire_due,
        "subscription.renew": subscriptions.renew_due,
        "rewards.tier_review": rewards.review_due,
        "order.hours_auto_approve": hour_reports.approve_due,
    }
    return [Rule(action, settlers[action], sql) for action, sql in due.PROBES.items()]


#: Every probe in one statement: true when any of them finds a row.
_ANY_DUE = "SELECT " + " OR ".join(f"EXISTS ({sql})" for sql in due.PROBES.values())


def anything_due(session: Session, now: datetime) -> bool:
    """Whether any probe finds something due: plain SQL in one statement, so a read that
    finds nothing never imports the settlers."""
    connection = session.connection()
    stamp = instant_param(connection, now)
    probes = connection.exec_driver_sql(
        driver_sql(connection, _ANY_DUE), (stamp,) * len(due.PROBES)
    )
    return bool(probes.scalar())


def settle_due(session: Session, now: datetime, *, reason: str | None = None) -> dict[str, int]:
    """Run every settler; return how many things each one settled. Its records name the
    operator running the command (``agent``) and ``reason`` when one is given (``tick``)."""
    ctx = Context.system(session, now, reason=reason)
    return {rule.action: rule.settle(ctx) for rule in _rules()}
