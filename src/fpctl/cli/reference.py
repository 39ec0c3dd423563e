"""The command reference, ``docs/commands.md``, rendered from the Typer app.

``python -m fpctl.cli.reference > docs/commands.md`` regenerates it (``--check`` exits 1
when the file differs); ``tests/test_command_reference.py`` fails until it is current. Only
that test and ``python -m`` import this module: the CLI never does.

Everything is read from Click's objects (Typer vendors Click: ``Command.params``,
``get_usage``, ``Option.opts``, ``secondary_opts``, ``help``, ``make_metavar``), never from
``--help`` text. Defaults come from the parameter definitions, not from a parsed context, so
no ``FPCTL_*`` variable leaks in (an option's env var is named, never read), and usage lines
are laid out at a fixed width: the output depends on neither the environment nor the
terminal.

The shared options (``cli/options.py``: ``COMMON``, ``WRITE_OPTIONS``, ``LIST_OPTIONS``) are
listed once at the top; each command lists only its own arguments and options, and names the
shared sets it takes.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

#: What Typer makes of a command, and of its parameters (Click's, as Typer vendors them).
Command = TyperCommand | TyperGroup
Param = TyperArgument | TyperOption

#: Where the reference lives, from the project root, and the command that regenerates it.
DOCS_PATH = "docs/commands.md"
REGENERATE = f"python -m fpctl.cli.reference > {DOCS_PATH}"

#: Usage lines are laid out this wide: never wrapped, whatever the terminal (COLUMNS).
WIDTH = 1000

#: Click's marker for a paragraph printed as written (not rewrapped): examples.
NO_REWRAP = "\b"

INTRO = f"""\
# Command reference

<!-- Generated from the Typer app by `{REGENERATE}`; do not edit by hand. -->

Every `fpctl` command and sub-command, with its usage, its help and its own arguments and
options, generated from the same definitions as `--help`
(`tests/test_command_reference.py` fails when this file is out of date). The options that
many commands share are listed once, under [Shared options](#shared-options); each command
says which of those sets it takes."""


@dataclass(frozen=True)
class SharedSet:
    """Options ``cli.options.command()`` appends to a command (one list in ``options.py``)."""

    title: str  #: its heading under "Shared options"
    label: str  #: how a command's "Also:" line names it
    names: tuple[str, ...]  #: the parameter names, in help order
    everywhere: bool = False  #: meant for every command (those without it are named)

    def taken_by(self, command: Command) -> bool:
        """Whether ``command`` has every option of the set."""
        return set(self.names) <= {param.name for param in command.params}


@dataclass(frozen=True)
class Entry:
    """One command of the tree, with the Click context it is rendered in."""

    command: Command
    ctx: typer.Context
    depth: int  #: 0 for ``fpctl`` itself, 1 for a top-level command, and so on

    @property
    def path(self) -> str:
        """The full command line, e.g. ``fpctl team invite``."""
        return self.ctx.command_path

    @property
    def is_group(self) -> bool:
        return isinstance(self.command, TyperGroup)


# -- the tree ------------------------------------------------------------------------------


def shared_sets() -> list[SharedSet]:
    """The shared option sets, in the order ``options.command()`` appends them."""
    from fpctl.cli.options import COMMON, LIST_OPTIONS, WRITE_OPTIONS

    def names(options: Sequence[tuple[str, Any, Any]]) -> tuple[str, ...]:
        return tuple(name for name, _, _ in options)

    return [
        SharedSet("Options every command accepts", "global options", names(COMMON), True),
        SharedSet("Changes also accept", "change options", names(WRITE_OPTIONS)),
        SharedSet("Lists also accept", "list options", names(LIST_OPTIONS)),
    ]


def _typed(command: object) -> Command:
    """``command`` as the Typer class it is (the app makes no other kind)."""
    if not isinstance(command, TyperCommand | TyperGroup):
        raise TypeError(f"not a Typer command: {command!r}")
    return command


def _typer_params(command: Command) -> list[Param]:
    """The command's parameters as the Typer classes they are."""
    params = [param for param in command.params if isinstance(param, TyperArgument | TyperOption)]
    if len(params) != len(command.params):
        raise TypeError(f"{command.name}: a parameter Typer did not make")
    return params


def root_entry() -> Entry:
    """``fpctl`` itself: the whole CLI converted to Click, in a context of fixed width."""
    from fpctl.cli.app import app

    command = _typed(typer.main.get_command(app))
    return Entry(command, _context(command, "fpctl", parent=None), depth=0)


def _context(command: Command, name: str, parent: typer.Context | None) -> typer.Context:
    """A context for rendering only: nothing is parsed, so no env var is ever read."""
    settings = dict(command.context_settings)
    if parent is None:
        settings |= {"terminal_width": WIDTH, "max_content_width": WIDTH}
    return typer.Context(command, parent=parent, info_name=name, **settings)


def _subcommand_names(group: TyperGroup, ctx: typer.Context, *, root: bool) -> list[str]:
    """A group's visible sub-commands: the root's in ``COMMANDS`` order (any other after
    them), a group's in registration order (``list_commands``, as ``--help`` shows them)."""
    from fpctl.cli.app import COMMANDS

    names = group.list_commands(ctx)
    if root:
        names = [name for name in COMMANDS if name in names] + [
            name for name in names if name not in COMMANDS
        ]
    return [name for name in names if not group.commands[name].hidden]


def children(entry: Entry) -> list[Entry]:
    """The sub-commands of a group (none for a command)."""
    group = entry.command
    if not isinstance(group, TyperGroup):
        return []
    found = []
    for name in _subcommand_names(group, entry.ctx, root=entry.depth == 0):
        sub = _typed(group.commands[name])
        found.append(Entry(sub, _context(sub, name, parent=entry.ctx), entry.depth + 1))
    return found


def walk(entry: Entry) -> Iterator[Entry]:
    """``entry`` and everything under it, depth first, in help order."""
    yield entry
    for child in children(entry):
        yield from walk(child)


# -- Markdown ------------------------------------------------------------------------------


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to ``-``."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def _link(heading: str, text: str | None = None) -> str:
    return f"[{text or heading}](#{anchor(heading)})"


def _escape_text(text: str) -> str:
    """Prose from a help text, inline: Markdown's specials are escaped outside `code`."""
    pieces = text.split("`")
    for i in range(0, len(pieces), 2):  # even pieces are outside backticks
        piece = re.sub(r"([\\*<])", r"\\\1", pieces[i])
        pieces[i] = re.sub(r"(?<!\w)_|_(?!\w)", r"\\_", piece)
    return "`".join(pieces)


def _code(text: str) -> str:
    return f"`{text}`"


def _cell(text: str) -> str:
    """Table cell content: a ``|`` would end the cell, even inside `code`."""
    return text.replace("|", "\\|")


def _paragraph(text: str) -> str:
    """One help paragraph as one Markdown line (so no line can start a heading or a list)."""
    line = _escape_text(" ".join(text.split()))
    return f"\\{line}" if re.match(r"[#>+\-]|\d+[.)]", line) else line


def help_blocks(text: str | None) -> list[str]:
    """A help text as Markdown blocks: paragraphs as written, ``\\b`` ones (examples) in a
    text block; anything after ``\\f`` is not help, as for Click."""
    blocks = []
    for paragraph in re.split(r"\n\s*\n", inspect.cleandoc(text or "").split("\f")[0]):
        if paragraph.startswith(NO_REWRAP):
            lines = paragraph.removeprefix(NO_REWRAP).strip("\n")
            blocks.append(f"```text\n{lines}\n```")
        elif paragraph.strip():
            blocks.append(_paragraph(paragraph))
    return blocks


# -- parameters ----------------------------------------------------------------------------


def _visible_params(command: Command) -> list[Param]:
    return [param for param in _typer_params(command) if not param.hidden]


def _sorted_opts(opts: Sequence[str]) -> str:
    """``-o, --output``: shortest prefix first, as Click joins them."""
    return ", ".join(sorted(opts, key=lambda opt: len(opt) - len(opt.lstrip("-/"))))


def signature(param: Param, ctx: typer.Context) -> str:
    """What ``--help`` shows in its left column: ``--role <admin|...>``, ``EMAIL...``."""
    if not isinstance(param, TyperOption):
        return param.make_metavar(ctx)
    option = param
    takes_value = not option.is_flag and not option.count
    sides = [option.opts, option.secondary_opts] if option.secondary_opts else [option.opts]
    shown = [_sorted_opts(opts) for opts in sides]
    if takes_value:
        shown = [f"{opts} {option.make_metavar(ctx)}" for opts in shown]
    return " / ".join(shown)


def _choices(param: Param) -> list[str]:
    """A choice's values, when its metavar hides them (``SHELL`` for bash, zsh or fish)."""
    values = getattr(param.type, "choices", None)
    if not values or param.metavar is None:
        return []
    return [str(value.value if isinstance(value, Enum) else value) for value in values]


def _range(param: Param) -> str:
    """An ``IntRange``/``FloatRange`` bound as Click writes it: ``x>=1``, ``1<=x<=5``."""
    low, high = getattr(param.type, "min", None), getattr(param.type, "max", None)
    low_open = getattr(param.type, "min_open", False)
    high_op = "<" if getattr(param.type, "max_open", False) else "<="
    if low is None:
        return "" if high is None else f"x{high_op}{high}"
    if high is None:
        return f"x{'>' if low_open else '>='}{low}"
    return f"{low}{'<' if low_open else '<='}x{high_op}{high}"


def _envvars(param: Param) -> list[str]:
    if not getattr(param, "show_envvar", False) or not param.envvar:
        return []
    return [param.envvar] if isinstance(param.envvar, str) else list(param.envvar)


def description(param: Param) -> str:
    """The help text, then what ``--help`` adds in brackets (choices, range, env var)."""
    parts = [_escape_text(" ".join((param.help or "").split()))]
    if param.multiple:
        parts.append("Repeatable.")
    if choices := _choices(param):
        parts.append("One of " + ", ".join(_code(value) for value in choices) + ".")
    if bounds := _range(param):
        parts.append(f"Range: {_code(bounds)}.")
    if envvars := _envvars(param):
        parts.append("Env var: " + ", ".join(_code(name) for name in envvars) + ".")
    return " ".join(part for part in parts if part)


def _flag_default(option: TyperOption) -> str:
    """A boolean flag's default: the side that is on (``--no-atomic``), when it has two."""
    if not option.secondary_opts:
        return ""
    side = option.opts if option.default else option.secondary_opts
    return max(side, key=len)


def _value_text(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list | tuple):
        return ", ".join(_value_text(item) for item in value)
    return str(value)


def default(param: Param) -> str:
    """``required``, or the default as a definition gives it (never an env var's value)."""
    if param.required:
        return "required"
    if isinstance(param.show_default, str):
        return _escape_text(param.show_default)
    if not param.show_default:
        return ""
    if isinstance(param, TyperOption) and param.is_flag:
        flag = _flag_default(param)
        return _code(flag) if flag else ""
    value = param.default
    if callable(value):
        return "(dynamic)"
    if value is None or value in ((), []):
        return ""
    return _code(_value_text(value))


def params_table(params: Sequence[Param], ctx: typer.Context) -> str:
    """Arguments and options as a Markdown table (empty when there are none)."""
    if not params:
        return ""
    rows = ["| Argument or option | Description | Default |", "|---|---|---|"]
    for param in params:
        cells = (_code(signature(param, ctx)), description(param), default(param))
        rows.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(rows)


# -- sections ------------------------------------------------------------------------------


def _own_params(entry: Entry, taken: Sequence[SharedSet]) -> list[Param]:
    shared = {name for group in taken for name in group.names}
    return [param for param in _visible_params(entry.command) if param.name not in shared]


def heading_marks(entry: Entry) -> str:
    """``##`` for ``fpctl`` and its commands, one more ``#`` per level below (at most 6)."""
    return "#" * min(max(entry.depth, 1) + 1, 6)


def _also(taken: Sequence[SharedSet]) -> str:
    if not taken:
        return "Also: none of the shared options."
    return "Also: " + ", ".join(_link(group.title, group.label) for group in taken) + "."


def _subcommand_list(entry: Entry) -> str:
    subcommands = children(entry)
    if not subcommands:
        return ""
    lines = ["Commands:", ""]
    for child in subcommands:
        link = _link(child.path, _code(child.path))
        summary = _escape_text(child.command.get_short_help_str(limit=WIDTH))
        lines.append(f"- {link}: {summary}" if summary else f"- {link}")
    return "\n".join(lines)


def command_section(entry: Entry, sets: Sequence[SharedSet]) -> str:
    """One command or group: heading, usage, help, own parameters, shared sets or
    sub-commands."""
    command = entry.command
    taken = [group for group in sets if group.taken_by(command)]
    blocks = [
        f"{heading_marks(entry)} {entry.path}",
        f"```text\n{command.get_usage(entry.ctx)}\n```",
    ]
    if command.deprecated:
        blocks.append("*Deprecated.*")
    blocks += help_blocks(command.help)
    blocks += [params_table(_own_params(entry, taken), entry.ctx)]
    blocks += help_blocks(command.epilog)
    blocks.append(_subcommand_list(entry) if entry.is_group else _also(taken))
    return "\n\n".join(block for block in blocks if block)


def _help_option_line(root: Entry) -> str:
    """``-h, --help``: every command and group takes it."""
    option = root.command.get_help_option(root.ctx)
    if option is None:
        return ""
    opts = _code(_sorted_opts(option.opts))
    return f"Every command and group takes {opts}, which prints its help and exits."


def _takers(entries: Sequence[Entry], group: SharedSet) -> list[Entry]:
    return [entry for entry in entries if not entry.is_group and group.taken_by(entry.command)]


def _leaves_without(entries: Sequence[Entry], group: SharedSet) -> str:
    """A note naming the commands that lack a set meant for every command."""
    missing = [entry for entry in entries if not (entry.is_group or group.taken_by(entry.command))]
    if not missing:
        return ""
    names = ", ".join(_link(entry.path, _code(entry.path)) for entry in missing)
    return f"All but {names}, which {'takes' if len(missing) == 1 else 'take'} none of them."


def shared_section(root: Entry, entries: Sequence[Entry], sets: Sequence[SharedSet]) -> str:
    """The shared options, once: rendered from the first command taking each set."""
    blocks = ["## Shared options", _help_option_line(root)]
    for group in sets:
        takers = _takers(entries, group)
        if not takers:
            continue
        by_name = {param.name: param for param in _visible_params(takers[0].command)}
        params = [by_name[name] for name in group.names if name in by_name]
        blocks += [f"### {group.title}", params_table(params, takers[0].ctx)]
        if group.everywhere:
            blocks.append(_leaves_without(entries, group))
    return "\n\n".join(block for block in blocks if block)


def render() -> str:
    """The whole reference as Markdown, ending with one newline."""
    root = root_entry()
    entries = list(walk(root))
    sets = shared_sets()
    sections = [INTRO, command_section(root, sets), shared_section(root, entries, sets)]
    sections += [command_section(entry, sets) for entry in entries[1:]]
    return "\n\n".join(sections) + "\n"


# -- python -m -----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Print the reference on stdout, or with ``--check`` compare it with the file."""
    parser = argparse.ArgumentParser(
        prog="python -m fpctl.cli.reference", description="Print docs/commands.md."
    )
    parser.add_argument(
        "--check",
        nargs="?",
        const=DOCS_PATH,
        metavar="FILE",
        help=f"exit 1 when FILE (default: {DOCS_PATH}) is not the current reference",
    )
    args = parser.parse_args(argv)
    text = render()
    if args.check is None:
        sys.stdout.buffer.write(text.encode("utf-8"))  # UTF-8 and "\n" whatever the platform
        return 0
    path = Path(args.check)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return 0
    sys.stderr.write(f"{path} is out of date: run `{REGENERATE}`\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
