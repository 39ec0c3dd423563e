"""One convention for a change with nothing to do: exit 0, the object exactly as the first
run printed it, and a note on stderr saying why (re-runs are safe)."""

from __future__ import annotations

import pytest

from tests.conftest import Cli

ADA = ("--as", "ada@acme.test")

RE_RUNS = [
    ("role", "set", "mia@acme.test", "billing_manager", *ADA),
    ("team", "deactivate", "max@acme.test", *ADA),
    ("policy", "add", "invite-approval", "--applies-to", "members", *ADA),
    ("account", "update", "--company", "Acme Ltd", *ADA),
    ("billing", "info", "set", "--full-name", "Ada Admin", *ADA),
]


@pytest.mark.parametrize("args", RE_RUNS, ids=lambda args: " ".join(args[:2]))
def test_a_re_run_reports_unchanged(cli: Cli, team: dict[str, str], args: tuple[str, ...]) -> None:
    first = cli(*args, "-o", "json")
    again = cli(*args, "-o", "json")

    assert (first.exit_code, again.exit_code) == (0, 0), first.stderr + again.stderr
    assert again.json == first.json
    assert first.stderr == ""
    assert again.stderr.strip().endswith("nothing changed")


def test_the_note_is_silenced_by_quiet(cli: Cli, team: dict[str, str]) -> None:
    result = cli("role", "set", "mia@acme.test", "member", *ADA, "-q")

    assert result.exit_code == 0
    assert result.stderr == ""
