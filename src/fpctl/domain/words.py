"""Counts in sentences: ``1 command``, ``3 commands``, ``0 entries``."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and the noun, singular for exactly one (``plural`` when adding "s" is wrong)."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
