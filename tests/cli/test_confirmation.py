"""Destructive commands refuse before they ask: nobody confirms what would be refused."""

from __future__ import annotations

from tests.conftest import Cli

ADA = "ada@acme.test"


def _status(cli: Cli, email: str) -> str:
    members = cli("team", "list", "--account", "acme", "-o", "json").json
    return next(m["status"] for m in members if m["email"] == email)


def test_the_admin_leaving_is_denied_without_being_asked(cli: Cli, team: dict[str, str]) -> None:
    result = cli("team", "leave", "--as", ADA, "-o", "json")

    assert (result.exit_code, result.error["code"]) == (4, "permission_denied")


def test_a_member_removing_someone_is_denied_without_being_asked(
    cli: Cli, team: dict[str, str]
) -> None:
    result = cli("team", "remove", "max@acme.test", "--as", "mia@acme.test", "-o", "json")

    assert (result.exit_code, result.error["code"]) == (4, "permission_denied")
    assert _status(cli, "max@acme.test") == "active"


def test_removing_the_admin_is_refused_by_the_rule_without_being_asked(
    cli: Cli, team: dict[str, str]
) -> None:
    result = cli("team", "remove", ADA, "--as", ADA, "-o", "json")

    assert (result.exit_code, result.error["code"]) == (5, "admin_required")


def test_an_allowed_removal_still_needs_yes_without_a_terminal(
    cli: Cli, team: dict[str, str]
) -> None:
    result = cli("team", "remove", "max@acme.test", "--as", ADA, "-o", "json")

    assert (result.exit_code, result.error["code"]) == (2, "confirmation_required")
    assert _status(cli, "max@acme.test") == "active"


def test_a_dry_run_needs_no_confirmation_and_changes_nothing(
    cli: Cli, team: dict[str, str]
) -> None:
    result = cli("team", "remove", "max@acme.test", "--as", ADA, "--dry-run", "-o", "json")

    assert result.exit_code == 0, result.stderr
    assert result.json["status"] == "removed"
    assert _status(cli, "max@acme.test") == "active"


def test_removing_someone_already_removed_asks_nothing_and_changes_nothing(
    cli: Cli, team: dict[str, str]
) -> None:
    assert cli("team", "remove", "max@acme.test", "--as", ADA, "--yes").exit_code == 0

    again = cli("team", "remove", "max@acme.test", "--as", ADA, "-o", "json")

    assert again.exit_code == 0, again.stderr
    assert again.json["status"] == "removed"
    assert "nothing changed" in again.stderr
