"""`fpctl shell` (SPEC §3.1): one process, many commands; each line behaves exactly as its
one-shot form, and `use` sets options once for the lines after it."""

from __future__ import annotations

import os
import pty
import select
import sys
import time
from pathlib import Path
from typing import Any

from fpctl.cli.shell import Completer, Session
from tests.conftest import Cli

ADA = "ada@acme.test"


def test_each_line_runs_as_its_one_shot_form(cli: Cli, team: dict[str, str]) -> None:
    alone = cli("team", "list", "--account", "acme", "-o", "json").stdout

    result = cli("shell", input="use --account acme -o json\nteam list\n")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == alone
    assert "use --account acme --output json" in result.stderr


def test_use_sets_the_actor_and_the_audit_is_the_same(cli: Cli, team: dict[str, str]) -> None:
    lines = f"use --as {ADA} --reason 'ticket 7'\nfpctl team invite zoe@acme.test -o json\n"

    result = cli("shell", input=lines)

    assert result.exit_code == 0, result.stderr
    record = cli("audit", "list", "--account", "acme", "-o", "json", "--action", "team.invite")
    last = record.json[-1]
    assert (last["actor"], last["reason"], last["target"]) == (
        ADA, "ticket 7", "invitation:4 zoe@acme.test"
    )  # fmt: skip


def test_a_failing_line_does_not_end_the_shell_and_the_last_status_is_kept(
    cli: Cli, team: dict[str, str]
) -> None:
    result = cli("shell", "--account", "acme",
                 input="order show 999\nteam list -o json\norder show 999\n")  # fmt: skip

    assert result.exit_code == 3
    assert result.stderr.count("error: no order 999") == 2
    assert '"email":"ada@acme.test"' in result.stdout


def test_a_lines_own_option_wins_and_exit_ends_the_shell(cli: Cli, team: dict[str, str]) -> None:
    result = cli("shell", input="use --account acme -o json\nteam list -o csv\nexit\nteam list\n")

    assert result.exit_code == 0
    assert result.stdout.startswith("id,email,")
    assert result.stdout.count("ada@acme.test") == 1  # the line after exit did not run


def test_bad_lines_are_refused_one_by_one(cli: Cli, team: dict[str, str]) -> None:
    result = cli("shell", input="team list --account 'acme\nuse --db x.db\nshell\n# a comment\n")

    assert result.exit_code == 2
    assert "cannot read the line" in result.stderr
    assert "use sets" in result.stderr
    assert "already in fpctl shell" in result.stderr


def test_tab_offers_what_the_shell_scripts_offer(team: dict[str, str], isolated_env: Any) -> None:
    session = Session()
    session.use(["--account", "acme"])
    completer = Completer(session)

    assert completer.candidates("team inv") == ["invite", "invitations"]
    assert completer.candidates("team remove m") == ["max@acme.test", "mia@acme.test"]
    assert completer.candidates("us") == ["use"]


def test_at_a_terminal_a_prompt_runs_commands_and_keeps_history(acme: str, tmp_path: Path) -> None:
    """The interactive path: readline's prompt in a pseudo-terminal, a command, `exit`."""
    state = tmp_path / "state"
    env = {**os.environ, "HOME": str(tmp_path), "XDG_STATE_HOME": str(state), "TERM": "xterm"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: fpctl shell on the terminal
        os.execve(sys.executable, [sys.executable, "-m", "fpctl", "shell", "--account", "acme"],
                  env)  # fmt: skip
    seen = _until(fd, b"fpctl> ")
    os.write(fd, b"team list -o json\r")
    seen += _until(fd, b"fpctl> ")
    os.write(fd, b"exit\r")
    _, status = os.waitpid(pid, 0)

    assert os.waitstatus_to_exitcode(status) == 0
    assert b'"email":"ada@acme.test"' in seen
    assert "team list -o json" in (state / "fpctl" / "shell_history").read_text()


def _until(fd: int, wanted: bytes, timeout: float = 30) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while wanted not in seen.split(b"\n")[-1] and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            seen += os.read(fd, 65536)
    assert wanted in seen, seen
    return seen
