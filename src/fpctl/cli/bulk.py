"""Bulk input files (SPEC §3.7): CSV with a header, or one value per line; ``-`` is stdin."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path

from fpctl.errors import InvalidInput


def read_text(source: str) -> str:
    """The whole file (or stdin), UTF-8 with or without a BOM."""
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read {source}: {error.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{source} is not UTF-8 text") from None


def rows(text: str, *, key: str) -> Iterator[dict[str, str]]:
    """Dicts keyed by the header's lower-cased names; a file without a header named ``key``
    is one ``key`` value per line. Blank lines are skipped."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return
    header = [name.strip().casefold() for name in next(csv.reader([lines[0]]))]
    if key not in header:
        for line in lines:
            yield {key: line.strip()}
        return
    for record in csv.DictReader(lines[1:], fieldnames=header):
        if any((value or "").strip() for value in record.values() if isinstance(value, str)):
            yield {
                name: (value or "").strip()
                for name, value in record.items()
                if isinstance(name, str) and isinstance(value, str)
            }
