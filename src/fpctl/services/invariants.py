"""Invariants ``db check`` proves over the whole store besides the ledgers, the points and
the audit chain (maintenance.py): every table and index of the schema is there, and every
account has exactly one active admin (SPEC §1.1)."""

from __future__ import annotations

from sqlalchemy import Connection
from sqlmodel import SQLModel

from fpctl.services.checks import MAX_PROBLEMS, Check, names

_ADMINS_SQL = """
SELECT a.slug, count(m.id)
FROM account a
LEFT JOIN member m ON m.account_id = a.id AND m.role = 'admin' AND m.status = 'active'
GROUP BY a.id, a.slug
HAVING count(m.id) <> 1
ORDER BY a.id
"""


def schema_objects(connection: Connection) -> Check:
    """The tables and indexes of the current schema: a dropped one is damage, not an
    older store (the schema version says which schema the store claims)."""
    tables = set(names(connection, "table"))
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


def admins(connection: Connection) -> Check:
    """Exactly one active admin in every account."""
    if "member" not in set(names(connection, "table")):
        return Check("admins", False, "the store has no member table")
    wrong = connection.exec_driver_sql(_ADMINS_SQL).fetchall()
    problems = [
        f"account {slug} has no admin" if count == 0 else f"account {slug} has {count} admins"
        for slug, count in wrong
    ]
    if not problems:
        return Check("admins", True, "one admin in every account")
    return Check("admins", False, f"{len(problems)} accounts", problems[:MAX_PROBLEMS])
