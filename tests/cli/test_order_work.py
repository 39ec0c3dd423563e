"""`fpctl order milestone accept|list` and `fpctl order hours log|list|limit` (SPEC §1.5, §2,
§3): the wiring, JSON keys, exit codes, dry runs and the weekly charge through `tick`."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Cli

ADA = ("--as", "ada@acme.test")
BILL = ("--as", "bill@acme.test")
MIA = ("--as", "mia@acme.test")
LENA = ("--as", "@lena")
OTTO = ("--as", "@otto")
SUPPORT = ("--as", "support", "--reason", "ticket 7", "--account", "acme")
W44_END = "2026-11-02T00:00:00Z"  # NOW is Sunday 2026-11-01 10:00, in 2026-W44
JUST_BEFORE = "2026-11-01T23:59:59Z"
W44_DUE = "2026-11-07T00:00:00Z"  # unanswered, the week's report is approved by the clock
W44_DUE_BEFORE = "2026-11-06T23:59:59Z"


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.stderr
    return result.json


def place(cli: Cli, *terms: str, actor: tuple[str, ...] = ADA) -> int:
    placed = ok(cli("order", "place", "--freelancer", "lena", *terms, *actor, "-o", "json"))
    ok(cli("order", "skip-requirements", placed["id"], *LENA, "-o", "json"))
    return int(placed["id"])


def place_milestones(cli: Cli) -> int:
    return place(cli, "--milestone", "Sketch=100.00", "--milestone", "Final=200.00")


def place_hourly(cli: Cli, *, limit: str = "20", actor: tuple[str, ...] = ADA) -> int:
    terms = ("--hourly", "--rate", "40.00", "--weekly-limit", limit, "--estimate", "10")
    return place(cli, *terms, actor=actor)


def order(cli: Cli, *args: Any) -> Any:
    return cli("order", *[str(a) for a in args], "-o", "json")


def log(cli: Cli, order_id: int, hours: str, *extra: str, week: str = "2026-W44") -> Any:
    args = ("hours", "log", order_id, "--week", week, "--hours", hours)
    return order(cli, *args, "--description", "logo work", *extra)


def audit_actions(cli: Cli, prefix: str) -> list[str]:
    records = ok(cli("audit", "list", "--account", "acme", "-o", "json"))
    return [r["action"] for r in records if r["action"].startswith(prefix)]


def invoices(cli: Cli) -> list[tuple[str, int]]:
    rows = ok(cli("billing", "invoices", *ADA, "-o", "json"))
    return [(i["purpose"], i["amount_cents"]) for i in rows]


# -- milestones ----------------------------------------------------------------------------


def test_milestone_accept_charges_the_next_and_prints_the_order(cli: Cli, shop: Any) -> None:
    order_id = place_milestones(cli)
    ok(order(cli, "deliver", order_id, *LENA))
    shown = ok(order(cli, "milestone", "accept", order_id, *ADA))
    assert (shown["id"], shown["status"], shown["paid_cents"]) == (order_id, "in_progress", 30000)
    assert [m["status"] for m in shown["milestones"]] == ["accepted", "in_progress"]
    ok(order(cli, "deliver", order_id, *LENA))
    done = ok(order(cli, "milestone", "accept", order_id, *BILL))
    assert (done["status"], done["paid_cents"]) == ("completed", 30000)
    assert invoices(cli) == [("milestone", 10000), ("milestone", 20000)]
    assert audit_actions(cli, "order.milestone") == ["order.milestone_accept"] * 2


def test_milestone_accept_dry_run_changes_nothing(cli: Cli, shop: Any) -> None:
    order_id = place_milestones(cli)
    ok(order(cli, "deliver", order_id, *LENA))
    dry = order(cli, "milestone", "accept", order_id, *ADA, "--dry-run")
    assert dry.exit_code == 0
    assert dry.json["paid_cents"] == 30000
    assert "dry run" in dry.stderr
    assert ok(order(cli, "show", order_id, *ADA))["paid_cents"] == 10000
    assert invoices(cli) == [("milestone", 10000)]


@pytest.mark.parametrize(
    ("actor", "code", "error"),
    [
        (LENA, 4, "permission_denied"),
        (MIA, 3, "not_found"),  # mia does not see ada's my-project order
        ((), 2, "invalid_input"),  # a change needs an actor
    ],
)
def test_milestone_accept_refusals(
    cli: Cli, shop: Any, actor: tuple[str, ...], code: int, error: str
) -> None:
    order_id = place_milestones(cli)
    ok(order(cli, "deliver", order_id, *LENA))
    result = order(cli, "milestone", "accept", order_id, *actor)
    assert (result.exit_code, result.error["code"]) == (code, error)
    assert ok(order(cli, "show", order_id, *ADA))["status"] == "delivered"


def test_milestone_commands_are_for_milestone_orders(cli: Cli, shop: Any) -> None:
    order_id = place(cli, "--service", "1")
    ok(order(cli, "deliver", order_id, *LENA))
    result = order(cli, "milestone", "accept", order_id, *ADA)
    assert (result.exit_code, result.error["code"]) == (5, "not_milestones")
    listed = order(cli, "milestone", "list", order_id, *ADA)
    assert (listed.exit_code, listed.error["code"]) == (5, "not_milestones")
    missing = order(cli, "milestone", "accept", 99, *ADA)
    assert (missing.exit_code, missing.error["code"]) == (3, "not_found")


def test_milestone_list(cli: Cli, shop: Any) -> None:
    order_id = place_milestones(cli)
    rows = ok(order(cli, "milestone", "list", order_id, "--account", "acme"))
    assert rows == [
        {
            "position": 1,
            "title": "Sketch",
            "amount_cents": 10000,
            "status": "in_progress",
            "charged_at": "2026-11-01T10:00:00Z",
            "delivered_at": None,
            "accepted_at": None,
        },
        {
            "position": 2,
            "title": "Final",
            "amount_cents": 20000,
            "status": "not_started",
            "charged_at": None,
            "delivered_at": None,
            "accepted_at": None,
        },
    ]
    table = cli("order", "milestone", "list", order_id, *LENA)
    assert table.exit_code == 0 and "Sketch" in table.stdout


def test_the_3_day_window_through_the_cli(cli: Cli, shop: Any) -> None:
    """SPEC §1.5: 3 days after every delivery, a milestone's included (issue 14: it was 8)."""
    order_id = place_milestones(cli)
    ok(order(cli, "deliver", order_id, *LENA))  # at NOW
    delivered = ok(order(cli, "show", order_id, *ADA))
    assert delivered["auto_completes_at"] == "2026-11-04T10:00:00Z"
    before = ok(order(cli, "show", order_id, *ADA, "--now", "2026-11-04T09:59:59Z"))
    assert before["status"] == "delivered"
    after = ok(order(cli, "show", order_id, *ADA, "--now", "2026-11-04T10:00:00Z"))
    assert (after["status"], after["paid_cents"]) == ("completed", 10000)
    assert [m["charged_at"] is not None for m in after["milestones"]] == [True, False]


# -- hours log -----------------------------------------------------------------------------


def test_the_freelancer_logs_hours(cli: Cli, shop: Any) -> None:
    order_id = place_hourly(cli)
    logged = ok(log(cli, order_id, "12.5", *LENA))
    assert logged == {
        "id": 1,
        "order_id": order_id,
        "week": "2026-W44",
        "hours": "12.50",
        "description": "logo work",
        "logged_at": "2026-11-01T10:00:00Z",
        "week_hours": "12.50",
        "weekly_limit_hours": 20,
        "week_ends_at": W44_END,
        "answer_by": W44_DUE,
        "status": "open",
    }
    assert ok(log(cli, order_id, "2.25", *LENA))["week_hours"] == "14.75"
    # logged once the week has ended: its report is pending, its window restarted
    late = ok(log(cli, order_id, "1", *LENA, "--now", "2026-11-03T00:00:00Z"))
    assert (late["status"], late["answer_by"]) == ("pending", "2026-11-08T00:00:00Z")
    assert audit_actions(cli, "order.hours") == ["order.hours_log"] * 3


def test_hours_log_dry_run(cli: Cli, shop: Any) -> None:
    order_id = place_hourly(cli)
    dry = log(cli, order_id, "3", *LENA, "--dry-run")
    assert dry.exit_code == 0 and dry.json["hours"] == "3.00"
    assert ok(order(cli, "hours", "list", order_id, *ADA)) == []


@pytest.mark.parametrize(
    ("actor", "code", "error"),
    [
        (MIA, 4, "permission_denied"),  # a member cannot log hours
        (ADA, 4, "permission_denied"),
        (OTTO, 3, "not_found"),  # another freelancer does not see the order
        ((), 2, "invalid_input"),
    ],
)
def test_only_the_orders_freelancer_logs_hours(
    cli: Cli, shop: Any, actor: tuple[str, ...], code: int, error: str
) -> None:
    order_id = place_hourly(cli)
    result = log(cli, order_id, "1", *actor)
    assert (result.exit_code, result.error["code"]) == (code, error)
    assert ok(order(cli, "hours", "list", order_id, *ADA)) == []


@pytest.mark.parametrize("hours", ["0", "1.234", "abc", "-2", "1e3", "169"])
def test_bad_hours_are_usage_errors(cli: Cli, shop: Any, hours: str) -> None:
    order_id = place_hourly(cli)
    result = log(cli, order_id, hours, *LENA)
    assert result.exit_code == 2, result.stderr


@pytest.mark.parametrize(
    ("week", "code", "error"),
    [
        ("2026-W45", 2, "future_week"),
        ("2026-45", 2, "invalid_input"),
        ("2026-W43", 5, "week_before_order"),
    ],
)
def test_which_weeks_take_hours(cli: Cli, shop: Any, week: str, code: int, error: str) -> None:
    order_id = place_hourly(cli)
    result = log(cli, order_id, "1", *LENA, week=week)
    assert (result.exit_code, result.error["code"]) == (code, error)


def test_hours_refused_by_the_orders_rules(cli: Cli, shop: Any) -> None:
    fixed = place(cli, "--service", "1")
    result = log(cli, fixed, "1", *LENA)
    assert (result.exit_code, result.error["code"]) == (5, "not_hourly")

    order_id = place_hourly(cli, limit="10")
    ok(log(cli, order_id, "9.5", *LENA))
    over = log(cli, order_id, "0.51", *LENA)
    assert (over.exit_code, over.error["code"]) == (5, "over_weekly_limit")
    assert "9.50 h logged, the weekly limit is 10 h" in over.error["message"]
    ok(log(cli, order_id, "0.5", *LENA))

    charged = log(cli, order_id, "1", *LENA, "--now", W44_DUE)
    assert (charged.exit_code, charged.error["code"]) == (5, "week_charged")

    ok(order(cli, "deliver", order_id, *LENA, "--now", W44_DUE))
    ok(order(cli, "accept", order_id, *ADA, "--now", W44_DUE))
    closed = log(cli, order_id, "1", *LENA, "--now", W44_DUE, week="2026-W45")
    assert (closed.exit_code, closed.error["code"]) == (5, "order_not_running")


# -- the weekly charge ---------------------------------------------------------------------


def test_tick_approves_and_charges_each_unanswered_week_once(cli: Cli, shop: Any) -> None:
    order_id = place_hourly(cli)
    ok(log(cli, order_id, "12.5", *LENA))

    def approved(at: str) -> int:
        rows = ok(cli("tick", "--now", at, "-o", "json"))
        return next(r["settled"] for r in rows if r["action"] == "order.hours_auto_approve")

    assert approved(W44_END) == 0  # the week has ended: the buyer has 5 days to answer
    assert approved(W44_DUE_BEFORE) == 0
    assert invoices(cli) == [("order", 500)]
    assert approved(W44_DUE) == 1
    assert approved(W44_DUE) == 0
    assert invoices(cli) == [("order", 500), ("hourly", 50000)]
    shown = ok(order(cli, "show", order_id, *ADA, "--now", W44_DUE))
    assert shown["paid_cents"] == 50500
    records = ok(cli("audit", "list", "--account", "acme", "--actor", "system", "-o", "json"))
    assert sorted((r["action"], r["at"], r["target"]) for r in records) == [
        ("order.hours_auto_approve", W44_DUE, f"order:{order_id} week:2026-W44"),
        ("order.hours_charge", W44_DUE, f"order:{order_id}"),
    ]


def test_a_week_that_cannot_be_paid_does_not_stop_tick(cli: Cli, shop: Any) -> None:
    acme_order = place_hourly(cli)
    ok(log(cli, acme_order, "2", *LENA))
    beta = ("--as", "bea@beta.test")
    ok(cli("account", "create", "Beta", "--admin", "bea@beta.test", "--slug", "beta", "-o", "json"))
    card = ("--card", "5555555555554444", "--expiry", "12/30")
    ok(cli("billing", "payment-method", "add", *card, *beta, "-o", "json"))
    beta_order = place_hourly(cli, actor=beta)
    ok(log(cli, beta_order, "3", *LENA))
    ok(cli("billing", "payment-method", "remove", "1", *ADA, "--yes", "-o", "json"))

    ticked = ok(cli("tick", "--now", W44_DUE, "-o", "json"))
    assert {r["action"]: r["settled"] for r in ticked}["order.hours_auto_approve"] == 2
    acme_week = ok(order(cli, "hours", "list", acme_order, *ADA, "--now", W44_DUE))
    beta_week = ok(order(cli, "hours", "list", beta_order, *beta, "--now", W44_DUE))
    assert [(w["status"], w["charged_cents"]) for w in acme_week] == [("approved", None)]
    assert [(w["status"], w["charged_cents"]) for w in beta_week] == [("charged", 12000)]
    # a card again: the approved week is charged at the next settlement
    ok(cli("billing", "payment-method", "add", *card, *ADA, "--now", W44_DUE, "-o", "json"))
    later = ok(order(cli, "hours", "list", acme_order, *ADA, "--now", W44_DUE))
    assert [(w["status"], w["charged_cents"]) for w in later] == [("charged", 8000)]


def test_a_cancelled_orders_hours_are_never_charged(cli: Cli, shop: Any) -> None:
    order_id = place_hourly(cli)
    ok(log(cli, order_id, "4", *LENA))
    ok(cli("order", "cancel-request", order_id, *LENA, "--reason", "stop", "-o", "json"))
    ok(order(cli, "cancel-accept", order_id, *ADA))
    ticked = ok(cli("tick", "--now", "2026-12-01T00:00:00Z", "-o", "json"))
    assert {r["action"]: r["settled"] for r in ticked}["order.hours_charge"] == 0
    weeks = ok(order(cli, "hours", "list", order_id, *ADA))
    assert [(w["status"], w["charged_cents"]) for w in weeks] == [("void", None)]
    assert [purpose for purpose, _ in invoices(cli)] == ["order", "refund"]


# -- the report and the limit --------------------------------------------------------------


def test_the_weekly_report(cli: Cli, shop: Any) -> None:
    order_id = place_hourly(cli)
    ok(log(cli, order_id, "1.5", *LENA))
    ok(log(cli, order_id, "2", *LENA))
    ok(log(cli, order_id, "4", *LENA, "--now", "2026-11-03T09:00:00Z", week="2026-W45"))
    rows = ok(order(cli, "hours", "list", order_id, *ADA, "--now", "2026-11-07T09:00:00Z"))
    assert [
        {k: r[k] for k in ("week", "hours", "entries", "charged_cents", "status")} for r in rows
    ] == [
        {
            "week": "2026-W44",
            "hours": "3.50",
            "entries": 2,
            "charged_cents": 14000,
            "status": "charged",
        },
        {
            "week": "2026-W45",
            "hours": "4.00",
            "entries": 1,
            "charged_cents": None,
            "status": "open",
        },
    ]
    assert isinstance(rows[0]["invoice_id"], int) and rows[1]["invoice_id"] is None
    # who reads it: the buyer side that sees the order, support, no actor, the freelancer
    for actor in (BILL, SUPPORT, ("--account", "acme"), LENA):
        assert len(ok(order(cli, "hours", "list", order_id, *actor))) == 2
    hidden = order(cli, "hours", "list", order_id, *MIA)
    assert (hidden.exit_code, hidden.error["code"]) == (3, "not_found")
    csv = cli("order", "hours", "list", order_id, *ADA, "-o", "csv")
    assert csv.stdout.splitlines()[0].startswith(
        "order_id,week,hours,entries,status,amount_cents,charged_cents,invoice_id,week_ends_at,"
        "answer_by"
    )
    table = cli("order", "hours", "list", order_id, *ADA)
    assert table.exit_code == 0 and "2026-W45" in table.stdout


def test_the_buyer_changes_the_weekly_limit(cli: Cli, shop: Any) -> None:
    order_id = place_hourly(cli, limit="10")
    shown = ok(order(cli, "hours", "limit", order_id, "--hours", "25", *BILL))
    assert shown["hourly"] == {"rate_cents": 4000, "weekly_limit_hours": 25, "estimate_hours": 10}
    ok(log(cli, order_id, "20", *LENA))  # within the new limit
    removed = ok(order(cli, "hours", "limit", order_id, "--none", *SUPPORT))
    assert removed["hourly"]["weekly_limit_hours"] is None
    assert audit_actions(cli, "order.hours_limit") == ["order.hours_limit"] * 2


def test_hours_limit_dry_run_and_refusals(cli: Cli, shop: Any) -> None:
    order_id = place_hourly(cli, limit="10")
    dry = order(cli, "hours", "limit", order_id, "--hours", "5", *ADA, "--dry-run")
    assert dry.exit_code == 0 and dry.json["hourly"]["weekly_limit_hours"] == 5
    for args, code, error in [
        (("--hours", "5", *LENA), 4, "permission_denied"),
        (("--hours", "5", *MIA), 3, "not_found"),
        (("--hours", "0", *ADA), 2, "invalid_input"),
        (("--hours", "5", "--none", *ADA), 2, "invalid_input"),
        ((*ADA,), 2, "invalid_input"),
    ]:
        result = order(cli, "hours", "limit", order_id, *args)
        assert (result.exit_code, result.error["code"]) == (code, error), args
    assert ok(order(cli, "show", order_id, *ADA))["hourly"]["weekly_limit_hours"] == 10
    assert audit_actions(cli, "order.hours_limit") == []
