"""A first end-to-end pass through the commands, in-process."""

from __future__ import annotations

from tests.conftest import Cli


def test_account_create_returns_the_account(cli: Cli) -> None:
    result = cli("account", "create", "Acme Studio", "--admin", "ada@acme.test", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json == {
        "id": 1,
        "slug": "acme-studio",
        "name": "Acme Studio",
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
        "members": 1,
    }


def test_team_fixture_has_everyone(cli: Cli, team: dict[str, str]) -> None:
    result = cli("team", "list", "--account", "acme", "-o", "json")
    assert [(m["email"], m["role"]) for m in result.json] == [
        ("ada@acme.test", "admin"),
        ("bill@acme.test", "billing_manager"),
        ("mia@acme.test", "member"),
        ("max@acme.test", "member"),
    ]


def test_a_change_without_an_actor_is_a_usage_error(cli: Cli, acme: str) -> None:
    result = cli("team", "invite", "zed@acme.test", "--account", acme, "-o", "json")
    assert result.exit_code == 2
    assert result.error["code"] == "invalid_input"
    assert "--as" in result.stderr
