"""The scenarios run on every backend there is: SQLite always, PostgreSQL when the test
server is there (tests/backends.py)."""

from __future__ import annotations

import pytest

from tests.backends import BACKENDS


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)
