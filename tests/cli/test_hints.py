"""Hints run as written in the context of the command that failed (issue 12, item 12): the
command a hint suggests, run as it is printed, works."""

from __future__ import annotations

import re
import shlex

import pytest

from tests.conftest import Cli

ADA = ("--as", "ada@acme.test")

FAILURES = [
    ("team", "remove", "nobody@acme.test", "--yes", *ADA),
    ("team", "remove", "nobody@acme.test", "--yes", "--as", "support", "--reason", "t 1",
     "--account", "acme"),
    ("order", "show", "999", "--account", "acme"),
    ("order", "show", "999", *ADA),
    ("project", "show", "999", "--as", "mia@acme.test"),
    ("approvals", "approve", "99", *ADA),
    ("network", "list-add", "99", "lena", *ADA),
    ("billing", "payment-method", "remove", "99", "--yes", *ADA),
    ("policy", "remove", "99", *ADA),
    ("team", "withdraw", "99", *ADA),
    ("account", "show", "nowhere"),
    ("auth", "can-i", "team.explode", *ADA),
    ("freelancer", "show", "nobody"),
]  # fmt: skip


def runnable(hint: str) -> list[list[str]]:
    """The commands in a hint that carry no placeholder: in backticks, or the whole hint."""
    found = re.findall(r"`(fpctl [^`]+)`", hint) or ([hint] if hint.startswith("fpctl ") else [])
    return [shlex.split(command)[1:] for command in found if not re.search(r"[A-Z]{2,}", command)]


@pytest.mark.parametrize("failing", FAILURES, ids=[" ".join(f[:3]) for f in FAILURES])
def test_every_hint_runs_as_written(
    cli: Cli, team: dict[str, str], failing: tuple[str, ...]
) -> None:
    failed = cli(*failing, "-o", "json")
    assert failed.exit_code in (2, 3, 4, 5), failed.stderr
    commands = runnable(failed.error.get("hint", ""))
    assert commands, failed.error  # each of these failures suggests a command

    for command in commands:
        ran = cli(*command)
        assert ran.exit_code == 0, (failed.error["hint"], ran.stderr)
