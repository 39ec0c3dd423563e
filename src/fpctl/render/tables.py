"""Rich tables for people. Imported only when a table is drawn (start-up stays light)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from fpctl.domain.money import format_cents
from fpctl.render.safe import safe_text

_GOOD = "green"
_WAITING = "yellow"
_OFF = "dim"
_BAD = "red"
STATUS_STYLES = {
    "active": _GOOD,
    "accepted": _GOOD,
    "approved": _GOOD,
    "completed": _GOOD,
    "invited": _GOOD,
    "done": _GOOD,
    "allowed": _GOOD,
    "ok": _GOOD,
    "unchanged": _OFF,
    "pending": _WAITING,
    "awaiting_approval": _WAITING,
    "awaiting_requirements": _WAITING,
    "in_progress": _WAITING,
    "delivered": _WAITING,
    "in_revision": _WAITING,
    "deactivated": _OFF,
    "expired": _OFF,
    "withdrawn": _OFF,
    "superseded": _OFF,
    "inactive": _OFF,
    "removed": _BAD,
    "closed": _BAD,
    "rejected": _BAD,
    "cancelled": _BAD,
    "failed": _BAD,
    "denied": _BAD,
}
_STYLED_KEYS = ("status", "result")


#: Width when writing to a pipe or file with no COLUMNS: wide enough that emails and
#: timestamps never fold, so `fpctl team list | grep` sees one member per line.
PIPE_WIDTH = 1000


def _width(out: TextIO) -> int | None:
    """None lets Rich size a terminal (or honour COLUMNS); a pipe gets PIPE_WIDTH, not 80."""
    if os.environ.get("COLUMNS", "").strip().isdigit():
        return None
    isatty = getattr(out, "isatty", None)
    if isatty is not None and isatty():
        return None
    return PIPE_WIDTH


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """Rich exits with status 1 here; the command layer stops with SIGPIPE's status."""
        self.quiet = True
        raise BrokenPipeError


def _console(out: TextIO) -> Console:
    return _Console(
        file=out,
        width=_width(out),
        markup=False,
        emoji=False,
        highlight=False,
        no_color=bool(os.environ.get("NO_COLOR")) or None,
        soft_wrap=False,
    )


def header(key: str) -> str:
    return key.removesuffix("_cents").replace("_", " ").upper()


def cell(key: str, value: Any) -> Text:
    """One table cell: money as dollars, nested values compact, user text made safe."""
    if value is None:
        return Text("")
    if key.endswith("_cents") and isinstance(value, int):
        return Text(format_cents(value))  # list columns of money are right-aligned
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    if isinstance(value, Mapping):
        value = ", ".join(f"{k}={v}" for k, v in value.items() if v is not None)
    elif isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    text = safe_text(str(value))
    style = STATUS_STYLES.get(text, "") if key in _STYLED_KEYS else ""
    return Text(text, style=style)


def draw_rows(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] | None,
    title: str | None,
    out: TextIO,
) -> None:
    keys = list(columns or (rows[0].keys() if rows else []))
    table = Table(title=Text(safe_text(title)) if title else None, title_justify="left")
    for key in keys:
        money = key.endswith("_cents")
        table.add_column(header(key), overflow="fold", justify="right" if money else "left")
    for row in rows:
        table.add_row(*(cell(key, row.get(key)) for key in keys))
    if not rows:
        _console(out).print(Text("(none)", style="dim"))
        return
    _console(out).print(table)


def draw_object(
    obj: Mapping[str, Any], columns: Sequence[str] | None, title: str | None, out: TextIO
) -> None:
    table = Table(
        title=Text(safe_text(title)) if title else None,
        title_justify="left",
        show_header=False,
        box=None,
        padding=(0, 2, 0, 0),
    )
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key in columns or obj.keys():
        table.add_row(Text(key.removesuffix("_cents").replace("_", " ")), value(key, obj.get(key)))
    _console(out).print(table)


def value(key: str, shown: Any) -> RenderableType:
    """An object's value: a list of objects (an account's recent activity) becomes a small
    table of its own, one line per item; anything else is one cell."""
    if isinstance(shown, list | tuple) and shown and all(isinstance(v, Mapping) for v in shown):
        return nested_rows(shown)
    return cell(key, shown)


def nested_rows(rows: Sequence[Mapping[str, Any]]) -> Table:
    keys = list(rows[0].keys())
    table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False, header_style="")
    for key in keys:
        money = key.endswith("_cents")
        table.add_column(header(key), overflow="fold", justify="right" if money else "left")
    for row in rows:
        table.add_row(*(cell(key, row.get(key)) for key in keys))
    return table
