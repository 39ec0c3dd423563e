"""fpctl batch: many commands, one transaction (SPEC §3.1).

Each line is an fpctl command line (``fpctl`` optional, shell quoting, ``#`` comments). The
CLI is built once, the store opened and its schema checked once, one shared write transaction
taken with ``BEGIN IMMEDIATE`` (``services.work.shared_work``), and what is due settled once;
then every line runs in-process through ``cli.main.run`` as a ``BatchLine``, Click's
``ctx.obj``: its units of work join the shared transaction, it takes the batch's options for
those it leaves unset, and its output is held. The first line that exits non-zero stops the
batch and rolls everything back: nothing any line printed reaches stdout, and the error names
the line and keeps its own exit code. After the commit the held output is printed: each
line's as it would print alone, or with ``-o json`` one array of ``{"line", "command",
"result"}`` (``ndjson``: one such object a line).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from fpctl.cli.invocation import BatchLine, Emitted, Invocation
from fpctl.cli.options import INHERITED, command
from fpctl.cli.progress import ProgressBar
from fpctl.domain.words import counted
from fpctl.errors import FpctlError, InvalidInput

if TYPE_CHECKING:
    from fpctl.services.work import Shared


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
    --reason, --now, --force-clock, --yes and -q given to batch apply to every line that
    does not set its own; --db applies to all lines (a line may not set it). --dry-run runs
    everything, then rolls back."""
    from fpctl.cli import bulk

    lines = parse(bulk.read_text(source), as_json=run.output == "json")
    if not lines:
        run.note("batch: no commands")
        return
    held = _run_all(run, lines)
    _print_held(run, held)
    done = len(lines)
    if run.dry_run:
        run.note(f"batch: {counted(done, 'command')} run; dry run: nothing was changed")
    else:
        run.note(f"batch: {counted(done, 'command')} done")


def register(app: typer.Typer) -> None:
    command(
        app,
        "batch",
        writes=True,
        examples=(
            "fpctl batch changes.txt --as ada@acme.test",
            "fpctl batch - --dry-run < changes.txt",
        ),
    )(batch)


# -- reading the lines ------------------------------------------------------------------------


#: The longest line a batch takes: no fpctl command needs more, and splitting a line
#: costs time in the square of its length (shlex: 14 s for one line of a million).
MAX_LINE = 65_536


def parse(text: str, *, as_json: bool) -> list[Line]:
    """Every command of the input, checked before anything runs."""
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if len(raw) > MAX_LINE:
            _fail(number, InvalidInput(f"the line is longer than {MAX_LINE:,} characters"), as_json)
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

    raise typer.Exit(errors.report(error, as_json=as_json, line=number))


# -- running them -----------------------------------------------------------------------------


def _run_all(run: Invocation, lines: list[Line]) -> list[BatchLine]:
    """Every line in one shared unit of work; the first non-zero exit rolls it all back.
    Returns each line's held output, to print once the batch has committed."""
    import typer.main

    from fpctl.cli.app import COMMANDS, build
    from fpctl.cli.main import run as run_line
    from fpctl.services.work import shared_work

    root = typer.main.get_command(
        build(name for name in COMMANDS if name not in ("batch", "shell"))
    )
    defaults = {name: getattr(run, name) for name in INHERITED}
    done: list[BatchLine] = []
    # The write lock is taken here, for the whole batch; the schema was checked by store().
    with (
        shared_work(
            run.store(), now=run.now, dry_run=run.dry_run, force_clock=run.force_clock
        ) as shared,
        ProgressBar(run, "batch", total=len(lines)) as progress,
    ):
        for line in lines:
            batch_line = _line(shared, line, defaults)
            code = run_line(line.args, root, line=batch_line)
            if code != 0:
                raise typer.Exit(code)  # shared_work rolls everything back
            done.append(batch_line)
            progress.advance(len(done))
    return done


def _line(shared: Shared, line: Line, defaults: dict[str, Any]) -> BatchLine:
    return BatchLine(shared, line.number, shlex.join(line.args), defaults)


def _print_held(run: Invocation, done: list[BatchLine]) -> None:
    """What the lines printed, now that it is kept: in JSON one document for the batch."""
    from fpctl.render import emit, note

    if run.output in ("json", "ndjson"):
        for batch_line in done:
            for message in _notes(batch_line):
                note(message)
        rows = [_result(batch_line) for batch_line in done]
        emit(rows, run.output)
        return
    for batch_line in done:
        for item in batch_line.held:
            if isinstance(item, str):
                note(item)
            else:
                emit(
                    item.data,
                    item.output,
                    columns=item.columns,
                    title=item.title,
                    limit=item.limit,
                    quiet=batch_line.quiet,
                )


def _notes(batch_line: BatchLine) -> list[str]:
    return [item for item in batch_line.held if isinstance(item, str)]


def _result(batch_line: BatchLine) -> dict[str, Any]:
    """One line in a JSON batch: what it printed, as data (``null`` when nothing)."""
    outputs = [item.data for item in batch_line.held if isinstance(item, Emitted)]
    result = outputs[0] if len(outputs) == 1 else (outputs or None)
    return {"line": batch_line.number, "command": batch_line.command, "result": result}
