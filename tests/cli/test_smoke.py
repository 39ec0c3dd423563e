"""A first end-to-end pass through the commands, in-process."""

from __future__ import annotations

from tests.conftest import Cli


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
