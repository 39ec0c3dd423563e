"""A fresh PostgreSQL database per test, on the server named by FPCTL_TEST_POSTGRES_URL
(an administrator's URL; `.ci/run` starts a server on loopback and sets it). Without it
these tests are skipped."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

ADMIN_URL = os.environ.get("FPCTL_TEST_POSTGRES_URL", "")


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.autocommit = True
        conn.execute(sql)


@contextmanager
def _database() -> Iterator[str]:
    """A new, empty database on the test server (its psycopg URL); dropped afterwards."""
    if not ADMIN_URL:
        pytest.skip("no PostgreSQL server: set FPCTL_TEST_POSTGRES_URL (`.ci/run` does)")
    name = f"fpctl_test_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"')
    base, _, _ = ADMIN_URL.rpartition("/")
    try:
        yield f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """FPCTL_DATABASE_URL set to a new, empty database."""
    with _database() as url:
        monkeypatch.setenv("FPCTL_DATABASE_URL", url)
        yield url


@pytest.fixture
def another_pg_url() -> Iterator[str]:
    """A second empty database (FPCTL_DATABASE_URL is left alone)."""
    with _database() as url:
        yield url
