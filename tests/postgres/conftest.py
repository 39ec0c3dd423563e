"""A fresh PostgreSQL database per test, on the server named by FPCTL_TEST_POSTGRES_URL
(an administrator's URL; `.ci/run` starts a server on loopback and sets it). Without it
these tests are skipped."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests import backends
from tests.racing import race  # noqa: F401 - the fixture


@contextmanager
def _database() -> Iterator[str]:
    """A new, empty database on the test server (its psycopg URL); dropped afterwards."""
    if not backends.ADMIN_URL:
        pytest.skip("no PostgreSQL server: set FPCTL_TEST_POSTGRES_URL (`.ci/run` does)")
    name = backends.new_name()
    backends.create(name)
    try:
        yield backends.url_of(name)
    finally:
        backends.drop(name)


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
