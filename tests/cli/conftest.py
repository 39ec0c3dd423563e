"""Command tests that only talk to the store through fpctl also run on PostgreSQL when the
test server is there (tests/backends.py); the others read the SQLite file themselves."""

from __future__ import annotations

import pytest

from tests.backends import BACKENDS

ON_BOTH_BACKENDS = {
    "test_account",
    "test_approvals",
    "test_audit",
    "test_confirmation",
    "test_freelancer",
    "test_invitations",
    "test_invite",
    "test_order_after",
    "test_order_talk",
    "test_order_work",
    "test_policy",
    "test_smoke",
    "test_tick",
    "test_unchanged",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rpartition(".")[2]
    if module in ON_BOTH_BACKENDS and "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", BACKENDS)
