"""The options every command accepts (SPEC §3.3), added to each command by ``command()``.

A command is written as ``def invite(run: Invocation, emails: ..., role: ...)``; the
decorator appends the shared options to the signature Typer reads, and hands the command
an ``Invocation`` holding their values.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Annotated, Any, get_type_hints

import typer

from fpctl.cli import errors, helptext
from fpctl.cli.completion import complete_accounts, complete_actors
from fpctl.cli.hints import in_context
from fpctl.cli.invocation import BatchLine, Invocation
from fpctl.cli.numbers import COUNT
from fpctl.errors import FpctlError
from fpctl.render.output import FORMATS, parse_format

_OUTPUT_HELP = "Output format: table, wide, json, ndjson, csv, tsv or markdown."
_P = "Global options"

COMMON: list[tuple[str, Any, Any]] = [
    (
        "output",
        Annotated[
            str,
            typer.Option(
                "--output",
                "-o",
                envvar="FPCTL_OUTPUT",
                metavar="FORMAT",
                help=_OUTPUT_HELP,
                rich_help_panel=_P,
                show_default=False,
                autocompletion=lambda: list(FORMATS),
            ),
        ],
        "table",
    ),
    (
        "redact",
        Annotated[
            bool,
            typer.Option(
                "--redact",
                help="Mask emails; never show tokens or card digits (for tickets).",
                rich_help_panel=_P,
            ),
        ],
        False,
    ),
    (
        "as_",
        Annotated[
            str | None,
            typer.Option(
                "--as",
                envvar="FPCTL_AS",
                metavar="ACTOR",
                help="Act as EMAIL (a member), @USERNAME (a freelancer) or support.",
                rich_help_panel=_P,
                autocompletion=complete_actors,
            ),
        ],
        None,
    ),
    (
        "reason",
        Annotated[
            str | None,
            typer.Option(
                "--reason",
                envvar="FPCTL_REASON",
                metavar="TEXT",
                help="Why support acts (recorded in the audit trail).",
                rich_help_panel=_P,
            ),
        ],
        None,
    ),
    (
        "account",
        Annotated[
            str | None,
            typer.Option(
                "--account",
                envvar="FPCTL_ACCOUNT",
                metavar="SLUG",
                help="The account to work on.",
                rich_help_panel=_P,
                autocompletion=complete_accounts,
            ),
        ],
        None,
    ),
    (
        "db",
        Annotated[
            str | None,
            typer.Option(
                "--db",
                envvar="FPCTL_DB",
                metavar="PATH",
                help="SQLite file (FPCTL_DATABASE_URL overrides it).",
                rich_help_panel=_P,
            ),
        ],
        None,
    ),
    (
        "now",
        Annotated[
            str | None,
            typer.Option(
                "--now",
                envvar="FPCTL_NOW",
                metavar="ISO-8601",
                help="Pin the clock.",
                rich_help_panel=_P,
            ),
        ],
        None,
    ),
    (
        "force_clock",
        Annotated[
            bool,
            typer.Option(
                "--force-clock",
                envvar="FPCTL_FORCE_CLOCK",
                help="Accept a --now over a day from the system clock on a real store.",
                rich_help_panel=_P,
            ),
        ],
        False,
    ),
    (
        "quiet",
        Annotated[
            bool, typer.Option("--quiet", "-q", help="No notes on stderr.", rich_help_panel=_P)
        ],
        False,
    ),
    (
        "debug",
        Annotated[
            bool,
            typer.Option(
                "--debug", envvar="FPCTL_DEBUG", help="Show tracebacks.", rich_help_panel=_P
            ),
        ],
        False,
    ),
]
WRITE_OPTIONS: list[tuple[str, Any, Any]] = [
    (
        "dry_run",
        Annotated[
            bool,
            typer.Option(
                "--dry-run",
                help="Do everything, print the result, then roll back.",
                rich_help_panel=_P,
            ),
        ],
        False,
    ),
    (
        "yes",
        Annotated[
            bool,
            typer.Option(
                "--yes",
                "-y",
                help="Confirm a destructive action without asking.",
                rich_help_panel=_P,
            ),
        ],
        False,
    ),
]
LIST_OPTIONS: list[tuple[str, Any, Any]] = [
    (
        "limit",
        Annotated[
            int | None,
            typer.Option(
                "--limit",
                parser=COUNT,
                metavar="N",
                help="Show at most N rows (tables show 50 unless told).",
                rich_help_panel=_P,
            ),
        ],
        None,
    ),
    (
        "all",
        Annotated[
            bool, typer.Option("--all", help="Show every row in a table.", rich_help_panel=_P)
        ],
        False,
    ),
]


#: The options a batch line takes from the batch when it does not give its own.
INHERITED = (
    "output", "redact", "as_", "reason", "account", "now", "force_clock", "quiet", "debug",
    "yes",
)  # fmt: skip


BEFORE_KEY = "fpctl.before_command"


def _inherit(context: typer.Context, values: dict[str, Any]) -> dict[str, Any]:
    """The options of a command: its own command line first, then those given before the
    command name (``fpctl -o json team list``), then a batch's options (Click's ``ctx.obj``),
    then the environment and the defaults."""
    before = context.find_root().meta.get(BEFORE_KEY, {})
    line = context.obj
    batch = line.defaults if isinstance(line, BatchLine) else {}
    for name in values:
        source = context.get_parameter_source(name)
        if source is not None and source.name == "COMMANDLINE":
            continue
        if name in before:
            values[name] = before[name]
        elif name in INHERITED and batch.get(name) not in (None, False):
            values[name] = batch[name]
    return values


def _without_env(kind: Any) -> Any:
    """The same option, reading no environment variable (the command's own does)."""
    import copy

    base, info = kind.__origin__, kind.__metadata__[0]
    quiet = copy.copy(info)
    quiet.envvar = None
    return Annotated[base, quiet]


#: The options a command line may give before the command name.
BEFORE_COMMAND = [
    (name, _without_env(kind), default)
    for name, kind, default in COMMON + WRITE_OPTIONS + LIST_OPTIONS
]


def before_command(func: Callable[..., Any]) -> Callable[..., Any]:
    """The root callback ``func`` with every command's shared options: those given before
    the command name are kept in the root context for the command to take (``_inherit``)."""
    names = {name for name, _, _ in BEFORE_COMMAND}

    def callback(click_context: typer.Context, **values: Any) -> Any:
        click_context.meta[BEFORE_KEY] = {
            name: value
            for name, value in values.items()
            if name in names and _given(click_context, name)
        }
        return func(**{k: v for k, v in values.items() if k not in names})

    _present(callback, func, skip=0, extra=BEFORE_COMMAND)
    return callback


def _given(context: typer.Context, name: str) -> bool:
    source = context.get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


def _with_options(
    func: Callable[..., Any], extra: list[tuple[str, Any, Any]]
) -> Callable[..., Any]:
    names = {name for name, _, _ in extra}

    def command(click_context: typer.Context, **values: Any) -> Any:
        values = _inherit(click_context, values)
        line = click_context.obj if isinstance(click_context.obj, BatchLine) else None
        run = Invocation(**{name: values.pop(name) for name in names if name in values})
        run.batch = line
        try:
            with errors.mapped(as_json=run.output == "json", debug=run.debug, line=line):
                run.output = parse_format(run.output)  # before any change is made
                try:
                    return func(run, **values)
                except FpctlError as error:
                    error.hint = in_context(error.hint, run)
                    raise
        finally:
            run.close()

    _present(command, func, skip=1, extra=extra)  # `run` is not a parameter Typer reads
    command.__name__ = func.__name__
    command.__module__ = func.__module__
    return command


def _present(
    wrapper: Callable[..., Any],
    func: Callable[..., Any],
    *,
    skip: int,
    extra: list[tuple[str, Any, Any]],
) -> None:
    """Give ``wrapper`` the signature Typer reads: Click's context, ``func``'s own
    parameters (after the first ``skip``), then the shared ``extra`` options."""
    own = list(inspect.signature(func).parameters.values())[skip:]
    hints = get_type_hints(func, include_extras=True)
    params = [
        inspect.Parameter(
            "click_context", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context
        )
    ]
    params += [p.replace(annotation=hints.get(p.name, p.annotation)) for p in own]
    params += [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=kind, default=default)
        for name, kind, default in extra
    ]
    wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    wrapper.__doc__ = func.__doc__


def command(
    app: typer.Typer,
    name: str | None = None,
    *,
    writes: bool = False,
    lists: bool = False,
    examples: Sequence[str] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``func`` on ``app`` with the shared options (write and list options as fit)
    and its ``examples``: one to three command lines, shown at the end of its help."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        extra = COMMON + (WRITE_OPTIONS if writes else []) + (LIST_OPTIONS if lists else [])
        epilog = helptext.examples(*examples)
        app.command(name, cls=helptext.Command, epilog=epilog)(_with_options(func, extra))
        return func

    return register


def group(name: str, help_text: str) -> typer.Typer:
    return typer.Typer(
        name=name, help=help_text, no_args_is_help=True, rich_markup_mode=None, add_completion=False
    )
