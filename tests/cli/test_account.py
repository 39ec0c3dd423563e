"""fpctl account: create, list, show, update — formats, exit codes, audit."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Cli

ACME = {
    "id": 1,
    "slug": "acme",
    "name": "Acme",
    "plan": "basic",
    "status": "active",
    "tier": "silver",
    "points": 0,
    "balance_cents": 0,
    "credits_cents": 0,
    "company": None,
    "website": None,
    "industry": None,
    "created_at": "2026-11-01T10:00:00Z",
}


def audit(cli: Cli) -> list[dict[str, Any]]:
    result = cli("audit", "list", "-o", "json")
    assert result.exit_code == 0, result.stderr
    return result.json


def test_create_from_name_with_a_plan(cli: Cli) -> None:
    result = cli(
        "account", "create", "Blue Whale Co.", "--admin", "Wes@Whale.test", "--plan", "advanced",
        "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert (result.json["slug"], result.json["plan"], result.json["members"]) == (
        "blue-whale-co",
        "advanced",
        1,
    )
    team = cli("team", "list", "--account", "blue-whale-co", "-o", "json").json
    assert [(m["email"], m["name"], m["role"]) for m in team] == [
        ("wes@whale.test", "wes@whale.test", "admin")
    ]


def test_create_with_slug(cli: Cli, acme: str) -> None:
    shown = cli("account", "show", "acme", "-o", "json").json
    assert {key: shown[key] for key in ACME | {"members": 1}} == ACME | {"members": 1}


def test_slug_taken(cli: Cli, acme: str) -> None:
    result = cli("account", "create", "Acme", "--admin", "zed@zed.test", "-o", "json")
    assert result.exit_code == 5
    assert result.error == {
        "code": "slug_taken",
        "message": "an account with the slug 'acme' already exists",
        "hint": "choose another with --slug",
    }
    assert result.stdout == ""


def test_admin_email_held_elsewhere(cli: Cli, acme: str) -> None:
    result = cli(
        "account", "create", "Other", "--admin", " ADA@acme.test", "--slug", "other", "-o", "json"
    )
    assert result.exit_code == 5
    assert result.error["code"] == "email_taken"
    assert result.stderr.splitlines()[0] == "error: ada@acme.test belongs to another Pro account"
    assert cli("account", "list", "-o", "json").json == [ACME | {"members": 1}]


@pytest.mark.parametrize("email", ["bad", "ada@", "a\u200bda@x.test"])
def test_malformed_admin_email(cli: Cli, email: str) -> None:
    result = cli("account", "create", "Other", "--admin", email, "-o", "json")
    assert result.exit_code == 2
    assert result.error["code"] == "invalid_input"
    assert cli("account", "list", "-o", "json").json == []


def test_list_member_sees_own_nobody_sees_all(cli: Cli, acme: str) -> None:
    cli("account", "create", "Beta", "--admin", "bea@beta.test")
    everything = cli("account", "list", "-o", "json")
    assert [a["slug"] for a in everything.json] == ["acme", "beta"]
    mine = cli("account", "list", "--as", "bea@beta.test", "-o", "json")
    assert [a["slug"] for a in mine.json] == ["beta"]
    hidden = cli("account", "show", "acme", "--as", "bea@beta.test", "-o", "json")
    assert hidden.exit_code == 3
    assert hidden.error["code"] == "not_found"


def test_show_table(cli: Cli, acme: str) -> None:
    result = cli("account", "show", "--account", "acme")
    assert result.exit_code == 0, result.stderr
    assert [line.rstrip() for line in result.stdout.splitlines()] == [
        "Acme (acme)",
        "id                          1",
        "slug                        acme",
        "name                        Acme",
        "plan                        basic",
        "status                      active",
        "tier                        silver",
        "points                      0",
        "balance                     $0.00",
        "credits                     $0.00",
        "company",
        "website",
        "industry",
        "created at                  2026-11-01T10:00:00Z",
        "members                     1 (1 active, 0 deactivated)",
        "renews at",
        "credits set aside           $0.00",
        "members by role             admin=1, billing_manager=0, member=0",
        "former members              0 (0 removed, 0 closed)",
        "open orders                 0",
        "open cancellation requests  0",
        "open invitations            0",
        "pending approvals           0",
        "recent activity             AT                    ACTOR          ACTION          TARGET",
        " " * 28 + "2026-11-01T10:00:00Z  ada@acme.test  account.create  account:1 acme",
    ]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "ndjson", "table"])
def test_show_in_every_format(cli: Cli, acme: str, fmt: str) -> None:
    result = cli("account", "show", "acme", "-o", fmt)
    assert result.exit_code == 0, result.stderr
    assert "acme" in result.stdout


def test_show_unknown(cli: Cli) -> None:
    result = cli("account", "show", "nope", "-o", "json")
    assert result.exit_code == 3
    assert result.error["message"] == "no account 'nope'"


def test_update_by_admin_is_audited(cli: Cli, acme: str) -> None:
    result = cli(
        "account", "update", "--company", "Acme Ltd", "--website", "https://acme.test",
        "--as", "ada@acme.test", "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.json == ACME | {"company": "Acme Ltd", "website": "https://acme.test"}
    record = audit(cli)[-1]
    assert {k: record[k] for k in ("actor", "action", "target", "account", "reason")} == {
        "actor": "ada@acme.test",
        "action": "account.update",
        "target": "account:1 acme",
        "account": "acme",
        "reason": None,
    }
    assert record["changes"] == {
        "company": [None, "Acme Ltd"],
        "website": [None, "https://acme.test"],
    }
    again = cli("account", "update", "--company", "Acme Ltd", "--as", "ada@acme.test")
    assert again.exit_code == 0
    assert again.stderr == "account acme already has these details: nothing changed\n"
    assert [r["action"] for r in audit(cli)].count("account.update") == 1


@pytest.mark.parametrize("actor", ["bill@acme.test", "mia@acme.test"])
def test_update_denied_to_others(cli: Cli, team: dict[str, str], actor: str) -> None:
    result = cli("account", "update", "--name", "Hijack", "--as", actor, "-o", "json")
    assert result.exit_code == 4
    assert result.error["code"] == "permission_denied"
    assert cli("account", "show", "acme", "-o", "json").json["name"] == "Acme"


def test_update_by_support_needs_a_reason(
    cli: Cli, acme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")
    refused = cli("account", "update", "--industry", "Toys", "--as", "support",
                  "--account", "acme", "-o", "json")  # fmt: skip
    assert refused.exit_code == 4
    assert refused.error == {
        "code": "reason_required",
        "message": "support must give a reason for every change",
        "hint": "add --reason TEXT (or set FPCTL_REASON)",
    }
    done = cli("account", "update", "--industry", "Toys", "--as", "support",
               "--account", "acme", "--reason", "ticket 12", "-o", "json")  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert done.json["industry"] == "Toys"
    record = audit(cli)[-1]
    assert (record["actor"], record["agent"], record["reason"], record["action"]) == (
        "support:sam",
        "sam",
        "ticket 12",
        "account.update",
    )


def test_every_change_is_audited_and_the_chain_verifies(cli: Cli, team: dict[str, str]) -> None:
    cli("account", "update", "--name", "Acme 2", "--as", "ada@acme.test")
    assert [r["action"] for r in audit(cli)] == [
        "account.create",
        *["team.invite", "team.accept"] * 3,
        "account.update",
    ]
    verified = cli("audit", "verify", "-o", "json")
    assert verified.exit_code == 0
    assert verified.json["ok"] is True
    assert verified.json["records"] == 8


def test_dry_run_changes_nothing(cli: Cli, acme: str) -> None:
    result = cli("account", "update", "--name", "Dry", "--as", "ada@acme.test", "--dry-run",
                 "-o", "json")  # fmt: skip
    assert result.exit_code == 0
    assert result.json["name"] == "Dry"
    assert result.stderr == "dry run: nothing was changed\n"
    assert cli("account", "show", "acme", "-o", "json").json["name"] == "Acme"
    assert [r["action"] for r in audit(cli)] == ["account.create"]
