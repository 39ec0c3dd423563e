"""Engines and units of work, set up as RELIABILITY §1 measured it must be.

Every connection: pysqlite's own BEGIN off, ``foreign_keys=ON`` (outside any transaction, or
SQLite ignores it), WAL, ``synchronous=NORMAL`` and a busy timeout. A write unit of work
begins with ``BEGIN IMMEDIATE`` so it waits for the write lock up front instead of failing
half-way; reads begin deferred. The command owns the transaction: services only flush.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import Session

from fpctl.errors import StoreBusy, StoreUnavailable
from fpctl.store.location import StoreLocation

# Parallel scripts on a loaded two-core machine were seen waiting up to ~5 s for the write
# lock (tests/store/test_concurrency.py); failing them at 5 s would lose work, so wait longer.
DEFAULT_BUSY_TIMEOUT_MS = 30_000


def _busy_timeout_ms() -> int:
    raw = os.environ.get("FPCTL_BUSY_TIMEOUT_MS", "")
    return int(raw) if raw.isascii() and raw.isdigit() else DEFAULT_BUSY_TIMEOUT_MS


def busy_timeout_seconds() -> float:
    """How long a writer waits for the store's write lock (``FPCTL_BUSY_TIMEOUT_MS``)."""
    return _busy_timeout_ms() / 1000


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={_busy_timeout_ms()}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_begin(connection: Any) -> None:
    write = connection.get_execution_options().get("fpctl_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


#: The advisory lock every write transaction on a PostgreSQL store takes first: one writer
#: at a time, as ``BEGIN IMMEDIATE`` gives SQLite (the audit chain is one per store, so its
#: appends are serial anyway). Readers never wait for it (MVCC).
WRITE_LOCK_KEY = 0x6670_6374  # "fpct"


def _on_begin_postgres(connection: Any) -> None:
    if not connection.get_execution_options().get("fpctl_write", False):
        return
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{_busy_timeout_ms()}ms'")
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


def create_store_engine(location: StoreLocation) -> Engine:
    """An engine for this process (never share one across ``fork()``)."""
    if location.dialect == "postgresql":
        # No server-side prepared statements: psycopg prepares a query run five times, and
        # the generic plan of the bulk checks (email IN 1,000 values) scanned the whole
        # table instead of its partial index (100k invitations: 59 s instead of 17 s).
        engine = create_engine(
            location.url,
            connect_args={
                "connect_timeout": 10,
                "application_name": "fpctl",
                "prepare_threshold": None,
            },
        )
        event.listen(engine, "begin", _on_begin_postgres)
        return engine
    if location.path is not None:
        location.path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(location.url)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def translate_store_error(error: Exception) -> StoreBusy | None:
    """Lock and access failures become exit 7; anything else stays a bug."""
    text = str(getattr(error, "orig", error)).lower()
    if "locked" in text or "busy" in text or "lock timeout" in text:
        return StoreBusy(
            "the store is busy: another fpctl kept it locked past the timeout",
            hint="try again; raise FPCTL_BUSY_TIMEOUT_MS to wait longer",
        )
    unavailable = (
        "unable to open",
        "not a database",
        "readonly",
        "disk i/o",
        "disk is full",
        "no space left on device",
        "malformed",
        "connection refused",
        "could not connect",
        "connection failed",
        "failed to resolve host",
        "authentication failed",
        "no password supplied",
        "timeout expired",
    )
    missing_database = text.startswith('database "') or 'fatal:  database "' in text
    if missing_database or any(word in text for word in unavailable):
        reason = " ".join(str(getattr(error, "orig", error)).split())  # one line
        return StoreUnavailable(f"the store cannot be used: {reason}")
    return None


@contextmanager
def store_errors() -> Iterator[None]:
    try:
        yield
    except (OperationalError, DatabaseError, sqlite3.OperationalError) as error:
        translated = translate_store_error(error)
        if translated is None:
            raise
        raise translated from error


@contextmanager
def transaction(engine: Engine, *, write: bool, dry_run: bool = False) -> Iterator[Session]:
    """One transaction: committed at the end of the block, rolled back on any error or dry run."""
    bind = engine.execution_options(fpctl_write=write)
    with store_errors(), Session(bind, expire_on_commit=False, autoflush=True) as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        if write and not dry_run:
            session.commit()
        else:
            session.expunge_all()  # keep loaded objects readable after the rollback
            session.rollback()
