"""Bulk input files (SPEC §3.7): CSV with a header, or one value per line; ``-`` is stdin."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path

from fpctl.errors import InvalidInput

#: The most a bulk file or a batch may hold: hundreds of thousands of rows or commands, far
#: more than anyone runs at once; a device that never ends (/dev/zero) stops here instead of
#: filling the memory until the system kills fpctl.
MAX_BYTES = 64 * 1024 * 1024


def read_text(source: str) -> str:
    """The whole file (or stdin), UTF-8 with or without a BOM, at most MAX_BYTES."""
    try:
        if source == "-":
            raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with Path(source).open("rb") as file:
                raw = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise InvalidInput(f"cannot read {source}: {error.strerror or error}") from None
    if len(raw) > MAX_BYTES:
        raise InvalidInput(
            f"{source} holds more than {MAX_BYTES // 1024 // 1024} MiB",
            hint="split it into several files",
        )
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
    # What csv.DictReader gave, a row at a time: a name repeated in the header keeps its
    # last value, a short row has no value for the names past its end (even a repeated one
    # given earlier in the row), extra values are dropped.
    for record in csv.reader(lines[1:]):
        values = {name: value.strip() for name, value in zip(header, record, strict=False)}
        for name in header[len(record) :]:
            values.pop(name, None)
        if any(values.values()):
            yield values
