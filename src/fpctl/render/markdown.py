"""``-o markdown``: a table to paste into a ticket or a chat (GitHub-flavoured Markdown).

Cells are one line each, controls and bidi characters dropped (render/safe.py), and every
character Markdown or HTML would interpret escaped, so a member named ``[x](http://evil)``
or ``<img src=…>`` stays text in the ticket. An object is a two-column table (field, value).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from typing import Any, TextIO

from fpctl.render.safe import safe_text

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def escape(text: str) -> str:
    one_line = " ".join(safe_text(text).split())
    return _SPECIAL.sub(r"\\\1", one_line)


def write_rows(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str] | None,
    out: TextIO,
    cell: Any,
) -> None:
    """Rows under a header of ``columns`` (else the first row's keys); ``cell`` flattens a
    value to text (the same as CSV's)."""
    iterator = iter(rows)
    first = next(iterator, None)
    keys = list(columns or (first.keys() if first else []))
    if not keys:
        return
    out.write("| " + " | ".join(escape(key.replace("_", " ").upper()) for key in keys) + " |\n")
    out.write("|" + "|".join("---" for _ in keys) + "|\n")
    for row in chain([first], iterator) if first is not None else ():
        out.write("| " + " | ".join(escape(cell(row.get(key))) for key in keys) + " |\n")


def write_object(
    obj: Mapping[str, Any], columns: Sequence[str] | None, out: TextIO, cell: Any
) -> None:
    keys = list(columns or obj.keys())
    out.write("| FIELD | VALUE |\n|---|---|\n")
    for key in keys:
        out.write(f"| {escape(key)} | {escape(cell(obj.get(key)))} |\n")
