"""Sixteen processes, fifty writes on one account of a PostgreSQL store (issue 10, item 7):
what SQLite gets from BEGIN IMMEDIATE holds on the server. Every run ends with 0 exit 1,
no duplicate, no double spend, balance and points never below zero, exactly one admin,
and `audit verify` and `db check` passing. The figures are in docs/reliability.md."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from tests import backends
from tests.conftest import Cli
from tests.racing import Race

PROCESSES = 16
WRITES_EACH = 50
ADA = ("--as", "ada@acme.test")
BILL = ("--as", "bill@acme.test")


@pytest.fixture
def backend() -> str:
    if not backends.ADMIN_URL:
        pytest.skip("no PostgreSQL server: set FPCTL_TEST_POSTGRES_URL (`.ci/run` does)")
    return "postgres"


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def ok(cli: Cli, *args: str) -> Any:
    result = cli(*args, "-o", "json")
    assert result.exit_code == 0, (args, result.stderr)
    return result.json


def race_all(race: Race, plan: Callable[[int, int], list[str]]) -> list[dict[str, Any]]:
    """Sixteen processes at once, process p running ``plan(p, n)`` for n in 0..49."""
    for process in range(PROCESSES):
        race.spawn([[*plan(process, n), "-o", "json"] for n in range(WRITES_EACH)])
    race.start()
    return [run for worker in race.results() for run in worker]


def exit_codes(runs: list[dict[str, Any]]) -> Counter[int]:
    return Counter(run["exit_code"] for run in runs)


def error_codes(runs: list[dict[str, Any]]) -> Counter[str]:
    return Counter(
        json.loads(run["stderr"].strip().splitlines()[-1])["error"]["code"]
        for run in runs
        if run["exit_code"] != 0
    )


def raced(invitations: list[dict[str, Any]]) -> list[str]:
    """The emails invited by the race (the shop's team came in by invitation too)."""
    return [i["email"] for i in invitations if i["email"].endswith("@race.test")]


def assert_store_intact(cli: Cli) -> None:
    assert ok(cli, "audit", "verify")["ok"] is True
    assert ok(cli, "db", "check")["ok"] is True


def test_distinct_invitations_all_land_once(cli: Cli, shop: Any, race: Race) -> None:
    runs = race_all(race, lambda p, n: ["team", "invite", f"p{p}-{n}@race.test", *ADA])

    assert exit_codes(runs) == {0: PROCESSES * WRITES_EACH}
    invited = raced(ok(cli, "team", "invitations", "--account", "acme"))
    assert len(invited) == len(set(invited)) == PROCESSES * WRITES_EACH
    assert_store_intact(cli)


def test_the_same_invitation_lands_once(cli: Cli, shop: Any, race: Race) -> None:
    runs = race_all(race, lambda p, n: ["team", "invite", "same@race.test", *ADA])

    assert exit_codes(runs) == {0: PROCESSES * WRITES_EACH}
    results = Counter(json.loads(run["stdout"])["result"] for run in runs)
    assert results == {"invited": 1, "unchanged": PROCESSES * WRITES_EACH - 1}
    assert raced(ok(cli, "team", "invitations", "--account", "acme")) == ["same@race.test"]
    assert_store_intact(cli)


def test_orders_never_overdraw_the_shared_balance(cli: Cli, shop: Any, race: Race) -> None:
    ok(cli, "billing", "deposit", "1000", *ADA)  # 20 orders of otto's 50.00 blog post
    ok(cli, "billing", "payment-method", "remove", "1", *ADA, "--yes")
    place = ["order", "place", "--freelancer", "otto", "--service", "2", "--as", "mia@acme.test"]

    runs = race_all(race, lambda p, n: place)

    assert exit_codes(runs) == {0: 20, 5: PROCESSES * WRITES_EACH - 20}
    assert set(error_codes(runs)) == {"insufficient_funds"}
    assert ok(cli, "billing", "show", *ADA)["balance_cents"] == 0
    assert len(ok(cli, "order", "list", *ADA)) == 20
    assert_store_intact(cli)


def test_points_are_redeemed_at_most_once(cli: Cli, shop: Any, race: Race) -> None:
    for amount in ("1000", "4000"):  # 1,000 points at silver, then 8,000 at gold
        order = ok(cli, "order", "place", "--freelancer", "lena", "--amount", amount, *ADA)
        ok(cli, "order", "requirements", str(order["id"]), "brief", *ADA)
        ok(cli, "order", "deliver", str(order["id"]), "--as", "@lena")
        ok(cli, "order", "accept", str(order["id"]), *ADA)
    assert ok(cli, "rewards", "show", *ADA)["points"] == 9_000

    runs = race_all(race, lambda p, n: ["rewards", "redeem", "1000", "--for", "credits", *ADA])

    assert exit_codes(runs) == {0: 9, 5: PROCESSES * WRITES_EACH - 9}
    assert set(error_codes(runs)) == {"not_enough_points"}
    assert ok(cli, "rewards", "show", *ADA)["points"] == 0
    assert ok(cli, "billing", "show", *ADA)["credits_cents"] == 9 * 1_000
    assert_store_intact(cli)


def test_two_admins_handing_over_the_role_leave_exactly_one(
    cli: Cli, shop: Any, race: Race
) -> None:
    def hand_over(process: int, _: int) -> list[str]:
        if process % 2:
            return ["role", "set", "ada@acme.test", "admin", *BILL]
        return ["role", "set", "bill@acme.test", "admin", *ADA]

    runs = race_all(race, hand_over)

    assert set(exit_codes(runs)) <= {0, 4}
    assert set(error_codes(runs)) <= {"permission_denied"}
    team = ok(cli, "team", "list", "--account", "acme")
    admins = [m["email"] for m in team if m["role"] == "admin"]
    assert len(admins) == 1
    records = ok(cli, "audit", "list", "--account", "acme")
    handovers = [run for run in runs if run["exit_code"] == 0 and not run["stderr"]]
    # each handover records both sides: the new admin and the one who stepped down
    assert len([r for r in records if r["action"] == "role.set"]) == 2 * len(handovers)
    assert_store_intact(cli)


def test_readers_at_the_same_instant_settle_what_is_due_once(
    cli: Cli, shop: Any, race: Race
) -> None:
    """The renewal falls due and a delivery's review window closes; sixteen agents read
    at once, after both: one renewal charge, one completion, its points earned once."""
    ok(cli, "subscription", "subscribe", "advanced", *ADA, "--yes")
    order = ok(cli, "order", "place", "--freelancer", "lena", "--amount", "200", *ADA)
    ok(cli, "order", "requirements", str(order["id"]), "brief", *ADA)
    ok(cli, "order", "deliver", str(order["id"]), "--as", "@lena")
    later = ("--now", "2026-12-01T10:00:01Z")  # after the renewal and the 3-day window
    reads = [
        ["billing", "show", *ADA, *later],
        ["order", "list", *ADA, *later],
        ["rewards", "show", *ADA, *later],
    ]

    runs = race_all(race, lambda p, n: reads[(p + n) % len(reads)])

    assert exit_codes(runs) == {0: PROCESSES * WRITES_EACH}
    ledger = ok(cli, "billing", "ledger", *ADA, *later)
    renewals = [e for e in ledger if e["description"].startswith("Advanced plan, 2026-12-01")]
    assert len(renewals) == 1
    assert ok(cli, "order", "show", str(order["id"]), *ADA, *later)["status"] == "completed"
    history = ok(cli, "rewards", "history", *ADA, *later)
    assert [(e["kind"], e["order_id"]) for e in history].count(("order", order["id"])) == 1
    assert_store_intact(cli)
