"""The switch to the regular marketplace waits for every order to close (SPEC §1.7).

The switch command comes with the subscription work; its guard reads the orders table now.
"""

from __future__ import annotations

from typing import Any

import pytest

from fpctl.errors import RuleViolation
from fpctl.services import lookups
from tests.conftest import Cli

ADA = ("--as", "ada@acme.test")


@pytest.fixture
def backend() -> str:
    """SQLite only: it sets order statuses with sqlite3."""
    return "sqlite"


def _refusal(work: Any) -> RuleViolation | None:
    with work(account="acme", write=False) as ctx:
        try:
            lookups.refuse_switch_while_open(ctx.session, ctx.the_account)
        except RuleViolation as refusal:
            return refusal
    return None


def test_an_open_order_blocks_the_switch_and_a_closed_one_does_not(
    cli: Cli, shop: dict[str, int], work: Any
) -> None:
    assert _refusal(work) is None
    placed = cli("order", "place", "--freelancer", "lena", "--service", "1", *ADA, "-o", "json")
    assert placed.exit_code == 0, placed.stderr

    refusal = _refusal(work)
    assert refusal is not None and refusal.code == "open_orders"
    assert "1 open order" in refusal.message

    assert cli("order", "cancel", str(placed.json["id"]), *ADA).exit_code == 0
    assert _refusal(work) is None


@pytest.mark.parametrize("status", ["completed", "cancelled", "rejected"])
def test_closed_statuses_do_not_count(
    cli: Cli, shop: dict[str, int], work: Any, isolated_env: Any, status: str
) -> None:
    import sqlite3

    assert cli("order", "place", "--freelancer", "lena", "--service", "1", *ADA).exit_code == 0
    with sqlite3.connect(isolated_env) as db:
        db.execute("UPDATE orders SET status = ?", (status,))
    assert _refusal(work) is None
