"""`fpctl billing info set | show`, `billing show`'s billing_info and the invoices' billed_to
snapshot (SPEC §1.8, §2)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Cli, store_state

ADA = ("--as", "ada@acme.test")
BILL = ("--as", "bill@acme.test")
MIA = ("--as", "mia@acme.test")
SUPPORT = ("--as", "support", "--reason", "ticket 7", "--account", "acme")
OPERATOR = ("--account", "acme")
EMPTY = dict.fromkeys(("full_name", "company", "address", "country", "tax_id"))
FULL = {
    "full_name": "Ada Lovelace",
    "company": "Acme GmbH",
    "address": "1 Main St\n10115 Berlin",
    "country": "DE",
    "tax_id": "DE123456789",
}
FLAGS = [
    "--full-name",
    FULL["full_name"],
    "--company",
    FULL["company"],
    "--address",
    FULL["address"],
    "--country",
    FULL["country"],
    "--tax-id",
    FULL["tax_id"],
]


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def info_set(cli: Cli, *args: str, actor: tuple[str, ...] = ADA) -> Any:
    return cli("billing", "info", "set", *args, *actor, "-o", "json")


def shown(cli: Cli) -> dict[str, Any]:
    return cli("billing", "info", "show", *OPERATOR, "-o", "json").json


def info_records(cli: Cli) -> list[dict[str, Any]]:
    records = cli("audit", "list", "-o", "json").json
    return [r for r in records if r["action"] == "billing.info_set"]


def state(cli: Cli) -> dict[str, Any]:
    """Every row of the store: what a refusal (or a rolled-back run) must leave alone."""
    return store_state()


def deposit(cli: Cli, amount: str = "1000") -> int:
    result = cli("billing", "deposit", amount, *ADA, "-o", "json")
    assert result.exit_code == 0, result.stderr
    return int(result.json["invoice_id"])


def billed_to(cli: Cli, invoice_id: int) -> dict[str, Any]:
    return cli("billing", "invoice", str(invoice_id), *ADA, "-o", "json").json["billed_to"]


# -- set -----------------------------------------------------------------------------------------


def test_set_prints_the_billing_information_and_audits_each_change(cli: Cli, team: Any) -> None:
    result = info_set(cli, *FLAGS)

    assert result.exit_code == 0, result.stderr
    assert result.json == {"account": "acme", **FULL}
    assert shown(cli) == {"account": "acme", **FULL}
    [record] = info_records(cli)
    assert (record["actor"], record["target"]) == ("ada@acme.test", "account:acme")
    assert record["changes"] == {key: [None, value] for key, value in FULL.items()}


@pytest.mark.parametrize(
    ("actor", "label", "reason"),
    [(ADA, "ada@acme.test", None), (BILL, "bill@acme.test", None),
     (SUPPORT, "support:sam", "ticket 7")],
)  # fmt: skip
def test_the_admin_billing_managers_and_support_set_it(
    cli: Cli, team: Any, actor: tuple[str, ...], label: str, reason: str | None
) -> None:
    result = info_set(cli, "--company", "Acme GmbH", actor=actor)

    assert result.exit_code == 0, result.stderr
    assert result.json["company"] == "Acme GmbH"
    [record] = info_records(cli)
    assert (record["actor"], record["reason"]) == (label, reason)


@pytest.mark.parametrize(
    ("actor", "code", "error"),
    [
        (MIA, 4, "permission_denied"),
        (("--as", "support", "--account", "acme"), 4, "reason_required"),
        (OPERATOR, 2, "invalid_input"),
        (("--as", "@lena"), 4, "permission_denied"),
    ],
)
def test_others_cannot_set_it(
    cli: Cli, shop: Any, actor: tuple[str, ...], code: int, error: str
) -> None:
    before = state(cli)
    result = info_set(cli, "--company", "Mine", actor=actor)

    assert (result.exit_code, result.error["code"]) == (code, error)
    assert result.stdout == ""
    assert state(cli) == before


def test_a_members_refusal_says_who_can(cli: Cli, team: Any) -> None:
    assert info_set(cli, "--company", "Mine", actor=MIA).error["message"] == (
        "mia@acme.test cannot set billing information: "
        "only the admin, billing managers and support can"
    )


def test_no_flag_is_a_usage_error(cli: Cli, team: Any) -> None:
    before = state(cli)
    result = info_set(cli)

    assert result.exit_code == 2
    assert result.error == {
        "code": "invalid_input",
        "message": "nothing to change",
        "hint": "give --full-name, --company, --address, --country or --tax-id",
    }
    assert state(cli) == before


def test_an_empty_value_clears_a_field_and_text_is_trimmed(cli: Cli, team: Any) -> None:
    info_set(cli, *FLAGS)
    result = info_set(cli, "--tax-id", "", "--company", "  Acme AG  ")

    assert result.exit_code == 0, result.stderr
    assert result.json == {"account": "acme", **FULL, "tax_id": None, "company": "Acme AG"}
    assert info_records(cli)[-1]["changes"] == {
        "company": ["Acme GmbH", "Acme AG"],
        "tax_id": ["DE123456789", None],
    }


def test_the_same_values_are_reported_unchanged_without_an_audit_record(
    cli: Cli, team: Any
) -> None:
    info_set(cli, *FLAGS)
    before = state(cli)
    result = info_set(cli, "--country", "DE", "--company", "Acme GmbH ")

    assert result.exit_code == 0, result.stderr
    assert result.json == {"account": "acme", **FULL}
    assert result.stderr == "acme already has this billing information: nothing changed\n"
    assert state(cli) == before


def test_too_long_text_is_a_usage_error(cli: Cli, team: Any) -> None:
    before = state(cli)
    result = info_set(cli, "--full-name", "x" * 201)

    assert (result.exit_code, result.error["code"]) == (2, "invalid_input")
    assert result.error["message"] == "the billing full name is longer than 200 characters"
    assert state(cli) == before


def test_a_dry_run_changes_nothing(cli: Cli, team: Any) -> None:
    before = state(cli)
    result = cli("billing", "info", "set", "--company", "X", "--dry-run", *ADA, "-o", "json")

    assert result.exit_code == 0, result.stderr
    assert result.json["company"] == "X"
    assert state(cli) == before


def test_the_table_shows_user_text_safely(cli: Cli, team: Any) -> None:
    result = cli("billing", "info", "set", "--company", "[bold]Evil\x1b[2J Inc", *ADA)

    assert result.exit_code == 0, result.stderr
    assert "[bold]Evil[2J Inc" in result.stdout  # markup as text, the ESC dropped
    assert "\x1b" not in result.stdout


# -- show ----------------------------------------------------------------------------------------


def test_billing_show_includes_the_billing_information(cli: Cli, team: Any) -> None:
    assert cli("billing", "show", *ADA, "-o", "json").json["billing_info"] == EMPTY
    info_set(cli, *FLAGS)

    assert cli("billing", "show", *BILL, "-o", "json").json["billing_info"] == FULL


@pytest.mark.parametrize("args", [("show",), ("info", "show")])
def test_readers_see_it_and_members_do_not(cli: Cli, team: Any, args: tuple[str, ...]) -> None:
    for actor in (ADA, BILL, SUPPORT, OPERATOR):
        assert cli("billing", *args, *actor, "-o", "json").exit_code == 0
    refused = cli("billing", *args, *MIA, "-o", "json")

    assert refused.exit_code == 4
    assert refused.stdout == ""
    assert refused.error["code"] == "permission_denied"


# -- the invoices' snapshot --------------------------------------------------------------------


def test_an_invoice_keeps_the_billing_information_it_was_issued_with(cli: Cli, shop: Any) -> None:
    unset = deposit(cli)
    info_set(cli, *FLAGS)
    first = deposit(cli)
    info_set(cli, "--company", "Acme AG", "--tax-id", "")
    second = deposit(cli)

    snapshot = {"account": "acme", "name": "Acme"}
    assert billed_to(cli, unset) == {**snapshot, **EMPTY}
    assert billed_to(cli, first) == {**snapshot, **FULL}
    assert billed_to(cli, second) == {**snapshot, **FULL, "company": "Acme AG", "tax_id": None}
    listed = cli("billing", "invoices", *ADA, "-o", "json").json
    assert [row["billed_to"]["company"] for row in listed] == [None, "Acme GmbH", "Acme AG"]
