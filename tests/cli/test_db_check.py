"""`fpctl db check` proves the invariants the domain promises over the whole store (issue
11, defect 3): the schema's tables and indexes are all there, and every account has exactly
one active admin. Each damage is its own line, exit 5."""

from __future__ import annotations

from typing import Any

import pytest

from tests.backends import sql
from tests.conftest import Cli


def checked(cli: Cli) -> Any:
    result = cli("db", "check", "-o", "json")
    assert result.exit_code == 5, result.stderr
    assert result.error["code"] == "store_check_failed"
    return result.json


def test_a_sound_store_passes(cli: Cli, team: Any) -> None:
    result = cli("db", "check", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["schema_objects"]["ok"] is True
    assert result.json["admins"]["detail"] == "one admin in every account"


@pytest.mark.parametrize("table", ["reward_entry", "ledger_entry", "invitation"])
def test_a_dropped_table_is_caught(cli: Cli, team: Any, table: str, backend: str) -> None:
    sql(f"DROP TABLE {table}" + (" CASCADE" if backend == "postgres" else ""))

    report = checked(cli)

    assert "schema_objects" in report["failed"]
    assert f"table {table} is missing" in report["schema_objects"]["problems"]


def test_a_dropped_index_is_caught(cli: Cli, team: Any) -> None:
    sql("DROP INDEX uq_invitation_open_email")

    report = checked(cli)

    assert report["failed"] == ["schema_objects"]
    assert report["schema_objects"]["problems"] == [
        "index uq_invitation_open_email of invitation is missing"
    ]


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        ("UPDATE member SET role = 'admin' WHERE email = 'bill@acme.test'", "has 2 admins"),
        ("UPDATE member SET role = 'member' WHERE email = 'ada@acme.test'", "has no admin"),
        ("UPDATE member SET status = 'removed' WHERE email = 'ada@acme.test'", "has no admin"),
    ],
    ids=["second-admin", "demoted", "removed"],
)
def test_an_account_without_exactly_one_admin_is_caught(
    cli: Cli, team: Any, statement: str, problem: str
) -> None:
    sql(statement)

    report = checked(cli)

    assert report["failed"] == ["admins"]
    assert report["admins"]["problems"] == [f"account acme {problem}"]


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        (
            "UPDATE orders SET paid_cents = paid_cents * 10",
            "order 1: paid $1,000.00 but its charges come to $100.00",
        ),
        (
            "UPDATE orders SET refunded_cents = 5000",
            "order 1: refunded $50.00 but its refunds come to $0.00",
        ),
    ],
    ids=["paid-tenfold", "refund-from-nowhere"],
)
def test_an_order_paid_out_of_line_with_its_ledger_is_caught(
    cli: Cli, shop: Any, statement: str, problem: str
) -> None:
    placed = cli("order", "place", "--freelancer", "lena", "--service", "1",
                 "--as", "mia@acme.test")  # fmt: skip
    assert placed.exit_code == 0, placed.stderr
    sql(statement)

    report = checked(cli)

    assert report["failed"] == ["order_payments"]
    assert report["order_payments"]["problems"] == [problem]
