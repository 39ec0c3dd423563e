"""What an id is: a whole number from 1 to ``MAX_ID``, written with the ASCII digits 0-9
(Python's ``int()`` also reads ``١٢`` and full-width digits; a store cannot hold more)."""

from __future__ import annotations

#: The largest id a store holds: PostgreSQL's INTEGER, the type of every id column.
MAX_ID = 2**31 - 1


def is_digits(text: str) -> bool:
    """``text`` is written with the ASCII digits 0-9 only (and at least one)."""
    return text.isascii() and text.isdigit()


def as_id(text: str) -> int | None:
    """The id ``text`` spells (surrounding spaces aside), or None when it spells none."""
    cleaned = text.strip()
    if not is_digits(cleaned):
        return None
    number = int(cleaned)
    return number if 1 <= number <= MAX_ID else None
