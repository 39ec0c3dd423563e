"""Whole numbers on the command line: ids, counts, hours and limits.

Only the ASCII digits 0-9 count (Python's ``int()`` also reads ``١٢`` and full-width
digits), and every number is bounded, so that ``order show 99999999999999999999`` is a
usage error (exit 2) instead of an overflow in the store.
"""

from __future__ import annotations

from collections.abc import Callable

import typer

from fpctl.domain.ids import MAX_ID, is_digits


def whole_number(low: int = 0, high: int = MAX_ID) -> Callable[[str | int], int]:
    """A Typer ``parser`` for a whole number from ``low`` to ``high``."""

    def parse(value: str | int) -> int:
        if isinstance(value, int):  # a default, already a number
            return value
        text = value.strip()
        if not is_digits(text):
            raise typer.BadParameter(f"{value!r} is not a whole number: use the digits 0-9")
        number = int(text)
        if not low <= number <= high:
            raise typer.BadParameter(f"{text} is not between {low} and {high:,}")
        return number

    return parse


ID = whole_number(low=1)
COUNT = whole_number(low=0)
