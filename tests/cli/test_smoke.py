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


def test_the_root_help_outline_is_the_whole_cli_help(cli: Cli) -> None:
    """Root help is built from the groups' names and help alone (fast); it must read exactly
    as the help of the whole CLI, every group listed."""
    from typer.testing import CliRunner

    from fpctl.cli.app import COMMANDS, build

    whole = CliRunner().invoke(build(COMMANDS), ["--help"], prog_name="fpctl")
    outline = cli("--help")

    assert outline.exit_code == whole.exit_code == 0
    assert outline.stdout == whole.stdout
    assert all(f"\n  {name} " in outline.stdout for name in COMMANDS)
