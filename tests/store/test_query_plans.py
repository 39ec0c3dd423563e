"""The planner uses the indexes made for the hot queries (issue 13, migration 0008).

SQLite picks an index by the exact shape of a query, so a change to the query (or to the
index) can silently turn a walk of a few index entries back into a scan and a sort. Each
test runs the command, catches the statement it sent, and asks SQLite for its plan
(``EXPLAIN QUERY PLAN``) on the test's store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli

ADA = ["--as", "ada@acme.test"]


@contextmanager
def _sent(marker: str) -> Iterator[list[tuple[str, Any]]]:
    """The statements (with their parameters) containing ``marker`` sent while inside."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    seen: list[tuple[str, Any]] = []

    def catch(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if marker in statement:
            seen.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", catch)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", catch)


def _plan(db: Path, statement: str, parameters: Any) -> str:
    with closing(sqlite3.connect(db)) as connection:
        rows = connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
    return "\n".join(row[-1] for row in rows)


@pytest.fixture
def completed(cli: Cli, shop: dict[str, int]) -> None:
    """Three orders of acme, the first completed (its acceptance read the 365-day window)."""
    for _ in range(3):
        assert cli("order", "place", "--freelancer", "lena", "--service", "1", *ADA).exit_code == 0
    for step in (
        ["order", "requirements", "1", "A fox", *ADA],
        ["order", "deliver", "1", "--as", "@lena"],
    ):
        assert cli(*step).exit_code == 0, step


def test_the_first_page_of_orders_walks_the_account_id_index(
    completed: None, cli: Cli, isolated_env: Path
) -> None:
    """`order list` (a table: `LIMIT n + 1`, then one COUNT(*)) reads the account's orders
    in id order from ``ix_orders_account_id`` (no sort of every order of the account) and
    counts them from an index alone."""
    with _sent("FROM orders") as sent:
        shown = cli("order", "list", *ADA, "--limit", "2")
    assert shown.exit_code == 0, shown.stderr
    page = [s for s in sent if "ORDER BY orders.id" in s[0]]
    count = [s for s in sent if "count(*)" in s[0]]
    assert len(page) == 1 and "LIMIT" in page[0][0] and len(count) == 1, sent

    plan = _plan(isolated_env, *page[0])
    assert plan == "SEARCH orders USING INDEX ix_orders_account_id (account_id=?)", plan
    plan = _plan(isolated_env, *count[0])  # any index that starts with account_id will do
    assert "USING COVERING INDEX" in plan and "(account_id=?)" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def test_the_365_day_spend_is_read_from_a_covering_index(
    completed: None, cli: Cli, isolated_env: Path
) -> None:
    """Accepting an order sums the account's spend over the orders completed in the year
    from ``ix_orders_account_spend`` alone (the rows themselves are not read)."""
    with _sent("sum(") as sent:
        accepted = cli("order", "accept", "1", *ADA)
    assert accepted.exit_code == 0, accepted.stderr
    window = [s for s in sent if "completed_at" in s[0] and "FROM orders" in s[0]]
    assert window, sent

    for statement, parameters in window:
        plan = _plan(isolated_env, statement, parameters)
        assert "USING COVERING INDEX ix_orders_account_spend" in plan, plan


def test_a_members_month_of_orders_is_read_from_a_covering_index(
    shop: dict[str, int], cli: Cli, isolated_env: Path
) -> None:
    """A checkout under a monthly purchase limit sums what the member placed this month
    from ``ix_orders_placed_by_month`` alone: this month's entries, not every order the
    member ever placed."""
    limit = ["policy", "add", "purchase-limit", "--amount", "5000", "--per", "month"]
    assert cli("subscription", "subscribe", "advanced", *ADA).exit_code == 0
    assert cli(*limit, "--applies-to", "members", *ADA).exit_code == 0
    with _sent("sum(") as sent:
        placed = cli(
            "order", "place", "--freelancer", "lena", "--service", "1", "--as", "mia@acme.test"
        )
    assert placed.exit_code == 0, placed.stderr
    month = [s for s in sent if "placed_by_id" in s[0] and "FROM orders" in s[0]]
    assert month, sent

    for statement, parameters in month:
        plan = _plan(isolated_env, statement, parameters)
        assert "USING COVERING INDEX ix_orders_placed_by_month" in plan, plan
        assert "created_at>?" in plan, plan  # a range of the index, not all the member's
