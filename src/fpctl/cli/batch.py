"""fpctl batch: many commands, one transaction (SPEC §3.1).

Each line is an fpctl command line (``fpctl`` optional, shell quoting, ``#`` comments). The
CLI is built once, the store opened and its schema checked once, one write transaction taken
with ``BEGIN IMMEDIATE``, and what is due settled once; then every line runs in-process
through ``cli.main.run`` with an *ambient* unit of work set (``cli.invocation.ambient``), so
its reads and writes join the batch's session instead of opening their own. The first line
that exits non-zero stops the batch and rolls everything back; its error names the line and
keeps its own exit code. Options given to the batch are the lines' defaults: they are exported
as the ``FPCTL_*`` environment defaults while the batch runs.
"""

from __future__ import annotations

import os
import shlex
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from fpctl.cli.invocation import Invocation
from fpctl.cli.options import command
from fpctl.errors import FpctlError, InvalidInput

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

#: The batch's own options that every line inherits unless it sets its own, by the env
#: variable its option reads (cli/options.py).
DEFAULTS = {
    "output": "FPCTL_OUTPUT",
    "as_": "FPCTL_AS",
    "reason": "FPCTL_REASON",
    "account": "FPCTL_ACCOUNT",
    "now": "FPCTL_NOW",
    "debug": "FPCTL_DEBUG",
}

PROGRESS_AFTER_SECONDS = 1.0


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, counting blank and comment lines
    args: list[str]


def batch(
    run: Invocation,
    source: Annotated[
        str,
        typer.Argument(
            metavar="FILE|-", help="One fpctl command per line (- reads stdin).", show_default=False
        ),
    ],
) -> None:
    """Run many commands in one transaction: all of them, or none.

    One command per line, with or without the leading `fpctl`, shell-quoted; blank lines and
    # comments are ignored. The first command that fails rolls everything back; its error
    names the line and the batch exits with that command's exit code. -o, --as, --account,
    --reason, --now, --yes and -q given to batch apply to every line that does not set its own;
    --db applies to all lines (a line may not set it). --dry-run runs everything, then rolls
    back."""
    from fpctl.cli import bulk

    lines = parse(bulk.read_text(source), as_json=run.output == "json")
    if not lines:
        run.note("batch: no commands")
        return
    done = _run_all(run, lines)
    if run.dry_run:
        run.note(f"batch: {done} commands run; dry run: nothing was changed")
    else:
        run.note(f"batch: {done} commands done")


def register(app: typer.Typer) -> None:
    command(app, "batch", writes=True)(batch)


# -- reading the lines ------------------------------------------------------------------------


def parse(text: str, *, as_json: bool) -> list[Line]:
    """Every command of the input, checked before anything runs."""
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        try:
            args = shlex.split(strip_comment(raw)) if raw.strip() else []
        except ValueError as error:  # an unclosed quote, a trailing backslash
            _fail(number, InvalidInput(f"cannot split the line: {error}", code="usage"), as_json)
        if args and args[0] == "fpctl":
            args = args[1:]
            if not args:
                _fail(number, InvalidInput("no command after `fpctl`", code="usage"), as_json)
        if args:
            _check(number, args, as_json=as_json)
            lines.append(Line(number, args))
    return lines


def strip_comment(line: str) -> str:
    """The line without its comment: a ``#`` that starts a word outside quotes, as in sh
    (``a#b`` and ``"#1"`` are words, not comments)."""
    if "#" not in line:
        return line
    quote = ""
    escaped = False
    for index, char in enumerate(line):
        if escaped:
            escaped = False
        elif quote == "'":
            quote = "" if char == "'" else quote
        elif char == "\\":
            escaped = True
        elif quote == '"':
            quote = "" if char == '"' else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index]
    return line


def _check(number: int, args: list[str], *, as_json: bool) -> None:
    if args[0] == "batch":
        error = InvalidInput(
            "a batch cannot run another batch",
            hint="put the other file's lines in this one",
            code="not_in_batch",
        )
        _fail(number, error, as_json)
    for arg in args:
        if arg == "--":
            break
        if arg == "--db" or arg.startswith("--db="):
            error = InvalidInput(
                "a line cannot name a store: the batch's --db applies to every line",
                hint="give --db to `fpctl batch` itself, or run another batch for that store",
                code="not_in_batch",
            )
            _fail(number, error, as_json)


def _fail(number: int, error: FpctlError, as_json: bool) -> NoReturn:
    from fpctl.cli import errors

    with errors.at_line(number):
        code = errors.report(error, as_json=as_json)
    raise typer.Exit(code)


# -- running them -----------------------------------------------------------------------------


def _run_all(run: Invocation, lines: list[Line]) -> int:
    """Every line in one unit of work; the first non-zero exit rolls it all back."""
    import typer.main

    from fpctl.cli import errors
    from fpctl.cli.app import COMMANDS, build
    from fpctl.cli.invocation import Ambient, ambient
    from fpctl.cli.main import run as run_line
    from fpctl.store.db import unit_of_work

    root = typer.main.get_command(build(name for name in COMMANDS if name != "batch"))
    now = run.clock()
    location, engine = run.location(), run.engine()  # the schema is checked here, once
    done = 0
    with (
        _defaults(run),
        unit_of_work(engine, write=True, dry_run=run.dry_run) as session,
        _Progress(run, total=len(lines)) as progress,
    ):
        joined = Ambient(location, engine, session, yes=run.yes, quiet=run.quiet)
        joined.settle(now)  # the write lock is taken here, for the whole batch
        with ambient(joined):
            for line in lines:
                with errors.at_line(line.number):
                    code = run_line(line.args, root)
                if code != 0:
                    raise typer.Exit(code)  # unit_of_work rolls everything back
                done += 1
                progress.advance(done)
    return done


@contextmanager
def _defaults(run: Invocation) -> Iterator[None]:
    """The batch's options as the lines' environment defaults, restored afterwards (and
    the clock un-pinned from the last line's --now)."""
    from fpctl import clock

    values = {
        "output": run.output,
        "as_": run.as_,
        "reason": run.reason,
        "account": run.account,
        "now": run.now,
        "debug": "1" if run.debug else None,
    }
    saved = {name: os.environ.get(name) for name in DEFAULTS.values()}
    try:
        for option, name in DEFAULTS.items():
            value = values[option]
            if value is not None:
                os.environ[name] = str(value)
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        clock.set_now(run.now)


class _Progress:
    """A progress bar on stderr, only at a terminal and only once the batch has run for
    about a second (SPEC §3.4); output and notes of the lines print above it."""

    def __init__(self, run: Invocation, *, total: int) -> None:
        self.total = total
        self.wanted = not run.quiet and sys.stderr.isatty()
        self.started = time.monotonic()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def advance(self, done: int) -> None:
        if not self.wanted:
            return
        if self.bar is None:
            if time.monotonic() - self.started < PROGRESS_AFTER_SECONDS:
                return
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(
                console=Console(stderr=True),
                transient=True,
                redirect_stdout=sys.stdout.isatty(),  # same terminal: print above the bar
                redirect_stderr=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("batch", total=self.total)
        assert self.task is not None
        self.bar.update(self.task, completed=done)
