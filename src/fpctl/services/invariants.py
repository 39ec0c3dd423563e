"""Invariants ``db check`` proves over the whole store besides the ledgers, the points and
the audit chain (maintenance.py) and the money seal (money_seal.py): every table and index
of the schema is there, every account has exactly one active admin (SPEC §1.1), every
order's paid and refunded amounts are what its ledger rows say, a plan refund never
exceeds what was paid for its month, and every status agrees with its timestamps."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, and_, or_, select
from sqlmodel import SQLModel

from fpctl.domain.money import format_cents
from fpctl.domain.words import counted
from fpctl.services.checks import MAX_PROBLEMS, Check, names
from fpctl.services.money.subscriptions import CANCEL_REFUND_TEXT, CYCLE_CHARGE_PREFIX
from fpctl.store.rows import table_of
from fpctl.store.tables import (
    HELD_EMAIL,
    LedgerEntry,
    every,  # noqa: F401  (every table in the metadata)
)

_ADMINS_SQL = """
SELECT a.slug, count(m.id)
FROM account a
LEFT JOIN member m ON m.account_id = a.id AND m.role = 'admin' AND m.status = 'active'
GROUP BY a.id, a.slug
HAVING count(m.id) <> 1
ORDER BY a.id
"""


def schema_objects(connection: Connection, tables: set[str]) -> Check:
    """The tables and indexes of the current schema: a dropped one is damage, not an
    older store (the schema version says which schema the store claims)."""
    indexes = set(names(connection, "index"))
    expected = SQLModel.metadata.sorted_tables
    problems = [f"table {t.name} is missing" for t in expected if t.name not in tables]
    problems += [
        f"index {index.name} of {table.name} is missing"
        for table in expected
        if table.name in tables
        for index in sorted(table.indexes, key=lambda i: str(i.name))
        if index.name not in indexes
    ]
    if not problems:
        return Check("schema_objects", True, f"{len(expected)} tables and their indexes")
    return Check("schema_objects", False, f"{len(problems)} missing", problems[:MAX_PROBLEMS])


def admins(connection: Connection, tables: set[str]) -> Check:
    """Exactly one active admin in every account."""
    if "member" not in tables:
        return Check("admins", False, "the store has no member table")
    wrong = connection.exec_driver_sql(_ADMINS_SQL).fetchall()
    problems = [
        f"account {slug} has no admin" if count == 0 else f"account {slug} has {count} admins"
        for slug, count in wrong
    ]
    if not problems:
        return Check("admins", True, "one admin in every account")
    return Check("admins", False, counted(len(problems), "account"), problems[:MAX_PROBLEMS])


_HELD_EMAILS_SQL = f"""
SELECT email, count(DISTINCT account_id)
FROM member WHERE {HELD_EMAIL}
GROUP BY email HAVING count(*) > 1
ORDER BY email
"""


def emails(connection: Connection, tables: set[str]) -> Check:
    """An email is held by one seat, in one account, while active, deactivated or closed
    (SPEC §1.2; the partial unique index enforces it, unless it was dropped)."""
    if "member" not in tables:
        return Check("emails", False, "the store has no member table")
    problems = [
        f"{email} is held {'in ' + str(accounts) + ' accounts' if accounts > 1 else 'twice'}"
        for email, accounts in connection.exec_driver_sql(_HELD_EMAILS_SQL)
    ]
    if not problems:
        return Check("emails", True, "every email held once")
    return Check("emails", False, counted(len(problems), "email"), problems[:MAX_PROBLEMS])


_ORDER_PAYMENTS_SQL = """
SELECT o.id, o.paid_cents, o.refunded_cents, coalesce(c.amount, 0), coalesce(r.amount, 0)
FROM orders o
LEFT JOIN (
    SELECT order_id, sum(method_cents - credits_cents - balance_cents) AS amount
    FROM ledger_entry WHERE kind = 'charge' AND order_id IS NOT NULL GROUP BY order_id
) c ON c.order_id = o.id
LEFT JOIN (
    SELECT order_id, sum(credits_cents + balance_cents - method_cents) AS amount
    FROM ledger_entry WHERE kind = 'refund' AND order_id IS NOT NULL GROUP BY order_id
) r ON r.order_id = o.id
WHERE o.paid_cents <> coalesce(c.amount, 0) OR o.refunded_cents <> coalesce(r.amount, 0)
   OR o.refunded_cents > o.paid_cents
ORDER BY o.id
"""


def order_payments(connection: Connection, tables: set[str]) -> Check:
    """Each order's ``paid_cents`` is the sum of its charges in the ledger, its
    ``refunded_cents`` the sum of its refunds, and it never got back more than it paid."""
    if not {"orders", "ledger_entry"} <= tables:
        return Check("order_payments", False, "the store has no orders or no ledger")
    problems = []
    for order_id, paid, refunded, charged, returned in connection.exec_driver_sql(
        _ORDER_PAYMENTS_SQL
    ):
        if paid != charged:
            problems.append(
                f"order {order_id}: paid {format_cents(paid)} but its charges come to "
                f"{format_cents(charged)}"
            )
        if refunded != returned:
            problems.append(
                f"order {order_id}: refunded {format_cents(refunded)} but its refunds come "
                f"to {format_cents(returned)}"
            )
        if refunded > paid:
            problems.append(f"order {order_id}: refunded more than was paid")
    if not problems:
        return Check("order_payments", True, "every order's payments match its ledger")
    problem_count = counted(len(problems), "problem")
    return Check("order_payments", False, problem_count, problems[:MAX_PROBLEMS])


#: (table, label, what is wrong, the rows where it is): a status that says something
#: happened has the time it happened, and a status that says it did not has none.
_TIMESTAMP_RULES = (
    ("orders", "order", "is completed with no completion time",
     "status = 'completed' AND completed_at IS NULL"),
    ("orders", "order", "has a completion time but is not completed",
     "status <> 'completed' AND completed_at IS NOT NULL"),
    ("orders", "order", "is closed with no closing time",
     "status IN ('cancelled', 'rejected') AND closed_at IS NULL"),
    ("orders", "order", "has a closing time but is not cancelled or rejected",
     "status NOT IN ('cancelled', 'rejected') AND closed_at IS NOT NULL"),
    ("orders", "order", "is delivered with no delivery or auto-complete time",
     "status = 'delivered' AND (delivered_at IS NULL OR auto_complete_at IS NULL)"),
    ("orders", "order", "ended before it was placed",
     "coalesce(completed_at, closed_at) < created_at"),
    ("invitation", "invitation", "is open but has a closing time",
     "status IN ('awaiting_approval', 'pending') AND closed_at IS NOT NULL"),
    ("invitation", "invitation", "is closed with no closing time",
     "status NOT IN ('awaiting_approval', 'pending') AND closed_at IS NULL"),
    ("invitation", "invitation", "is accepted with no member",
     "status = 'accepted' AND member_id IS NULL"),
    ("approval_request", "approval request", "is pending but has a decision time",
     "status = 'pending' AND decided_at IS NOT NULL"),
    ("approval_request", "approval request", "is decided with no decision time",
     "status <> 'pending' AND decided_at IS NULL"),
    ("order_cancellation", "cancellation request", "is open but has a closing time",
     "status = 'open' AND closed_at IS NOT NULL"),
    ("order_cancellation", "cancellation request", "is closed with no closing time",
     "status <> 'open' AND closed_at IS NULL"),
    ("offer", "offer", "is pending but has a closing time",
     "status = 'pending' AND closed_at IS NOT NULL"),
    ("offer", "offer", "is closed with no closing time",
     "status <> 'pending' AND closed_at IS NULL"),
    ("offer", "offer", "is accepted with no order",
     "status = 'accepted' AND order_id IS NULL"),
    ("account", "account", "is on Advanced with no renewal date",
     "plan = 'advanced' AND status = 'active' AND plan_renews_at IS NULL"),
    ("account", "account", "has a renewal date but is not on Advanced",
     "plan <> 'advanced' AND plan_renews_at IS NOT NULL"),
    ("account", "account", "is switched with no switch time",
     "status = 'switched' AND switched_at IS NULL"),
    ("order_dispute", "dispute request", "is open but has a closing time",
     "status = 'open' AND closed_at IS NOT NULL"),
    ("order_dispute", "dispute request", "is closed with no closing time",
     "status <> 'open' AND closed_at IS NULL"),
)  # fmt: skip


def status_times(connection: Connection, tables: set[str]) -> Check:
    """Every status agrees with its timestamps (a completed order has its completion time,
    an open invitation has no closing time, …)."""
    problems = []
    for table, label, wrong, where in _TIMESTAMP_RULES:
        if table not in tables:
            continue
        rows = connection.exec_driver_sql(f"SELECT id FROM {table} WHERE {where} ORDER BY id")
        problems += [f"{label} {row_id} {wrong}" for (row_id,) in rows]
    if not problems:
        return Check("status_times", True, "every status agrees with its timestamps")
    return Check("status_times", False, counted(len(problems), "problem"), problems[:MAX_PROBLEMS])


def subscription_refunds(connection: Connection, tables: set[str]) -> Check:
    """An Advanced plan's refund never exceeds what was paid for the month it ends: each
    refund takes back part of the latest month's charge, once, within that month."""
    if "ledger_entry" not in tables:
        return Check("subscription_refunds", False, "the store has no ledger")
    entry = table_of(LedgerEntry).c
    query = (
        select(entry.account_id, entry.id, entry.at, entry.kind, entry.description,
               entry.method_cents - entry.credits_cents - entry.balance_cents)
        .where(entry.order_id.is_(None))
        .where(or_(
            and_(entry.kind == "charge", entry.description.startswith(CYCLE_CHARGE_PREFIX)),
            and_(entry.kind == "refund", entry.description == CANCEL_REFUND_TEXT),
        ))
        .order_by(entry.account_id, entry.id)
    )  # fmt: skip
    problems = []
    month: dict[int, tuple[int, date] | None] = {}  # account → (paid, last day), once
    rows = connection.execute(query, execution_options={"stream_results": True})
    for account_id, entry_id, at, kind, description, paid in rows:
        if kind == "charge":
            month[account_id] = (paid, date.fromisoformat(description[-10:]))
            continue
        refunded, current = -paid, month.pop(account_id, None)
        if current is None or at.date() > current[1]:
            problems.append(
                f"ledger entry {entry_id}: refunds {format_cents(refunded)} of an Advanced "
                "month nothing was paid for"
            )
        elif refunded > current[0]:
            problems.append(
                f"ledger entry {entry_id}: refunds {format_cents(refunded)}, more than the "
                f"{format_cents(current[0])} paid for that month"
            )
    if not problems:
        return Check("subscription_refunds", True, "no plan refund above what was paid")
    return Check(
        "subscription_refunds", False, counted(len(problems), "problem"), problems[:MAX_PROBLEMS]
    )
