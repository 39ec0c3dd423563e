"""Shell completion: the shipped scripts match the app, and TAB offers values from the store
without loading the ORM (a TAB press must stay fast)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.test_startup import heavy, loaded_modules

COMPLETIONS = Path(__file__).parent.parent / "completions"
REGENERATE = "for s in bash zsh fish; do fpctl completion $s > completions/fpctl.$s; done"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_shipped_scripts_are_what_the_app_generates(cli: Cli, shell: str) -> None:
    generated = cli("completion", shell)

    assert generated.exit_code == 0, generated.stderr
    assert "_FPCTL_COMPLETE=complete_" + shell in generated.stdout
    shipped = (COMPLETIONS / f"fpctl.{shell}").read_text()
    assert shipped == generated.stdout, f"completions/ drifted from the app; run: {REGENERATE}"


def test_an_unknown_shell_is_a_usage_error(cli: Cli) -> None:
    result = cli("completion", "tcsh")

    assert result.exit_code == 2
    assert "'tcsh' is not one of 'bash', 'zsh', 'fish'" in result.stderr


def complete(line: str) -> tuple[list[str], list[str]]:
    """What bash's TAB offers after ``line`` (as Typer's bash script asks for it), and the
    heavy modules that were loaded to answer."""
    words = line.split()
    env = {
        **os.environ,
        "_FPCTL_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) if line.endswith(" ") else len(words) - 1),
    }
    code, out, modules = loaded_modules(env=env)
    assert code == 0
    return [word for word in out.splitlines() if word], heavy(modules)


@pytest.fixture
def two_accounts(cli: Cli, team: dict[str, str]) -> None:
    made = cli("account", "create", "Beta", "--admin", "bob@beta.test", "--slug", "beta")
    assert made.exit_code == 0, made.stderr


def test_member_emails_come_from_the_store(two_accounts: None) -> None:
    offered, loaded = complete("fpctl role set ")

    assert offered == [
        "ada@acme.test",
        "bill@acme.test",
        "bob@beta.test",
        "max@acme.test",
        "mia@acme.test",
    ]
    assert loaded == []


def test_member_emails_are_those_of_the_account_on_the_line(two_accounts: None) -> None:
    assert complete("fpctl role set --account beta ")[0] == ["bob@beta.test"]
    assert complete("fpctl role set --as mia@acme.test m")[0] == [
        "max@acme.test",
        "mia@acme.test",
    ]


def test_account_slugs_come_from_the_store(two_accounts: None) -> None:
    offered, loaded = complete("fpctl team list --account ")

    assert offered == ["acme", "beta"]
    assert loaded == []
    assert complete("fpctl team list --account b")[0] == ["beta"]


def test_as_offers_support_and_members(two_accounts: None) -> None:
    assert complete("fpctl team list --as s")[0] == ["support"]
    assert complete("fpctl team list --as bo")[0] == ["bob@beta.test"]


def test_completion_without_a_store_offers_nothing_and_creates_nothing(
    isolated_env: Path,
) -> None:
    assert complete("fpctl role set ")[0] == []
    assert not isolated_env.exists()
