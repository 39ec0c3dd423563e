"""`fpctl policy add | list | remove` (SPEC §1.4, §1.7)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Cli

ADA = "ada@acme.test"


def add(cli: Cli, *args: str, actor: str = ADA) -> Any:
    return cli("policy", "add", *args, "--as", actor, "-o", "json")


@pytest.fixture
def beta(cli: Cli) -> str:
    """An account on the Advanced plan, admin bob@beta.test, with a member mo@beta.test."""
    created = cli(
        "account",
        "create",
        "Beta",
        "--admin",
        "bob@beta.test",
        "--slug",
        "beta",
        "--plan",
        "advanced",
    )
    assert created.exit_code == 0, created.stderr
    sent = cli("team", "invite", "mo@beta.test", "--as", "bob@beta.test", "-o", "json")
    assert cli("team", "accept", sent.json["token"], "--name", "Mo").exit_code == 0
    return "beta"


def test_the_admin_adds_an_invite_approval_policy(cli: Cli, acme: str) -> None:
    result = add(cli, "invite-approval", "--applies-to", "members")
    assert result.exit_code == 0, result.stderr
    assert result.json == {
        "id": 1,
        "kind": "invite-approval",
        "applies_to": "members",
        "member": None,
        "over_cents": None,
        "amount_cents": None,
        "per": None,
        "mode": None,
        "active": True,
        "account": "acme",
        "created_by": ADA,
        "created_at": "2026-11-01T10:00:00Z",
    }


def test_applies_to_defaults_to_both(cli: Cli, acme: str) -> None:
    assert add(cli, "invite-approval").json["applies_to"] == "both"


@pytest.mark.parametrize("actor", ["bill@acme.test", "mia@acme.test"])
def test_only_the_admin_manages_policies(cli: Cli, team: dict[str, str], actor: str) -> None:
    refused = add(cli, "invite-approval", actor=actor)
    assert refused.exit_code == 4
    assert refused.error == {
        "code": "permission_denied",
        "message": f"{actor} cannot add policies: only the admin and support can",
    }
    assert add(cli, "invite-approval").exit_code == 0
    removing = cli("policy", "remove", "1", "--as", actor, "-o", "json")
    assert (removing.exit_code, removing.error["code"]) == (4, "permission_denied")
    assert len(cli("policy", "list", "--account", "acme", "-o", "json").json) == 1


def test_an_identical_policy_is_unchanged(cli: Cli, acme: str) -> None:
    first = add(cli, "order-approval", "--over", "$1,000")
    again = add(cli, "order-approval", "--over", "1000.00")
    assert again.exit_code == 0
    assert again.json == first.json
    assert "already in force: nothing changed" in again.stderr
    assert add(cli, "order-approval", "--over", "999").json["id"] == 2


def test_order_approval_on_basic(cli: Cli, acme: str) -> None:
    result = add(cli, "order-approval", "--over", "500")
    assert result.exit_code == 0, result.stderr
    assert (result.json["over_cents"], result.json["applies_to"]) == (50000, "both")


@pytest.mark.parametrize(
    "args",
    [
        ("order-approval",),  # --over is required
        ("order-approval", "--over", "12.345"),
        ("order-approval", "--over", "-5"),
        ("order-approval", "--over", "5", "--amount", "5"),
        ("invite-approval", "--over", "5"),
        ("invite-approval", "--applies-to", "everyone"),
        ("purchase-limit", "--amount", "100", "--applies-to", "members"),  # no --per
        ("purchase-limit", "--per", "order", "--applies-to", "members"),  # no --amount
        ("purchase-limit", "--amount", "100", "--per", "order"),  # nor --member/--applies-to
        ("purchase-limit", "--amount", "100", "--per", "week", "--applies-to", "members"),
        ("no-such-kind",),
    ],
)
def test_invalid_parameters_are_usage_errors(cli: Cli, acme: str, args: tuple[str, ...]) -> None:
    result = add(cli, *args)
    assert result.exit_code == 2, result.stderr
    assert result.error["code"] in ("invalid_input", "invalid_amount", "usage")
    assert cli("policy", "list", "--account", "acme", "-o", "json").json == []


@pytest.mark.parametrize(
    "args",
    [
        ("purchase-limit", "--amount", "100", "--per", "order", "--applies-to", "members"),
        ("purchase-limit", "--amount", "100", "--per", "month", "--member", ADA),
        ("order-approval", "--over", "100", "--applies-to", "members"),
        ("order-approval", "--over", "100", "--applies-to", "billing-managers"),
    ],
)
def test_advanced_only_policies_are_refused_on_basic(
    cli: Cli, acme: str, args: tuple[str, ...]
) -> None:
    result = add(cli, *args)
    assert result.exit_code == 5
    assert result.error["code"] == "plan_required"
    assert cli("policy", "list", "--account", "acme", "-o", "json").json == []


def test_advanced_accounts_add_purchase_limits(cli: Cli, beta: str) -> None:
    per_member = add(
        cli,
        "purchase-limit",
        "--amount",
        "250",
        "--per",
        "month",
        "--member",
        "MO@beta.test",
        actor="bob@beta.test",
    )
    assert per_member.exit_code == 0, per_member.stderr
    view = per_member.json
    assert (view["member"], view["amount_cents"], view["per"], view["mode"], view["active"]) == (
        "mo@beta.test",
        25000,
        "month",
        "refuse",
        True,
    )
    by_role = add(
        cli,
        "purchase-limit",
        "--amount",
        "100",
        "--per",
        "order",
        "--applies-to",
        "members",
        "--mode",
        "approval",
        actor="bob@beta.test",
    )
    assert (by_role.exit_code, by_role.json["mode"]) == (0, "approval")
    scoped = add(
        cli, "order-approval", "--over", "100", "--applies-to", "members", actor="bob@beta.test"
    )
    assert scoped.exit_code == 0, scoped.stderr


def test_a_purchase_limit_for_a_stranger_is_not_found(cli: Cli, beta: str) -> None:
    result = add(
        cli,
        "purchase-limit",
        "--amount",
        "100",
        "--per",
        "order",
        "--member",
        "who@x.test",
        actor="bob@beta.test",
    )
    assert (result.exit_code, result.error["code"]) == (3, "not_found")


def test_list_and_remove(cli: Cli, acme: str) -> None:
    add(cli, "invite-approval")
    add(cli, "order-approval", "--over", "100")
    listed = cli("policy", "list", "--account", "acme", "-o", "json")
    assert listed.exit_code == 0, listed.stderr
    assert [(p["id"], p["kind"], p["active"]) for p in listed.json] == [
        (1, "invite-approval", True),
        (2, "order-approval", True),
    ]
    removed = cli("policy", "remove", "1", "--as", ADA, "-o", "json")
    assert (removed.exit_code, removed.json["id"]) == (0, 1)
    after = cli("policy", "list", "--account", "acme", "-o", "json")
    assert [p["id"] for p in after.json] == [2]
    again = cli("policy", "remove", "1", "--as", ADA, "-o", "json")
    assert (again.exit_code, again.error["code"]) == (3, "not_found")


def test_the_policy_table(cli: Cli, acme: str) -> None:
    add(cli, "invite-approval")
    result = cli("policy", "list", "--account", "acme")
    assert result.exit_code == 0, result.stderr
    assert "invite-approval" in result.stdout


def test_removing_an_unknown_policy_is_not_found(cli: Cli, acme: str) -> None:
    result = cli("policy", "remove", "99", "--as", ADA, "-o", "json")
    assert result.exit_code == 3
    assert result.error["code"] == "not_found"


def test_another_accounts_policy_is_not_found(cli: Cli, acme: str, beta: str) -> None:
    assert add(cli, "invite-approval", actor="bob@beta.test").json["id"] == 1
    result = cli("policy", "remove", "1", "--as", ADA, "-o", "json")
    assert result.exit_code == 3
    assert result.error["code"] == "not_found"
    assert cli("policy", "list", "--account", "beta", "-o", "json").json[0]["id"] == 1
    assert cli("policy", "list", "--as", ADA, "-o", "json").json == []
