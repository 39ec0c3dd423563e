"""`fpctl subscription`: Advanced subscribe/cancel, renewals, the switch to the regular
marketplace and back (SPEC §1.7, §2, §3.5)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Cli, Outcome, store_state

ADA = ("--as", "ada@acme.test")
BILL = ("--as", "bill@acme.test")
MIA = ("--as", "mia@acme.test")
SUPPORT = ("--as", "support", "--reason", "ticket 7", "--account", "acme")
HALF_WAY = "2026-11-16T10:00:00Z"  # 15 of the 30 days of the first cycle (Nov 1 to Dec 1)


def ok(result: Outcome) -> Any:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.json if result.stdout.strip().startswith(("{", "[")) else result.stdout


def refused(cli: Cli, exit_code: int, code: str, *args: str) -> Outcome:
    before = store_state()
    result = cli(*args, "-o", "json")
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    assert result.error["code"] == code
    assert store_state() == before
    return result


def show(cli: Cli, *extra: str) -> dict[str, Any]:
    return ok(cli("subscription", "show", "--account", "acme", "-o", "json", *extra))


def money(cli: Cli) -> dict[str, Any]:
    return ok(cli("billing", "show", "--account", "acme", "-o", "json"))


def invoices(cli: Cli, *extra: str) -> list[dict[str, Any]]:
    return ok(cli("billing", "invoices", "--account", "acme", "-o", "json", *extra))


def subscribe(cli: Cli, *extra: str) -> dict[str, Any]:
    return ok(cli("subscription", "subscribe", "advanced", *ADA, "-o", "json", *extra))


# -- show and subscribe ---------------------------------------------------------------------


def test_a_new_account_is_on_basic(cli: Cli, acme: str) -> None:
    assert show(cli) == {
        "account": "acme",
        "plan": "basic",
        "status": "active",
        "started_at": None,
        "renews_at": None,
        "price_cents": 0,
        "switched_at": None,
        "credits_set_aside_cents": 0,
    }


def test_subscribing_charges_the_card_never_the_balance(cli: Cli, shop: Any) -> None:
    ok(cli("billing", "deposit", "5000", *ADA))

    done = subscribe(cli)

    assert done["plan"] == "advanced"
    assert (done["started_at"], done["renews_at"]) == (
        "2026-11-01T10:00:00Z",
        "2026-12-01T10:00:00Z",
    )
    assert done["price_cents"] == 12900
    invoice = ok(
        cli("billing", "invoice", str(done["invoice_id"]), "--account", "acme", "-o", "json")
    )
    assert (invoice["purpose"], invoice["amount_cents"], invoice["method_cents"]) == (
        "subscription",
        12900,
        12900,
    )
    assert (invoice["balance_cents"], invoice["credits_cents"]) == (0, 0)
    assert (money(cli)["balance_cents"], money(cli)["credits_cents"]) == (500_000, 0)
    assert show(cli)["plan"] == "advanced"


def test_the_table_shows_money_for_people(cli: Cli, shop: Any) -> None:
    result = cli("subscription", "subscribe", "advanced", *ADA)

    assert result.exit_code == 0, result.stderr
    assert "$129.00" in result.stdout
    assert "12900" not in result.stdout


def test_subscribing_without_a_card_is_refused(cli: Cli, team: Any) -> None:
    refused(cli, 5, "no_payment_method", "subscription", "subscribe", "advanced", *ADA)


def test_only_advanced_can_be_subscribed(cli: Cli, shop: Any) -> None:
    result = cli("subscription", "subscribe", "basic", *ADA)

    assert result.exit_code == 2
    assert show(cli)["plan"] == "basic"


def test_subscribing_twice_is_refused(cli: Cli, shop: Any) -> None:
    subscribe(cli)
    args = ("subscription", "subscribe", "advanced", *ADA)
    refused(cli, 5, "already_advanced", *args)


def test_the_billing_manager_and_support_may_subscribe(
    cli: Cli, shop: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")
    subscribed = ok(cli("subscription", "subscribe", "advanced", *BILL, "-o", "json"))
    assert subscribed["plan"] == "advanced"
    ok(cli("subscription", "cancel", *SUPPORT, "--yes"))
    assert show(cli)["plan"] == "basic"
    ok(cli("subscription", "subscribe", "advanced", *SUPPORT))
    audit = ok(
        cli(
            "audit", "list", "--account", "acme", "--action", "subscription.subscribe", "-o", "json"
        )
    )
    assert [(r["actor"], r["reason"]) for r in audit] == [
        ("bill@acme.test", None),
        ("support:sam", "ticket 7"),
    ]


@pytest.mark.parametrize(
    "args",
    [
        ("subscription", "subscribe", "advanced", *MIA),
        ("subscription", "cancel", *MIA, "--yes"),
        ("subscription", "switch", "fiverr", *MIA, "--yes"),
        ("subscription", "switch", "basic", *MIA, "--yes"),
        ("subscription", "switch", "fiverr", *BILL, "--yes"),
        ("subscription", "switch", "basic", *BILL, "--yes"),
    ],
)
def test_who_may_not_change_the_subscription(cli: Cli, shop: Any, args: tuple[str, ...]) -> None:
    subscribe(cli)
    refused(cli, 4, "permission_denied", *args)


# -- cancel ---------------------------------------------------------------------------------


def test_cancelling_half_way_refunds_half_to_the_balance(cli: Cli, shop: Any) -> None:
    subscribe(cli)

    done = ok(cli("subscription", "cancel", *ADA, "--yes", "--now", HALF_WAY, "-o", "json"))

    expected = 12900 * (15 * 86400) // (30 * 86400)
    assert expected == 6450
    assert (done["plan"], done["refund_cents"], done["renews_at"]) == ("basic", expected, None)
    credit = invoices(cli, "--kind", "credit")
    assert [(c["amount_cents"], c["balance_cents"], c["issued_at"]) for c in credit] == [
        (6450, 6450, HALF_WAY)
    ]
    assert money(cli)["balance_cents"] == 6450


def test_cancelling_a_second_after_the_start_refunds_almost_everything(cli: Cli, shop: Any) -> None:
    subscribe(cli)

    done = ok(
        cli("subscription", "cancel", *ADA, "--yes", "--now", "2026-11-01T10:00:01Z", "-o", "json")
    )

    cycle = 30 * 86400
    assert done["refund_cents"] == 12900 * (cycle - 1) // cycle == 12899


def test_cancelling_stops_advanced_only_policies(cli: Cli, shop: Any) -> None:
    subscribe(cli)
    limit = ("purchase-limit", "--amount", "100", "--per", "order", "--applies-to", "members")
    ok(cli("policy", "add", *limit, *ADA))
    assert [p["active"] for p in ok(cli("policy", "list", "--account", "acme", "-o", "json"))] == [
        True
    ]

    ok(cli("subscription", "cancel", *ADA, "--yes"))

    policies = ok(cli("policy", "list", "--account", "acme", "-o", "json"))
    assert [(p["kind"], p["active"]) for p in policies] == [("purchase-limit", False)]


def test_cancelling_basic_is_refused(cli: Cli, shop: Any) -> None:
    refused(cli, 5, "not_advanced", "subscription", "cancel", *ADA, "--yes")


def test_cancel_needs_yes_and_changes_nothing_without_it(cli: Cli, shop: Any) -> None:
    subscribe(cli)
    refused(cli, 2, "confirmation_required", "subscription", "cancel", *ADA)


def test_a_dry_run_cancel_changes_nothing(cli: Cli, shop: Any) -> None:
    subscribe(cli)
    before = store_state()

    done = ok(cli("subscription", "cancel", *ADA, "--dry-run", "-o", "json"))

    assert (done["plan"], done["refund_cents"]) == ("basic", 12900)
    assert store_state() == before


def test_a_dry_run_subscribe_changes_nothing(cli: Cli, shop: Any) -> None:
    before = store_state()

    assert subscribe(cli, "--dry-run")["plan"] == "advanced"

    assert store_state() == before


# -- renewals -------------------------------------------------------------------------------


def test_tick_charges_a_renewal_once(cli: Cli, shop: Any) -> None:
    subscribe(cli)
    early = ok(cli("tick", "--now", "2026-12-01T09:59:59Z", "-o", "json"))
    assert {"action": "subscription.renew", "settled": 0, "now": "2026-12-01T09:59:59Z"} in early

    first = ok(cli("tick", "--now", "2026-12-01T10:00:00Z", "-o", "json"))
    second = ok(cli("tick", "--now", "2026-12-01T10:00:00Z", "-o", "json"))

    renewals = [r["settled"] for r in first + second if r["action"] == "subscription.renew"]
    assert renewals == [1, 0]
    charged = [(i["purpose"], i["amount_cents"], i["issued_at"]) for i in invoices(cli)]
    assert charged == [
        ("subscription", 12900, "2026-11-01T10:00:00Z"),
        ("subscription", 12900, "2026-12-01T10:00:00Z"),
    ]
    assert show(cli, "--now", "2026-12-01T10:00:00Z")["renews_at"] == "2027-01-01T10:00:00Z"


def test_a_read_settles_the_renewal_lazily(cli: Cli, shop: Any) -> None:
    subscribe(cli)

    assert show(cli, "--now", "2027-01-15T00:00:00Z")["renews_at"] == "2027-02-01T10:00:00Z"

    assert len(invoices(cli)) == 3  # Nov, Dec and Jan


def test_an_account_created_on_advanced_renews_a_month_later(cli: Cli) -> None:
    create = ("account", "create", "Zed", "--admin", "zed@zed.test", "--slug", "zed")
    ok(cli(*create, "--plan", "advanced", "--as", "support", "--reason", "sign-up"))
    card = ("--card", "4242 4242 4242 4242", "--expiry", "12/30")
    ok(cli("billing", "payment-method", "add", *card, "--as", "zed@zed.test"))
    zed = ok(cli("subscription", "show", "--account", "zed", "-o", "json"))
    assert (zed["started_at"], zed["renews_at"]) == ("2026-11-01T10:00:00Z", "2026-12-01T10:00:00Z")
    assert ok(cli("billing", "invoices", "--account", "zed", "-o", "json")) == []

    ok(cli("tick", "--now", "2026-12-01T10:00:00Z"))

    renewed = ok(cli("billing", "invoices", "--account", "zed", "-o", "json"))
    assert [(i["purpose"], i["issued_at"]) for i in renewed] == [
        ("subscription", "2026-12-01T10:00:00Z")
    ]


def test_a_renewal_with_no_card_lapses_the_plan(cli: Cli, shop: Any) -> None:
    subscribe(cli)
    ok(cli("billing", "payment-method", "remove", "1", *ADA))

    lapsed = show(cli, "--now", "2026-12-01T10:00:00Z")

    assert (lapsed["plan"], lapsed["renews_at"]) == ("basic", None)
    assert len(invoices(cli)) == 1
    audit = ok(
        cli("audit", "list", "--account", "acme", "--action", "subscription.lapse", "-o", "json")
    )
    assert [r["actor"] for r in audit] == ["system"]


# -- switch ---------------------------------------------------------------------------------


def _place_and_cancel(cli: Cli) -> int:
    placed = ok(cli("order", "place", "--freelancer", "otto", "--service", "2", *ADA, "-o", "json"))
    ok(cli("order", "cancel", str(placed["id"]), *ADA))
    return int(placed["id"])


def test_switching_to_fiverr_closes_the_pro_team(cli: Cli, shop: Any) -> None:
    subscribe(cli)
    order_id = _place_and_cancel(cli)
    ok(cli("team", "invite", "new@acme.test", *ADA))

    done = ok(
        cli("subscription", "switch", "fiverr", *ADA, "--yes", "--now", HALF_WAY, "-o", "json")
    )

    assert (done["status"], done["plan"], done["switched_at"]) == ("switched", "basic", HALF_WAY)
    assert done["refund_cents"] == 6450
    assert done["deactivated"] == ["bill@acme.test", "mia@acme.test", "max@acme.test"]
    team = ok(cli("team", "list", "--account", "acme", "-o", "json"))
    assert {m["email"]: m["status"] for m in team} == {
        "ada@acme.test": "active",
        "bill@acme.test": "deactivated",
        "mia@acme.test": "deactivated",
        "max@acme.test": "deactivated",
    }
    invited = ok(
        cli("team", "invitations", "--account", "acme", "--status", "withdrawn", "-o", "json")
    )
    assert [i["email"] for i in invited] == ["new@acme.test"]
    history = ok(cli("order", "list", *ADA, "-o", "json"))
    assert [o["id"] for o in history] == [order_id]
    assert ok(cli("order", "show", str(order_id), *ADA, "-o", "json"))["status"] == "cancelled"
    account = ok(cli("account", "show", "acme", "-o", "json"))
    assert (account["status"], account["plan"]) == ("switched", "basic")
    deactivations = ok(
        cli("audit", "list", "--account", "acme", "--action", "team.deactivate", "-o", "json")
    )
    assert {r["actor"] for r in deactivations} == {"ada@acme.test"}


def test_support_may_switch(cli: Cli, shop: Any) -> None:
    done = ok(cli("subscription", "switch", "fiverr", *SUPPORT, "--yes", "-o", "json"))

    assert done["status"] == "switched"


def test_switching_back_keeps_members_deactivated(cli: Cli, shop: Any) -> None:
    ok(cli("subscription", "switch", "fiverr", *ADA, "--yes"))

    back = ok(cli("subscription", "switch", "advanced", *ADA, "-o", "json"))

    assert (back["status"], back["plan"], back["switched_at"]) == ("active", "advanced", None)
    assert back["invoice_id"] == 1
    team = ok(cli("team", "list", "--account", "acme", "--status", "active", "-o", "json"))
    assert [m["email"] for m in team] == ["ada@acme.test"]
    ok(cli("team", "reactivate", "mia@acme.test", *ADA))  # the admin reactivates them


def test_switching_back_to_basic_needs_no_card_and_no_yes(cli: Cli, team: Any) -> None:
    ok(cli("subscription", "switch", "fiverr", *ADA, "--yes"))

    back = ok(cli("subscription", "switch", "basic", *ADA, "-o", "json"))

    assert (back["status"], back["plan"]) == ("active", "basic")


def test_switching_is_refused_while_an_order_is_open(cli: Cli, shop: Any) -> None:
    ok(cli("order", "place", "--freelancer", "otto", "--service", "2", *MIA))
    refused(cli, 5, "open_orders", "subscription", "switch", "fiverr", *ADA, "--yes")


def test_switching_twice_is_refused(cli: Cli, shop: Any) -> None:
    ok(cli("subscription", "switch", "fiverr", *ADA, "--yes"))
    args = ("subscription", "switch", "fiverr", *ADA, "--yes")
    refused(cli, 5, "already_switched", *args)


@pytest.mark.parametrize("plan", ["basic", "advanced"])
def test_switching_to_the_current_plan_is_refused(cli: Cli, shop: Any, plan: str) -> None:
    if plan == "advanced":
        subscribe(cli)
    args = ("subscription", "switch", plan, *ADA, "--yes")
    refused(cli, 5, "already_on_plan", *args)


def test_switch_basic_on_pro_is_a_cancel_and_needs_yes(cli: Cli, shop: Any) -> None:
    subscribe(cli)
    refused(cli, 2, "confirmation_required", "subscription", "switch", "basic", *ADA)

    done = ok(
        cli("subscription", "switch", "basic", *ADA, "--yes", "--now", HALF_WAY, "-o", "json")
    )

    assert (done["plan"], done["refund_cents"]) == ("basic", 6450)


def test_switch_advanced_on_pro_is_a_subscribe(cli: Cli, shop: Any) -> None:
    done = ok(cli("subscription", "switch", "advanced", *ADA, "-o", "json"))

    assert (done["plan"], done["invoice_id"]) == ("advanced", 1)


def test_switch_fiverr_needs_yes(cli: Cli, shop: Any) -> None:
    refused(cli, 2, "confirmation_required", "subscription", "switch", "fiverr", *ADA)


def test_a_dry_run_switch_changes_nothing(cli: Cli, shop: Any) -> None:
    subscribe(cli)
    before = store_state()

    done = ok(cli("subscription", "switch", "fiverr", *ADA, "--dry-run", "-o", "json"))

    assert done["status"] == "switched"
    assert store_state() == before


@pytest.mark.parametrize(
    ("code", "args"),
    [
        ("account_switched", ("team", "invite", "new@acme.test", *ADA)),
        ("account_switched", ("team", "reactivate", "mia@acme.test", *ADA)),
        ("account_switched", ("policy", "add", "invite-approval", *ADA)),
        (
            "account_switched",
            ("order", "place", "--freelancer", "otto", "--service", "2", *ADA),
        ),
        ("account_switched", ("subscription", "subscribe", "advanced", *ADA)),
        ("account_switched", ("billing", "deposit", "1000", *ADA)),
    ],
)
def test_a_switched_account_refuses_pro_actions(
    cli: Cli, shop: Any, code: str, args: tuple[str, ...]
) -> None:
    ok(cli("subscription", "switch", "fiverr", *ADA, "--yes"))
    refused(cli, 5, code, *args)


def test_cancel_on_a_switched_account_is_refused(cli: Cli, shop: Any) -> None:
    ok(cli("subscription", "switch", "fiverr", *ADA, "--yes"))
    refused(cli, 5, "account_switched", "subscription", "cancel", *ADA, "--yes")


def test_a_plan_set_without_a_charge_refunds_nothing(cli: Cli) -> None:
    """`account create --plan advanced` charges nothing (no payment method exists yet), so
    cancelling in that first cycle refunds nothing: no money from nowhere (issue 11)."""
    created = cli("account", "create", "Solo", "--admin", "sol@solo.test", "--plan", "advanced")
    assert created.exit_code == 0, created.stderr
    sol = ("--as", "sol@solo.test")

    cancelled = ok(cli("subscription", "cancel", *sol, "--yes", "--now", "2026-11-05T10:00:00Z",
                       "-o", "json"))  # fmt: skip

    assert (cancelled["plan"], cancelled["refund_cents"]) == ("basic", 0)
    billing = ok(cli("billing", "show", *sol, "-o", "json"))
    assert billing["balance_cents"] == 0
    assert cli("db", "check", "-o", "json").exit_code == 0
