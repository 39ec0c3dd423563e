"""Stored text goes through here before it reaches a terminal (RELIABILITY §6).

Control characters (but newline and tab) and bidi controls are dropped, so a name cannot
clear the screen, hide a link or reorder what an agent reads. Rich markup is never parsed:
tables are built from ``rich.text.Text`` objects.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    return _UNSAFE.sub("", value)


def neutralize_formula(value: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading quote."""
    return "'" + value if value.startswith(_FORMULA_START) else value
