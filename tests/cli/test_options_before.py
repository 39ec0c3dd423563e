"""Options every command accepts work where people type them: before the command name as
well as after it (SPEC §3.3; issue 12, item 10). The command's own line wins."""

from __future__ import annotations

import pytest

from tests.conftest import Cli, changes_nothing

ADA = "ada@acme.test"


def test_output_and_account_before_the_command(cli: Cli, acme: str) -> None:
    before = cli("-o", "json", "--account", "acme", "team", "list")
    after = cli("team", "list", "--account", "acme", "-o", "json")

    assert before.exit_code == 0, before.stderr
    assert before.stdout == after.stdout


def test_a_change_with_the_actor_before_the_command(cli: Cli, acme: str) -> None:
    result = cli("--as", ADA, "-o", "json", "team", "invite", "zoe@acme.test")

    assert result.exit_code == 0, result.stderr
    assert (result.json["email"], result.json["invited_by"]) == ("zoe@acme.test", ADA)


def test_the_commands_own_option_wins(cli: Cli, acme: str) -> None:
    result = cli("-o", "json", "team", "list", "--account", "acme", "-o", "csv")
    assert result.stdout.startswith("id,email,")


def test_dry_run_before_the_command_changes_nothing(cli: Cli, acme: str) -> None:
    with changes_nothing():
        result = cli("--dry-run", "--as", ADA, "team", "invite", "zoe@acme.test")
    assert result.exit_code == 0, result.stderr


def test_a_batch_line_may_put_options_first(cli: Cli, acme: str) -> None:
    result = cli("batch", "-", "-o", "json", input="--as ada@acme.test team invite z@x.test\n")

    assert result.exit_code == 0, result.stderr
    assert result.json[0]["result"]["email"] == "z@x.test"


@pytest.mark.parametrize("args", [["--bogus", "team", "list"], ["-o", "yaml", "team", "list"]])
def test_a_bad_option_before_the_command_is_a_usage_error(
    cli: Cli, acme: str, args: list[str]
) -> None:
    result = cli(*args)
    assert (result.exit_code, result.stdout) == (2, "")
