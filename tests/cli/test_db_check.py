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


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        ("UPDATE orders SET status = 'completed'", "order 1 is completed with no completion time"),
        (
            "UPDATE orders SET closed_at = created_at",
            "order 1 has a closing time but is not cancelled or rejected",
        ),
        (
            "UPDATE invitation SET closed_at = created_at WHERE email = 'zoe@acme.test'",
            "invitation 4 is open but has a closing time",
        ),
        ("UPDATE account SET plan = 'advanced'", "account 1 is on Advanced with no renewal date"),
    ],
    ids=["completed-untimed", "closed-yet-open", "open-invitation-closed", "advanced-untimed"],
)
def test_a_status_out_of_line_with_its_timestamps_is_caught(
    cli: Cli, shop: Any, statement: str, problem: str
) -> None:
    placed = cli("order", "place", "--freelancer", "lena", "--service", "1",
                 "--as", "mia@acme.test")  # fmt: skip
    invited = cli("team", "invite", "zoe@acme.test", "--as", "ada@acme.test", "-o", "json")
    assert (placed.exit_code, invited.exit_code, invited.json["id"]) == (0, 0, 4)
    sql(statement)

    report = checked(cli)

    assert report["failed"] == ["status_times"]
    assert report["status_times"]["problems"] == [problem]


@pytest.fixture
def cancelled_plan(cli: Cli, shop: Any) -> int:
    """acme subscribed to Advanced (129.00 by card) and cancelled ten days later; returns
    the refund's ledger entry."""
    ada = ("--as", "ada@acme.test")
    assert cli("subscription", "subscribe", "advanced", *ada).exit_code == 0
    later = ("--now", "2026-11-11T10:00:00Z")
    assert cli("subscription", "cancel", *ada, *later, "--yes").exit_code == 0
    report = cli("db", "check", "-o", "json", *later)
    assert report.exit_code == 0, report.stdout
    return int(sql("SELECT max(id) FROM ledger_entry")[0][0])


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        (
            "UPDATE ledger_entry SET method_cents = 1000 WHERE kind = 'charge'",
            "refunds $86.00, more than the $10.00 paid for that month",
        ),
        (
            "DELETE FROM ledger_entry WHERE kind = 'charge'",
            "refunds $86.00 of an Advanced month nothing was paid for",
        ),
    ],
    ids=["refund-above-charge", "refund-without-charge"],
)
def test_a_plan_refund_above_what_was_paid_is_caught(
    cli: Cli, cancelled_plan: int, statement: str, problem: str
) -> None:
    sql(statement)

    report = checked(cli)

    assert "subscription_refunds" in report["failed"]
    assert report["subscription_refunds"]["problems"] == [
        f"ledger entry {cancelled_plan}: {problem}"
    ]


def test_an_email_held_twice_is_caught_once_its_index_is_gone(
    cli: Cli, team: Any, backend: str
) -> None:
    sql("DROP INDEX uq_member_held_email")
    sql(
        "INSERT INTO member (account_id, email, name, role, status, created_at, updated_at) "
        "VALUES (1, 'mia@acme.test', 'Mia 2', 'member', 'active', '2026-11-01 10:00:00', "
        "'2026-11-01 10:00:00')"
    )

    report = checked(cli)

    assert report["failed"] == ["schema_objects", "emails"]
    assert report["emails"]["problems"] == ["mia@acme.test is held twice"]
