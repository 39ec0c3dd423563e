"""How ``--help`` reads: examples at the end of every command's help, arguments named as
words in the usage line, and the root's commands grouped by topic.

Typer runs with ``rich_markup_mode=None`` (Rich stays unloaded for ``--help``), and its
plain help ignores ``rich_help_panel``: ``Root`` reads it to group the root's commands.
"""

from __future__ import annotations

import inspect
from typing import Any

from typer.core import TyperCommand, TyperGroup

#: The first line of every command's examples (its epilog).
EXAMPLES = "Examples:"

#: Click prints a paragraph that starts with this line as written, never rewrapped.
AS_WRITTEN = "\b"


def examples(*lines: str) -> str | None:
    """An epilog of example command lines, one a line, printed as written at any width
    (``tests/cli/test_help.py``: one to three for every command, each of which parses)."""
    if not lines:
        return None
    return "\n".join([AS_WRITTEN, EXAMPLES, *(f"  {line}" for line in lines)])


def example_lines(epilog: str | None) -> list[str]:
    """The example command lines of an epilog made by ``examples()`` (none for another)."""
    lines = inspect.cleandoc(epilog or "").splitlines()
    if lines[:2] != [AS_WRITTEN, EXAMPLES]:
        return []
    return [line.strip() for line in lines[2:] if line.strip()]


def _epilog_at_margin(command: Any, formatter: Any) -> None:
    """The epilog under the options, at their heading's margin (Click indents it)."""
    if command.epilog:
        formatter.write_paragraph()
        formatter.write_text(inspect.cleandoc(command.epilog))


class Command(TyperCommand):
    """A command whose usage line names arguments as words (``ID``, ``[TARGET]``, where
    Typer writes ``{ID}``, ``[target]``) and whose examples line up with the option
    headings."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name != "argument":
                pieces += param.get_usage_pieces(ctx)
                continue
            word = param.make_metavar(ctx)
            # a metavar given is written as given: ``ACTION [TARGET]`` for ``auth can-i``,
            # whose ACTION is optional only because --list stands in for it
            optional = param.metavar is None and not param.required
            pieces.append(f"[{word}]" if optional else word)
        return pieces

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        _epilog_at_margin(self, formatter)


#: The root's commands by topic, in help order (``tests/cli/test_help.py``: each once).
TOPICS = {
    "Team": ("account", "team", "role", "policy", "approvals", "audit", "auth"),
    "Orders": ("order", "offer", "project", "inbox", "notifications"),
    "Money": ("billing", "subscription", "rewards"),
    "Network": ("freelancer", "network"),
    "Store and scripting": ("db", "demo", "tick", "batch", "shell", "completion"),
}
_ORDER = [name for names in TOPICS.values() for name in names]
_TOPIC = {name: topic for topic, names in TOPICS.items() for name in names}


class Root(TyperGroup):
    """The root: its commands under one heading per topic (``TOPICS``; Typer's plain help
    would list them all under "Commands", groups after single commands)."""

    def list_commands(self, ctx: Any) -> list[str]:
        known = [name for name in _ORDER if name in self.commands]
        return known + [name for name in self.commands if name not in _TOPIC]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        topics: dict[str, list[tuple[str, Any]]] = {}
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                topic = _TOPIC.get(name, "Commands")
                topics.setdefault(topic, []).append((name, command))
        if not topics:
            return
        width = max(len(name) for commands in topics.values() for name, _ in commands)
        limit = formatter.width - 6 - width
        for topic, commands in topics.items():
            with formatter.section(topic):
                # the same first column in every section, so the summaries line up
                rows = [
                    (name.ljust(width), cmd.get_short_help_str(limit)) for name, cmd in commands
                ]
                formatter.write_dl(rows)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        _epilog_at_margin(self, formatter)
