"""`fpctl billing show | deposit | invoices | invoice | ledger` and the ledger in `db check`
(SPEC §1.8, §2, §3)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.backends import sql
from tests.conftest import NOW, Cli, store_state

ADA = ("--as", "ada@acme.test")
BILL = ("--as", "bill@acme.test")
MIA = ("--as", "mia@acme.test")
SUPPORT = ("--as", "support", "--reason", "ticket 7", "--account", "acme")
OPERATOR = ("--account", "acme")
NO_BILLING_INFO = dict.fromkeys(("full_name", "company", "address", "country", "tax_id"))


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def billing(cli: Cli, *args: str, actor: tuple[str, ...] = ADA) -> Any:
    return cli("billing", *args, *actor, "-o", "json")


def deposit(cli: Cli, amount: str, actor: tuple[str, ...] = ADA) -> Any:
    return billing(cli, "deposit", amount, actor=actor)


def state(cli: Cli) -> dict[str, Any]:
    """Every row of the store: what a refusal (or a rolled-back run) must leave alone."""
    return store_state()


def receipt(id_: int, amount: int) -> dict[str, Any]:
    return {
        "id": id_,
        "number": f"INV-{id_:06d}",
        "kind": "invoice",
        "purpose": "deposit",
        "order_id": None,
        "description": f"Deposit of ${amount // 100:,}.{amount % 100:02d} into the shared balance",
        "amount_cents": amount,
        "credits_cents": 0,
        "balance_cents": 0,
        "method_cents": amount,
        "payment_method": "card *4242",
        "billed_to": {"account": "acme", "name": "Acme", **NO_BILLING_INFO},
        "account": "acme",
        "issued_at": NOW,
    }


# -- deposit ----------------------------------------------------------------------------------


def test_a_deposit_prints_the_deposit(cli: Cli, shop: Any) -> None:
    result = deposit(cli, "$1,000.00")

    assert result.exit_code == 0, result.stderr
    assert result.json == {
        "account": "acme",
        "amount_cents": 100_000,
        "balance_cents": 100_000,
        "invoice_id": 1,
        "payment_method": "card *4242",
        "at": NOW,
    }
    assert billing(cli, "show").json == {
        "account": "acme",
        "balance_cents": 100_000,
        "credits_cents": 0,
        "default_payment_method": "card *4242",
        "invoices": 1,
        "billing_info": NO_BILLING_INFO,
    }
    [record] = [
        r for r in cli("audit", "list", "-o", "json").json if r["action"] == "billing.deposit"
    ]
    assert (record["actor"], record["target"], record["changes"]) == (
        "ada@acme.test",
        "account:acme",
        {"balance_cents": [0, 100_000]},
    )


def test_the_minimum_deposit_is_1000_dollars(cli: Cli, shop: Any) -> None:
    before = state(cli)
    refused = deposit(cli, "999.99")

    assert refused.exit_code == 5
    assert refused.stdout == ""
    assert refused.error == {
        "code": "deposit_too_small",
        "message": "the minimum deposit is $1,000.00; $999.99 is too small",
    }
    assert state(cli) == before
    assert deposit(cli, "1000").json["amount_cents"] == 100_000


@pytest.mark.parametrize("amount", ["abc", "-1000", "1000.001", "0", "20000000"])
def test_a_malformed_amount_is_a_usage_error(cli: Cli, shop: Any, amount: str) -> None:
    before = state(cli)
    result = deposit(cli, amount)

    assert result.exit_code == 2
    assert result.error["code"] in ("invalid_input", "usage")  # "-1000" reads as an option
    assert state(cli) == before


def test_a_deposit_without_a_payment_method_is_refused(cli: Cli, team: Any) -> None:
    before = state(cli)
    result = deposit(cli, "5000")

    assert result.exit_code == 5
    assert result.error == {
        "code": "no_payment_method",
        "message": "a deposit is paid by the default payment method, and the account has none",
        "hint": "fpctl billing payment-method add --card NUMBER --expiry MM/YY",
    }
    assert state(cli) == before


@pytest.mark.parametrize(
    ("actor", "label", "reason"),
    [(ADA, "ada@acme.test", None), (BILL, "bill@acme.test", None),
     (SUPPORT, "support:sam", "ticket 7")],
)  # fmt: skip
def test_the_admin_billing_managers_and_support_deposit(
    cli: Cli, shop: Any, actor: tuple[str, ...], label: str, reason: str | None
) -> None:
    result = deposit(cli, "1500", actor)

    assert result.exit_code == 0, result.stderr
    assert result.json["balance_cents"] == 150_000
    record = cli("audit", "list", "-o", "json").json[-1]
    assert (record["action"], record["actor"], record["reason"]) == (
        "billing.deposit",
        label,
        reason,
    )


@pytest.mark.parametrize(
    ("actor", "code", "error"),
    [
        (MIA, 4, "permission_denied"),
        (("--as", "support", "--account", "acme"), 4, "reason_required"),
        (OPERATOR, 2, "invalid_input"),
        (("--as", "@lena"), 4, "permission_denied"),
    ],
)
def test_others_cannot_deposit(
    cli: Cli, shop: Any, actor: tuple[str, ...], code: int, error: str
) -> None:
    before = state(cli)
    result = deposit(cli, "1000", actor)

    assert (result.exit_code, result.error["code"]) == (code, error)
    assert result.stdout == ""
    assert state(cli) == before


def test_a_members_refusal_says_who_can(cli: Cli, shop: Any) -> None:
    assert deposit(cli, "1000", MIA).error["message"] == (
        "mia@acme.test cannot deposit funds: only the admin, billing managers and support can"
    )


def test_a_dry_run_deposits_nothing(cli: Cli, shop: Any) -> None:
    before = state(cli)
    result = cli("billing", "deposit", "2000", "--dry-run", *ADA, "-o", "json")

    assert result.exit_code == 0, result.stderr
    assert result.json["balance_cents"] == 200_000
    assert result.stderr == "dry run: nothing was changed\n"
    assert state(cli) == before


# -- invoices, invoice, ledger, show -------------------------------------------------------------


@pytest.fixture
def deposits(cli: Cli, shop: Any) -> None:
    """Invoices 1 (1,000.00) and 2 (2,500.50): two deposits by ada@."""
    assert deposit(cli, "1000").exit_code == 0
    assert deposit(cli, "2500.50").exit_code == 0


def test_invoices_lists_the_accounts_invoices_oldest_first(cli: Cli, deposits: None) -> None:
    result = billing(cli, "invoices")

    assert result.exit_code == 0, result.stderr
    assert result.json == [receipt(1, 100_000), receipt(2, 250_050)]


def test_invoices_filter_by_kind_and_order(cli: Cli, deposits: None) -> None:
    assert len(billing(cli, "invoices", "--kind", "invoice").json) == 2
    assert billing(cli, "invoices", "--kind", "credit").json == []
    assert billing(cli, "invoices", "--order", "1").json == []
    assert billing(cli, "invoices", "--kind", "refund").exit_code == 2


def test_invoice_shows_one_invoice(cli: Cli, deposits: None) -> None:
    result = billing(cli, "invoice", "2")

    assert result.exit_code == 0, result.stderr
    assert result.json == receipt(2, 250_050)


def test_unknown_and_other_accounts_invoices_are_not_found(cli: Cli, deposits: None) -> None:
    cli("account", "create", "Globex", "--admin", "gus@globex.test", "--slug", "globex")
    gus = ("--as", "gus@globex.test")

    for invoice_id, actor in (("99", ADA), ("1", gus)):
        result = billing(cli, "invoice", invoice_id, actor=actor)
        assert result.exit_code == 3
        assert result.error == {
            "code": "not_found",
            "message": f"no invoice {invoice_id} in this account",
            "hint": f"`fpctl billing invoices --as {actor[1]}` lists them",
        }
    assert billing(cli, "invoices", actor=gus).json == []


def test_the_ledger_lists_every_movement_oldest_first(cli: Cli, deposits: None) -> None:
    result = billing(cli, "ledger")

    assert result.exit_code == 0, result.stderr
    assert result.json == [
        {
            "id": 1,
            "at": NOW,
            "kind": "deposit",
            "description": "Deposit of $1,000.00 into the shared balance",
            "order_id": None,
            "invoice_id": 1,
            "credits_cents": 0,
            "balance_cents": 100_000,
            "method_cents": 100_000,
            "credits_after_cents": 0,
            "balance_after_cents": 100_000,
            "account": "acme",
        },
        {
            "id": 2,
            "at": NOW,
            "kind": "deposit",
            "description": "Deposit of $2,500.50 into the shared balance",
            "order_id": None,
            "invoice_id": 2,
            "credits_cents": 0,
            "balance_cents": 250_050,
            "method_cents": 250_050,
            "credits_after_cents": 0,
            "balance_after_cents": 350_050,
            "account": "acme",
        },
    ]


def test_show_with_nothing_yet(cli: Cli, team: Any) -> None:
    assert billing(cli, "show").json == {
        "account": "acme",
        "balance_cents": 0,
        "credits_cents": 0,
        "default_payment_method": None,
        "invoices": 0,
        "billing_info": NO_BILLING_INFO,
    }


@pytest.mark.parametrize("actor", [ADA, BILL, SUPPORT, ("--as", "support", "--account", "acme"),
                                   OPERATOR])  # fmt: skip
@pytest.mark.parametrize("args", [("show",), ("invoices",), ("invoice", "1"), ("ledger",)])
def test_billing_readers(
    cli: Cli, deposits: None, actor: tuple[str, ...], args: tuple[str, ...]
) -> None:
    result = billing(cli, *args, actor=actor)

    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("args", [("show",), ("invoices",), ("invoice", "1"), ("ledger",)])
def test_members_cannot_see_billing_history(
    cli: Cli, deposits: None, args: tuple[str, ...]
) -> None:
    result = billing(cli, *args, actor=MIA)

    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.error == {
        "code": "permission_denied",
        "message": "mia@acme.test cannot see billing history: "
        "only the admin, billing managers and support can",
    }


def test_tables_for_people(cli: Cli, deposits: None) -> None:
    invoices = cli("billing", "invoices", *ADA)
    one = cli("billing", "invoice", "1", *ADA)
    entries = cli("billing", "ledger", *ADA)
    shown = cli("billing", "show", *ADA)

    assert "Invoices of acme" in invoices.stdout and "INV-000002" in invoices.stdout
    assert "$2,500.50" in invoices.stdout
    assert "Invoice INV-000001" in one.stdout and "card *4242" in one.stdout
    assert "Ledger of acme" in entries.stdout and "$3,500.50" in entries.stdout
    assert "Billing of acme" in shown.stdout and "$3,500.50" in shown.stdout


def test_invoices_as_csv(cli: Cli, deposits: None) -> None:
    lines = cli("billing", "invoices", *ADA, "-o", "csv").stdout.splitlines()

    assert lines[0].split(",")[:4] == ["id", "number", "kind", "purpose"]
    assert len(lines) == 3


# -- db check ---------------------------------------------------------------------------------


def test_db_check_accepts_a_consistent_ledger(cli: Cli, deposits: None) -> None:
    result = cli("db", "check", "-o", "json")

    assert result.exit_code == 0, result.stderr
    assert result.json["ledger"] == {
        "ok": True,
        "detail": "2 entries of 1 account add up",
        "problems": [],
        "accounts": 1,
        "entries": 2,
    }


def test_db_check_accepts_balances_from_before_the_ledger(cli: Cli, deposits: None) -> None:
    sql("UPDATE account SET credits_cents = 500 WHERE slug = 'acme'")
    sql("UPDATE ledger_entry SET credits_after_cents = 500")
    sql("UPDATE ledger_entry SET balance_after_cents = balance_after_cents + 7")
    sql("UPDATE account SET balance_cents = balance_cents + 7")

    assert cli("db", "check", "-o", "json").json["ledger"]["ok"] is True


def test_db_check_catches_a_tampered_balance(cli: Cli, deposits: None) -> None:
    sql("UPDATE account SET balance_cents = 999999 WHERE slug = 'acme'")

    result = cli("db", "check", "-o", "json")

    assert result.exit_code == 5
    assert result.json["failed"] == ["ledger"]
    assert result.json["ledger"]["problems"] == [
        "account acme: balance is $9,999.99 but its ledger ends at $3,500.50"
    ]
    assert result.error["code"] == "store_check_failed"


def test_db_check_catches_a_broken_chain(cli: Cli, deposits: None) -> None:
    sql("UPDATE ledger_entry SET balance_cents = 1 WHERE id = 2")

    result = cli("db", "check", "-o", "json")

    assert result.exit_code == 5
    assert result.json["ledger"]["problems"] == [
        "account acme: ledger entry 2 does not follow entry 1"
    ]
