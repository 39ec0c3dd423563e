"""Rich tables for people. Imported only when a table is drawn (start-up stays light)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, TextIO, TypeGuard

from rich.cells import cell_len
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


def _console(out: TextIO, *, width: int | None = None) -> Console:
    return _Console(
        file=out,
        width=width or _width(out),
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


#: The widest a column of tokens (emails, ids, times) gets before it is cut with "…", and
#: the narrowest a column of text (names, titles, notes) is folded to, at its spaces.
TOKEN_CAP, TEXT_MIN = 40, 14
#: What a table with a box spends per column (a border and a space on each side), plus one.
_PER_COLUMN = 3


def draw_rows(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] | None,
    title: str | None,
    out: TextIO,
    *,
    wide: bool = False,
) -> None:
    """A list for people. At the terminal's width, the columns that fit, in the order
    given (the command's priority); a token (money, an email, an id, a status, a time) is
    never split across lines, only cut with "…" when wider than TOKEN_CAP; text folds at
    its spaces. A column holding the same account on every row repeats the context and is
    left out. ``wide``: every column, each as wide as its widest cell (lines may run past
    the terminal, as kubectl's -o wide does)."""
    console = _console(out)
    if not rows:
        console.print(Text("(none)", style="dim"))
        return
    keys = list(columns or rows[0].keys())
    cells = [[cell(key, row.get(key)) for key in keys] for row in rows]
    layout = [_Column(key, [line[i] for line in cells]) for i, key in enumerate(keys)]
    if wide:
        shown = layout
        console = _console(
            out, width=sum(c.natural for c in layout) + _PER_COLUMN * len(layout) + 1
        )
    else:
        shown = _fitting([c for c in layout if not c.repeats_context], console.width)
    table = Table(title=Text(safe_text(title)) if title else None, title_justify="left")
    for column in shown:
        table.add_column(**column.options(wide=wide))
    positions = [layout.index(column) for column in shown]
    for line in cells:
        table.add_row(*(line[i] for i in positions))
    console.print(table)


class _Column:
    def __init__(self, key: str, cells: list[Text]) -> None:
        self.key = key
        self.title = header(key)
        self.natural = max([cell_len(self.title), *(cell_len(c.plain) for c in cells)])
        self.is_text = any(" " in c.plain.strip() for c in cells)
        values = {c.plain for c in cells}
        self.repeats_context = key == "account" and len(values) == 1

    @property
    def least(self) -> int:
        """The narrowest this column may be drawn without splitting a token."""
        if self.is_text:
            return max(min(self.natural, TEXT_MIN), _longest_word(self.title))
        return min(self.natural, max(TOKEN_CAP, cell_len(self.title)))

    def options(self, *, wide: bool) -> dict[str, Any]:
        money = self.key.endswith("_cents")
        return {
            "header": self.title,
            "justify": "right" if money else "left",
            "no_wrap": wide or not self.is_text,
            "overflow": "ellipsis",
            "min_width": self.natural if wide else self.least,
        }


def _fitting(columns: list[_Column], width: int) -> list[_Column]:
    """The columns, in order, whose least widths fit ``width`` (the first always)."""
    shown: list[_Column] = []
    used = 1
    for column in columns:
        need = column.least + _PER_COLUMN
        if shown and used + need > width:
            continue
        shown.append(column)
        used += need
    return shown


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


def draw_object(
    obj: Mapping[str, Any], columns: Sequence[str] | None, title: str | None, out: TextIO
) -> None:
    """A detail view: its fields as a key/value panel, then each list of objects it holds
    (milestones, activity, services…) as a section of its own, a table that fits."""
    console = _console(out)
    table = Table(
        title=Text(safe_text(title)) if title else None,
        title_justify="left",
        show_header=False,
        box=None,
        padding=(0, 2, 0, 0),
    )
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    sections: list[tuple[str, Sequence[Mapping[str, Any]]]] = []
    for key in columns or obj.keys():
        shown = obj.get(key)
        if _is_rows(shown):
            sections.append((key, shown))
            continue
        table.add_row(Text(key.removesuffix("_cents").replace("_", " ")), cell(key, shown))
    console.print(table)
    for key, rows in sections:
        console.print()
        draw_rows(rows, None, key.replace("_", " ").capitalize(), out)


def _is_rows(value: Any) -> TypeGuard[Sequence[Mapping[str, Any]]]:
    return (
        isinstance(value, list | tuple)
        and bool(value)
        and all(isinstance(item, Mapping) for item in value)
    )


def value(key: str, shown: Any) -> RenderableType:
    """An object's value: a list of objects becomes a small table of its own, one line per
    item; anything else is one cell."""
    if _is_rows(shown):
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
