"""Every connection is set up as RELIABILITY §1 measured it must be."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from fpctl.store.db import transaction


def _pragma(engine: Any, name: str) -> Any:
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_connections_use_wal_foreign_keys_and_a_busy_timeout(engine: Any) -> None:
    assert _pragma(engine, "journal_mode") == "wal"
    assert _pragma(engine, "foreign_keys") == 1
    assert _pragma(engine, "busy_timeout") == 30_000
    assert _pragma(engine, "synchronous") == 1  # NORMAL


def test_the_busy_timeout_follows_the_environment(
    engine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FPCTL_BUSY_TIMEOUT_MS", "200")
    engine.dispose()  # new connections read it
    assert _pragma(engine, "busy_timeout") == 200


def test_foreign_keys_are_enforced_inside_a_unit_of_work(engine: Any) -> None:
    orphan = text(
        "INSERT INTO member (account_id, email, name, role, status, created_at, updated_at) "
        "VALUES (999, 'orphan@nowhere.test', 'Orphan', 'member', 'active', "
        "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
    )
    with (
        pytest.raises(IntegrityError, match="FOREIGN KEY"),
        transaction(engine, write=True) as session,
    ):
        session.execute(orphan)
    with transaction(engine, write=False) as session:
        assert session.execute(text("SELECT count(*) FROM member")).scalar() == 0


def test_a_write_unit_of_work_holds_the_write_lock_from_its_start(
    engine: Any, isolated_env: Path
) -> None:
    with transaction(engine, write=True) as session:
        session.execute(text("SELECT 1"))  # a read, yet the write lock is already taken
        with closing(sqlite3.connect(isolated_env, timeout=0, isolation_level=None)) as other:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            assert other.execute("SELECT count(*) FROM account").fetchone() == (0,)  # WAL
