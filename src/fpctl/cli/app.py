"""The root command: one Typer app per noun.

A run builds only the group it was asked for (``fpctl team invite`` imports the ``team``
module alone, and converts its ``invite`` command alone); help for the root, completion and
unknown commands build all of them. ``from fpctl.cli.app import app`` gives the whole CLI,
for ``CliRunner`` and docs.
"""

from __future__ import annotations

import copy
import importlib
import os
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Annotated, Any

import typer

from fpctl import __version__
from fpctl.cli.helptext import Root

COMPLETE_VAR = "_FPCTL_COMPLETE"

#: Every top-level command, in help order, and the module under ``fpctl.cli`` defining it.
#: A module either has an ``app`` (a group) or a ``register(root)`` (a single command).
#: The root help groups them by topic (``helptext.TOPICS``), in this order.
COMMANDS = {
    "account": "account",
    "team": "team",
    "role": "role",
    "policy": "policy",
    "approvals": "approvals",
    "audit": "audit",
    "auth": "auth",
    "order": "order",
    "offer": "offer",
    "project": "project",
    "inbox": "inbox",
    "notifications": "notifications",
    "billing": "billing",
    "subscription": "subscription",
    "rewards": "rewards",
    "freelancer": "freelancer",
    "network": "network",
    "db": "db",
    "demo": "demo",
    "tick": "tick",
    "batch": "batch",
    "shell": "shell",
    "completion": "completion_cmd",
}


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"fpctl {__version__}")
        raise typer.Exit()


def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """fpctl: administer Pro team accounts from the command line."""


#: Under the root's commands: the options most used, the environment, where to read more
#: (``\b`` blocks, printed as written; README.md says more).
GUIDE = """\
\b
Most used:
  --as ACTOR   who acts: a member's EMAIL, a freelancer's @USERNAME, or support
               (with --reason TEXT and --account SLUG)
  -o FORMAT    table, wide, json, ndjson, csv, tsv or markdown
  --db PATH    the SQLite file (FPCTL_DATABASE_URL names a server instead)

\b
Environment:
  FPCTL_AS, FPCTL_ACCOUNT, FPCTL_REASON, FPCTL_OUTPUT, FPCTL_DB and FPCTL_NOW
  give the options of those names; FPCTL_DATABASE_URL a PostgreSQL store;
  FPCTL_AGENT the operator named in the audit trail.

\b
Exit codes:
  0 done, 2 usage, 3 not found, 4 permission denied, 5 refused by a rule,
  6 some bulk items failed, 7 store busy

\b
Read more:
  fpctl COMMAND --help; README.md; docs/commands.md (every command)
  A first look: fpctl demo seed, then fpctl account show northwind-traders"""


def _outline(name: str) -> typer.Typer:
    """The command's name and summary, without importing its module: all the root help
    shows of it (``outline.SUMMARIES``)."""
    from fpctl.cli.outline import SUMMARIES

    return typer.Typer(name=name, help=SUMMARIES[name], rich_markup_mode=None)


def _only(group: typer.Typer, name: str) -> typer.Typer:
    """The group with only its command (or subgroup) ``name``: what the line runs. Converting
    every command of a group to Click costs more than running one. The whole group when
    ``name`` is none of them, so Click lists them or suggests one as usual."""
    commands = [
        info
        for info in group.registered_commands
        if (info.name or typer.main.get_command_name(getattr(info.callback, "__name__", "")))
        == name
    ]
    groups = [
        info
        for info in group.registered_groups
        if info.typer_instance is not None and info.typer_instance.info.name == name
    ]
    if not (commands or groups):
        return group
    pruned = copy.copy(group)
    pruned.registered_commands, pruned.registered_groups = commands, groups
    return pruned


def build(
    names: Iterable[str], *, outline: bool = False, subcommand: str | None = None
) -> typer.Typer:
    """A root app holding the named top-level commands (``outline``: only each one's name
    and summary, for the root help, which would otherwise import every command's module and
    convert every command of every group; ``subcommand``: of a group, only that command)."""
    app = typer.Typer(
        name="fpctl",
        help="Administer Pro team accounts: members, invitations, policies, orders, billing.",
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        cls=Root,
        epilog=GUIDE,
    )
    from fpctl.cli.options import before_command

    app.callback()(before_command(root))
    for name in names:
        if outline:
            app.add_typer(_outline(name))
            continue
        module = importlib.import_module(f"fpctl.cli.{COMMANDS[name]}")
        if hasattr(module, "app"):
            app.add_typer(_only(module.app, subcommand) if subcommand else module.app)
        else:
            module.register(app)
    return app


def _completed_words() -> list[str]:
    """The words a completing shell has finished typing, after ``fpctl`` (the scripts pass
    the line up to the cursor: ``fpctl.cli.completion_shells``)."""
    from fpctl.cli.completion_shells import LINE_VAR, split_line

    return split_line(os.environ.get(LINE_VAR, ""))[0]


#: Options that may come before the command name and take a value (``-o json``).
_VALUED = frozenset({"-o", "--output", "--as", "--reason", "--account", "--db", "--now", "--limit"})


def command_name(words: list[str]) -> str | None:
    """The first word that is not an option given before the command, or its value."""
    return next(_command_words(words), None)


def _command_words(words: list[str]) -> Iterator[str]:
    """The words that are not options given before the command, nor their values."""
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in _VALUED:
            skip = True
        elif not word.startswith("-"):
            yield word


def _wanted(args: list[str]) -> list[str]:
    """Only the group the command line names, when it names one plainly."""
    words = _completed_words() if os.environ.get(COMPLETE_VAR) else args
    name = command_name(words)
    if name not in COMMANDS:
        return list(COMMANDS)
    return [name]


def get_command(args: list[str] | None = None) -> Any:
    if os.environ.get(COMPLETE_VAR):
        from fpctl.cli import completion_shells

        completion_shells.register()
    args = args or []
    if not os.environ.get(COMPLETE_VAR) and args in ([], ["--help"], ["-h"]):
        return _converted((*COMMANDS,), outline=True)
    wanted = _wanted(args)
    if len(wanted) == 1 and not os.environ.get(COMPLETE_VAR):
        return _converted((*wanted,), subcommand=_subcommand(args))
    return _converted(tuple(wanted))


def _subcommand(args: list[str]) -> str | None:
    """The word after the group's name, unless help is asked before it (``fpctl team -h
    list`` shows the whole group's help)."""
    path = list(_command_words(args))
    if len(path) < 2 or {"-h", "--help"} & set(args[: args.index(path[1])]):
        return None
    return path[1]


@cache
def _converted(
    names: tuple[str, ...], *, outline: bool = False, subcommand: str | None = None
) -> Any:
    """The Click command for these top-level commands, built once per process (a process
    that runs many command lines in-process, such as the tests, builds each tree once)."""
    return typer.main.get_command(build(names, outline=outline, subcommand=subcommand))


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole CLI, built on first use
        return build(COMMANDS)
    raise AttributeError(name)
