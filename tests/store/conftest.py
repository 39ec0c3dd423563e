"""Store tests: raw SQLite access to the test's store, and OS processes racing on it
(tests/racing.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.racing import race  # noqa: F401 - the fixture


@pytest.fixture
def raw(isolated_env: Path) -> Callable[[], Any]:
    """``with raw() as db:`` a plain sqlite3 connection (autocommit) to the test's store."""

    @contextmanager
    def connect() -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(isolated_env, isolation_level=None)) as connection:
            yield connection

    return connect
