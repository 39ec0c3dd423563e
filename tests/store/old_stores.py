"""Stores as an older fpctl left them, built with its migrations and plain SQL."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from fpctl.domain.chain import GENESIS, digest
from fpctl.store.db import create_store_engine
from fpctl.store.location import resolve
from fpctl.store.migrations import runner

AT = "2026-01-01 09:00:00.000000"


def store_at_0006(path: Path) -> None:
    """Account `old` (admin ann@old.test) with a 1,500.00 deposit in its ledger and the
    audit record of its creation: what fpctl wrote before money rows were sealed."""
    from alembic import command

    engine = create_store_engine(resolve(str(path)))
    with engine.execution_options(fpctl_write=True).begin() as connection:
        command.upgrade(runner.config(connection), "0006")
    engine.dispose()
    record = {
        "id": 1, "at": datetime(2026, 1, 1, 9, tzinfo=UTC), "account_id": 1, "actor": "system",
        "actor_kind": "system", "agent": None, "reason": None, "action": "account.create",
        "target": "account:old", "changes": "{}", "prev_hash": GENESIS,
    }  # fmt: skip
    with closing(sqlite3.connect(path)) as db:
        db.execute(
            "INSERT INTO account (slug, name, plan, status, tier, balance_cents, credits_cents, "
            "points, created_at) VALUES ('old', 'Old Co', 'basic', 'active', 'silver', 150000, "
            "0, 0, ?)",
            (AT,),
        )
        db.execute(
            "INSERT INTO member (account_id, email, name, role, status, created_at, updated_at) "
            "VALUES (1, 'ann@old.test', 'Ann', 'admin', 'active', ?, ?)",
            (AT, AT),
        )
        db.execute(
            "INSERT INTO project (account_id, name, kind, owner_id, owner, shared_with_all, "
            "created_at) VALUES (1, 'my-project', 'my', 1, 'ann@old.test', 0, ?)",
            (AT,),
        )
        db.execute(
            "INSERT INTO ledger_entry (account_id, at, kind, credits_cents, balance_cents, "
            "method_cents, credits_after_cents, balance_after_cents, description) "
            "VALUES (1, ?, 'deposit', 0, 150000, 150000, 0, 150000, 'Deposit')",
            (AT,),
        )
        db.execute(
            "INSERT INTO audit_record (id, at, account_id, actor, actor_kind, action, target, "
            "changes, prev_hash, hash) VALUES (1, ?, 1, 'system', 'system', 'account.create', "
            "'account:old', '{}', ?, ?)",
            (AT, GENESIS, digest(record)),
        )
        db.commit()
