"""`fpctl order hours approve|dispute|concede` and the reports in `order hours list` and
`order next`: the wiring, JSON keys, exit codes, dry runs, formats and visibility."""

from __future__ import annotations

import shlex
from typing import Any

import pytest

from tests import hostile
from tests.cli.test_order_work import (
    ADA,
    LENA,
    MIA,
    SUPPORT,
    W44_DUE,
    W44_END,
    audit_actions,
    invoices,
    log,
    ok,
    order,
    place_hourly,
)
from tests.conftest import Cli

WEEK = ("--week", "2026-W44")
ENDED = ("--now", W44_END)
BEA = ("--as", "bea@beta.test")


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def hours(cli: Cli, verb: str, order_id: int, *args: str) -> Any:
    return order(cli, "hours", verb, order_id, *WEEK, *args)


def logged_order(cli: Cli, logged: str = "3") -> int:
    order_id = place_hourly(cli)
    ok(log(cli, order_id, logged, *LENA))
    return order_id


def test_approve_charges_the_week_and_prints_its_report(cli: Cli, shop: Any) -> None:
    order_id = logged_order(cli)
    answered = ok(hours(cli, "approve", order_id, *ADA, *ENDED))
    assert answered == {
        "order_id": order_id,
        "week": "2026-W44",
        "status": "approved",
        "hours": "3.00",
        "disputed_hours": None,
        "billable_hours": None,
        "reason": None,
        "charged": True,
        "paid_cents": 500 + 12000,
        "answered_by": "ada@acme.test",
        "answered_at": W44_END,
        "resolved_by": None,
        "resolved_at": None,
    }
    assert invoices(cli) == [("order", 500), ("hourly", 12000)]
    assert audit_actions(cli, "order.hours_approve") == ["order.hours_approve"]
    again = hours(cli, "approve", order_id, *ADA, *ENDED)
    assert (again.exit_code, again.error["code"]) == (5, "report_answered")


def test_approve_dry_run_and_refusals(cli: Cli, shop: Any) -> None:
    order_id = logged_order(cli)
    dry = hours(cli, "approve", order_id, *ADA, *ENDED, "--dry-run")
    assert dry.exit_code == 0 and dry.json["charged"] is True
    assert invoices(cli) == [("order", 500)]
    for args, code, error in [
        ((*ADA,), 5, "week_not_ended"),  # the week is still running
        ((*LENA, *ENDED), 4, "permission_denied"),
        ((*MIA, *ENDED), 3, "not_found"),
    ]:
        result = hours(cli, "approve", order_id, *args)
        assert (result.exit_code, result.error["code"]) == (code, error), args
    bad_week = order(cli, "hours", "approve", order_id, "--week", "2026-W99", *ADA)
    assert bad_week.exit_code == 2
    assert audit_actions(cli, "order.hours_approve") == []


def test_dispute_then_concede(cli: Cli, shop: Any) -> None:
    order_id = logged_order(cli, "5")
    reason = ("--reason", "two hours were the kickoff call")
    disputed = ok(hours(cli, "dispute", order_id, "--hours", "2", *reason, *ADA, *ENDED))
    assert (disputed["status"], disputed["disputed_hours"], disputed["charged"]) == (
        "disputed",
        "2.00",
        False,
    )
    assert disputed["reason"] == "two hours were the kickoff call"
    listed = ok(order(cli, "hours", "list", order_id, *ADA, "--now", "2026-12-01T00:00:00Z"))
    assert [(w["status"], w["disputed_hours"]) for w in listed] == [("disputed", "2.00")]
    conceded = ok(hours(cli, "concede", order_id, *LENA, *ENDED))
    assert (conceded["status"], conceded["billable_hours"], conceded["charged"]) == (
        "approved",
        "3.00",
        True,
    )
    assert conceded["resolved_by"] == "@lena"
    assert invoices(cli) == [("order", 500), ("hourly", 12000)]
    assert audit_actions(cli, "order.hours_") == [
        "order.hours_log",
        "order.hours_dispute",
        "order.hours_concede",
        "order.hours_charge",
    ]


def test_dispute_refusals(cli: Cli, shop: Any) -> None:
    order_id = logged_order(cli)
    reason = ("--reason", "too many")
    for args, code, error in [
        ((*ADA, *ENDED), 2, "invalid_input"),  # no reason
        (("--hours", "4", *reason, *ADA, *ENDED), 2, "over_logged_hours"),
        (("--hours", "x", *reason, *ADA, *ENDED), 2, "invalid_input"),
        ((*reason, *LENA, *ENDED), 4, "permission_denied"),
        ((*reason, *MIA, *ENDED), 3, "not_found"),
    ]:
        result = hours(cli, "dispute", order_id, *args)
        assert (result.exit_code, result.error["code"]) == (code, error), args
    not_disputed = hours(cli, "concede", order_id, *LENA, *ENDED)
    assert (not_disputed.exit_code, not_disputed.error["code"]) == (5, "not_disputed")
    ok(hours(cli, "dispute", order_id, *reason, *ADA, *ENDED))
    by_buyer = hours(cli, "concede", order_id, *ADA, *ENDED)
    assert (by_buyer.exit_code, by_buyer.error["code"]) == (4, "permission_denied")
    by_other = hours(cli, "concede", order_id, "--as", "@otto", *ENDED)
    assert (by_other.exit_code, by_other.error["code"]) == (3, "not_found")


def test_support_resolves_a_dispute(cli: Cli, shop: Any) -> None:
    order_id = logged_order(cli)
    ok(hours(cli, "dispute", order_id, "--reason", "no", *ADA, *ENDED))
    approved = ok(hours(cli, "approve", order_id, *SUPPORT, *ENDED))
    assert (approved["status"], approved["resolved_by"], approved["charged"]) == (
        "approved",
        "support:sam",
        True,
    )


def test_another_accounts_order_is_not_found(cli: Cli, shop: Any) -> None:
    order_id = logged_order(cli)
    ok(cli("account", "create", "Beta", "--admin", "bea@beta.test", "--slug", "beta", "-o", "json"))
    for verb, extra in (("approve", ()), ("dispute", ("--reason", "no"))):
        result = hours(cli, verb, order_id, *extra, *BEA, *ENDED)
        assert (result.exit_code, result.error["code"]) == (3, "not_found"), verb
    listed = order(cli, "hours", "list", order_id, *BEA)
    assert listed.exit_code == 3


def test_the_report_in_every_format(cli: Cli, shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    order_id = logged_order(cli)
    listed = ok(order(cli, "hours", "list", order_id, *ADA, *ENDED))
    assert [(w["status"], w["amount_cents"], w["answer_by"]) for w in listed] == [
        ("pending", 12000, W44_DUE)
    ]
    table = cli("order", "hours", "list", str(order_id), *ADA, *ENDED)
    assert table.exit_code == 0 and "pending" in table.stdout
    assert all(len(line) <= 80 for line in table.stdout.splitlines())
    for fmt in ("ndjson", "csv", "tsv"):
        done = cli("order", "hours", "list", str(order_id), *ADA, *ENDED, "-o", fmt)
        assert done.exit_code == 0 and "pending" in done.stdout, fmt
    answered = cli("order", "hours", "dispute", str(order_id), *WEEK, "--reason", "no", *ADA)
    assert answered.exit_code == 5  # not ended at NOW
    csv = cli("order", "hours", "approve", str(order_id), *WEEK, *ADA, *ENDED, "-o", "csv")
    assert csv.exit_code == 0 and csv.stdout.startswith("order_id,week,status")


def test_order_next_lists_the_answers(cli: Cli, shop: Any) -> None:
    order_id = logged_order(cli)

    def steps(*actor: str) -> dict[str, dict[str, Any]]:
        rows = ok(cli("order", "next", str(order_id), *actor, *ENDED, "-o", "json"))
        return {r["action"]: r for r in rows if r["action"].startswith("hours ")}

    pending = steps(*ADA)
    assert pending["hours approve"]["command"] == (
        f"fpctl order hours approve {order_id} --week 2026-W44 --as ada@acme.test"
    )
    assert pending["hours approve"]["by"] == W44_DUE
    assert pending["hours dispute"]["who"] == pending["hours approve"]["who"]
    assert pending["hours auto-approve"]["who"] == "nobody (time)"
    assert pending["hours dispute"]["command"] == (
        f"fpctl order hours dispute {order_id} --week 2026-W44 --reason TEXT --as ada@acme.test"
    )
    line = shlex.split(pending["hours dispute"]["command"].replace("TEXT", "'not agreed'"))
    ok(cli(*line[1:], *ENDED, "-o", "json"))
    disputed = steps(*ADA)
    assert disputed["hours concede"]["command"] == (
        f"fpctl order hours concede {order_id} --week 2026-W44 --as @lena"
    )
    assert "hours approve" in disputed and "hours auto-approve" not in disputed
    ok(cli(*shlex.split(disputed["hours concede"]["command"])[1:], *ENDED, "-o", "json"))
    assert "hours concede" not in steps(*ADA)


def test_can_i_answers_as_the_commands_do(cli: Cli, shop: Any) -> None:
    order_id = str(logged_order(cli))
    for action, actor, code in [
        ("order.hours_approve", ADA, 0),
        ("order.hours_dispute", SUPPORT, 0),
        ("order.hours_approve", LENA, 4),
        ("order.hours_concede", LENA, 0),
        ("order.hours_concede", ADA, 4),
    ]:
        asked = cli("auth", "can-i", action, order_id, *actor, "-o", "json")
        assert asked.exit_code == code, (action, actor, asked.stderr)
    hidden = cli("auth", "can-i", "order.hours_approve", order_id, *MIA, "-o", "json")
    assert hidden.exit_code == 3


@pytest.mark.parametrize(
    "reason",
    [*hostile.TERMINAL[:3], *hostile.BIDI[:2], *hostile.MARKUP[:2], *hostile.FORMULAS[:2]],
    ids=str,
)
def test_a_hostile_dispute_reason_is_kept_and_shown_safely(
    cli: Cli, shop: Any, reason: hostile.Hostile
) -> None:
    order_id = logged_order(cli)
    given = ("--reason", reason.text, *ADA, *ENDED)
    disputed = ok(hours(cli, "dispute", order_id, *given))
    assert disputed["reason"] == reason.text.strip()
    for fmt in ("table", "csv"):
        shown = cli("order", "hours", "list", str(order_id), *ADA, *ENDED, "-o", fmt)
        assert shown.exit_code == 0 and hostile.interpreted(shown.stdout) == [], fmt
    listed = ok(order(cli, "hours", "list", order_id, *ADA, *ENDED))
    assert listed[0]["reason"] == reason.text.strip()
