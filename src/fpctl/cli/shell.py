"""fpctl shell: one process, many commands, for a support agent's session.

Each line is one fpctl command, run exactly as its one-shot form (same output, same exit
status, same audit record, its own transaction); only the start-up is paid once. ``use``
sets options once for every later line (``use --as priya@… --account northwind-traders``),
which a line's own options override. At a terminal: a prompt, history
(``~/.local/state/fpctl/shell_history``) and TAB completion, from the standard library's
``readline`` (GNU readline or libedit): no extra dependency and nothing more to load, and
the same completions as the shell scripts, through Click. From a pipe it reads commands
like ``batch`` but runs each on its own, and ends with the last command's status.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

import typer

from fpctl.cli import gc_pause
from fpctl.cli.invocation import Invocation
from fpctl.cli.options import command

#: What ``use`` may set: the option, and whether it takes a value.
USABLE = {
    "--as": True,
    "--account": True,
    "-o": True,
    "--output": True,
    "--reason": True,
    "--now": True,
    "--redact": False,
    "-q": False,
    "--quiet": False,
}
_NOT_HERE = ("shell",)


@dataclass
class Session:
    """The options ``use`` set, given before each command (its own options win)."""

    options: dict[str, str | None] = field(default_factory=dict)

    def use(self, words: list[str]) -> str:
        """Apply ``use …``; returns what is now in use, for people."""
        if words == ["--clear"]:
            self.options.clear()
            return self.shown()
        index = 0
        while index < len(words):
            option = "--output" if words[index] == "-o" else words[index]
            option = "--quiet" if option == "-q" else option
            if option not in USABLE:
                raise ValueError(f"use sets {', '.join(sorted(set(USABLE) - {'-o', '-q'}))}")
            if USABLE[option]:
                if index + 1 >= len(words):
                    raise ValueError(f"use {option} needs a value ('' to unset it)")
                value = words[index + 1]
                if value:
                    self.options[option] = value
                else:
                    self.options.pop(option, None)
                index += 2
            else:
                self.options[option] = None
                index += 1
        return self.shown()

    def args(self) -> list[str]:
        found: list[str] = []
        for option, value in self.options.items():
            found += [option] if value is None else [option, value]
        return found

    def shown(self) -> str:
        return shlex.join(["use", *self.args()]) if self.options else "use: nothing set"


def shell(run: Invocation) -> None:
    """Run fpctl commands one per line in one process; `use` sets options for the rest.

    Each line runs exactly as `fpctl LINE` would (its own transaction, output and exit
    status); the leading `fpctl` is optional. `use --as EMAIL --account SLUG -o FORMAT
    --reason TEXT` sets options for every later line (a line's own win; `use` alone shows
    them, `use --clear` forgets them). `exit` or end of input ends the shell, with the last
    command's exit status. At a terminal: history and TAB completion."""
    gc_pause.resume()  # a long-lived process: collect as always, even before a store opens
    session = Session()
    if run.db and run.db != os.environ.get("FPCTL_DB"):  # given on the line: every command's
        session.options["--db"] = run.db
    for option, value, variable in (
        ("--as", run.as_, "FPCTL_AS"),
        ("--account", run.account, "FPCTL_ACCOUNT"),
        ("--reason", run.reason, "FPCTL_REASON"),
        ("--now", run.now, "FPCTL_NOW"),
    ):
        if value and value != os.environ.get(variable):
            session.options[option] = value
    if run.output != "table":
        session.options["--output"] = run.output
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    status = 0
    for line in _lines(interactive, session):
        status = _run_line(line, session, interactive=interactive, last=status)
        if status < 0:
            status = -status - 1
            break
    raise typer.Exit(status)


def _run_line(line: str, session: Session, *, interactive: bool, last: int) -> int:
    """Run one line; returns its status (a negative one: the shell ends with -status-1)."""
    from fpctl.cli.main import run as run_command

    try:
        words = shlex.split(line, comments=True)
    except ValueError as error:
        print(f"error: cannot read the line: {error}", file=sys.stderr)
        return 2
    if words[:1] == ["fpctl"]:
        words = words[1:]
    if not words:
        return last
    if words[0] in ("exit", "quit"):
        return -last - 1
    if words[0] == "use":
        try:
            print(session.use(words[1:]), file=sys.stderr)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        return 0
    if words[0] in _NOT_HERE:
        print("error: already in fpctl shell", file=sys.stderr)
        return 2
    status = run_command([*session.args(), *words])
    sys.stdout.flush()
    if status and interactive:
        print(f"[exit {status}]", file=sys.stderr)
    return status


def _lines(interactive: bool, session: Session) -> Iterator[str]:
    if not interactive:
        yield from sys.stdin
        return
    history = _start_readline(session)
    try:
        while True:
            try:
                yield input("fpctl> ")
            except EOFError:
                print(file=sys.stderr)
                return
            except KeyboardInterrupt:
                print(file=sys.stderr)
    finally:
        _save_history(history)


def _start_readline(session: Session) -> Any:
    import readline

    from platformdirs import user_state_path

    history = user_state_path("fpctl") / "shell_history"
    with suppress(OSError):
        readline.read_history_file(history)
    readline.set_history_length(10_000)
    readline.set_completer_delims(" \t\n")
    readline.set_completer(Completer(session).complete)
    readline.parse_and_bind("tab: complete")
    return history


def _save_history(history: Any) -> None:
    import readline

    with suppress(OSError):
        history.parent.mkdir(parents=True, exist_ok=True)
        readline.write_history_file(history)


class Completer:
    """readline's completer: Click's completion of the line so far, with ``use``'s options
    before it (so ``--account`` scopes the values offered)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.found: list[str] = []

    def candidates(self, line: str) -> list[str]:
        """The values TAB offers after ``line``: what the shell scripts get (the same
        protocol, completion_shells.py), with ``use``'s options in front."""
        from unittest.mock import patch

        from fpctl.cli import completion_shells
        from fpctl.cli.app import COMPLETE_VAR, get_command

        words = line.split()
        if len(words) <= 1 and not line.endswith(" ") and "use".startswith(line.strip()):
            return ["use"] if line.strip() else []
        if words[:1] == ["fpctl"]:
            line = line.split("fpctl", 1)[1]
        full = shlex.join(["fpctl", *self.session.args()]) + " " + line.lstrip()
        # The protocol's own variables, for this call only (restored after, set or not).
        with patch.dict(os.environ, {completion_shells.LINE_VAR: full, COMPLETE_VAR: "shell"}):
            root = get_command([])
            found = completion_shells.FishComplete(root, {}, "fpctl", COMPLETE_VAR).complete()
        return [
            kind_value[1]
            for kind_value in (row.split("\t") for row in found.splitlines())
            if kind_value[0] == "plain"
        ]

    def complete(self, text: str, state: int) -> str | None:
        if state == 0:
            import readline

            self.found = self.candidates(readline.get_line_buffer()[: readline.get_endidx()])
        return self.found[state] if state < len(self.found) else None


def register(app: typer.Typer) -> None:
    command(
        app,
        "shell",
        examples=(
            "fpctl shell --account northwind-traders",
            "fpctl shell -o json < commands.txt",
        ),
    )(shell)
