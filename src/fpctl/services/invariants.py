"""Invariants ``db check`` proves over the whole store besides the ledgers, the points and
the audit chain (maintenance.py): every table and index of the schema is there, every
account has exactly one active admin (SPEC §1.1), and every order's paid and refunded
amounts are what its ledger rows say, a refund never above what was paid."""

from __future__ import annotations

from sqlalchemy import Connection
from sqlmodel import SQLModel

from fpctl.domain.money import format_cents
from fpctl.services.checks import MAX_PROBLEMS, Check, names

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
    return Check("admins", False, f"{len(problems)} accounts", problems[:MAX_PROBLEMS])


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
    return Check("order_payments", False, f"{len(problems)} problems", problems[:MAX_PROBLEMS])
