"""Every command test runs on SQLite and, when the test server is there (tests/backends.py),
on PostgreSQL too; a test marked ``sqlite_only`` says why it cannot."""

from __future__ import annotations

import pytest

from tests.backends import BACKENDS


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
    metafunc.parametrize("backend", ["sqlite"] if only_sqlite else BACKENDS)
