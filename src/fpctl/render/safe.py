"""Stored text goes through here before it reaches a terminal (RELIABILITY §6).

Control characters (but newline and tab: C0 with CR, DEL, C1) and bidi controls cannot
reach a terminal, so a name cannot retitle or clear the screen, write the clipboard, hide a
link or reorder what an agent reads. Tables drop them; CSV and TSV cells (on stdout and in
exported files, which end up in a terminal too) show each as a visible escape (ESC as ``\\u001b``);
JSON escapes them by its own grammar. Rich markup is never parsed: tables are built from
``rich.text.Text`` objects.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    return _UNSAFE.sub("", value)


def escaped_controls(value: str) -> str:
    """Each control or bidi character as a visible escape (ESC as ``\\u001b``)."""
    return _UNSAFE.sub(lambda found: f"\\u{ord(found.group()):04x}", value)


def safe_cell(value: str) -> str:
    """A CSV or TSV cell of user text: controls escaped, a formula neutralized."""
    return neutralize_formula(escaped_controls(value))


def neutralize_formula(value: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading quote."""
    return "'" + value if value.startswith(_FORMULA_START) else value
