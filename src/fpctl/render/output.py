"""Write data to stdout in the chosen format; notes and errors to stderr."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import StrEnum
from itertools import chain, islice
from typing import Any, Protocol, TextIO, runtime_checkable

from fpctl.domain.jsontext import compact as compact_json
from fpctl.render.safe import safe_cell, safe_text

DEFAULT_TABLE_ROWS = 50

Row = Mapping[str, Any]


@runtime_checkable
class Pageable(Protocol):
    """Rows that can also give a table its first page without reading the rest (a service's
    ``Listing``): ``page(n)`` is the first ``n`` rows and how many more there are."""

    def __iter__(self) -> Iterator[Row]: ...

    def page(self, size: int) -> tuple[list[Row], int]: ...

    def map(self, shape: Any) -> Pageable: ...


class Format(StrEnum):
    TABLE = "table"
    WIDE = "wide"  # a table with every column
    JSON = "json"
    NDJSON = "ndjson"
    CSV = "csv"
    TSV = "tsv"
    MARKDOWN = "markdown"  # a table to paste into a ticket


#: Drawn as terminal tables (50 rows unless told); of those, ``table`` and ``markdown`` show
#: a command's chosen columns, ``wide`` every column. Markdown is for people but complete.
TABLES = frozenset({Format.TABLE, Format.WIDE})
NARROW = frozenset({Format.TABLE, Format.MARKDOWN})
PEOPLE = TABLES | {Format.MARKDOWN}


FORMATS = tuple(f.value for f in Format)


# json.dumps escapes C0 controls but writes C1 (\x9b is a CSI on many terminals) and bidi
# controls raw. Escaping them as \uXXXX keeps the data identical and the terminal safe. The
# line and paragraph separators too: JSON allows them raw, but a reader that splits lines
# the Unicode way (Python's str.splitlines) would cut an NDJSON object in two.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _escaped(text: str) -> str:
    return _RAW_IN_JSON.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _json(value: Any, *, indent: int | None = None) -> str:
    if indent is None:  # json.dumps' compact form, by an encoder made once (a million rows)
        return _escaped(compact_json(value))
    separators = None if indent else (",", ":")
    return _escaped(json.dumps(value, ensure_ascii=False, indent=indent, separators=separators))


def _cell(value: Any) -> str:
    """A flat text cell: nested values as compact JSON, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping | list | tuple):
        return _json(value)
    return str(value)


def _csv_cell(value: Any) -> str:
    """User text: control characters escaped, a would-be formula quoted (render/safe.py)."""
    text = _cell(value)
    return safe_cell(text) if isinstance(value, str) else text


def _delimited(rows: Iterable[Row], columns: Sequence[str] | None, out: TextIO, sep: str) -> None:
    iterator = iter(rows)
    first = next(iterator, None)
    keys = list(columns or (first.keys() if first else []))
    # csv quotes a cell only for the characters of its line terminator: with "\r\n" a lone
    # CR in a name is quoted too (with "\n" it would split the row). Lines end in "\n".
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")

    def write(cells: list[str]) -> None:
        writer.writerow(cells)
        out.write(buffer.getvalue()[:-2] + "\n")
        buffer.seek(0)
        buffer.truncate()

    write(keys)
    for row in chain([first], iterator) if first is not None else ():
        write([_csv_cell(row.get(key)) for key in keys])


def parse_format(text: str) -> Format:
    """The output format named by ``-o``; a usage error (exit 2) for anything else."""
    try:
        return Format(text.strip().casefold())
    except ValueError:
        from fpctl.errors import InvalidInput

        raise InvalidInput(
            f"{text!r} is not an output format", hint=f"use one of: {', '.join(FORMATS)}"
        ) from None


def emit(
    data: Row | Iterable[Row],
    fmt: str,
    *,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    limit: int | None = None,
    quiet: bool = False,
    out: TextIO | None = None,
) -> None:
    """Render one object (a mapping) or a list of rows (any other iterable).

    Tables show ``limit`` rows (50 unless told) and say on stderr how many they left out;
    machine formats are complete unless ``limit`` is given.
    """
    out = out or sys.stdout
    fmt = parse_format(fmt)
    if isinstance(data, Mapping):
        _emit_object(data, fmt, columns, title, out)
        return
    if fmt in TABLES:
        _emit_table(
            data, columns=columns, title=title, limit=limit, quiet=quiet, out=out,
            wide=fmt is Format.WIDE,
        )  # fmt: skip
        return
    rows: Iterable[Row] = data if limit is None else islice(data, limit)
    if fmt is Format.MARKDOWN:
        from fpctl.render import markdown

        markdown.write_rows(rows, columns, out, _cell)
    elif fmt is Format.JSON:
        _write_json_array(rows, out)
    elif fmt is Format.NDJSON:
        for row in rows:
            out.write(_json(row) + "\n")
    else:
        _delimited(rows, columns, out, "," if fmt is Format.CSV else "\t")


def _write_json_array(rows: Iterable[Row], out: TextIO) -> None:
    iterator = iter(rows)
    first = next(iterator, None)  # a refused query fails here, before anything is written
    if first is None:
        out.write("[]\n")
        return
    out.write("[\n  " + _json(first))
    for row in iterator:
        out.write(",\n  " + _json(row))
    out.write("\n]\n")


def _emit_object(
    obj: Row, fmt: Format, columns: Sequence[str] | None, title: str | None, out: TextIO
) -> None:
    if fmt is Format.JSON:
        out.write(_json(obj, indent=2) + "\n")
    elif fmt is Format.NDJSON:
        out.write(_json(obj) + "\n")
    elif fmt in (Format.CSV, Format.TSV):
        _delimited([obj], columns, out, "," if fmt is Format.CSV else "\t")
    elif fmt is Format.MARKDOWN:
        from fpctl.render import markdown

        markdown.write_object(obj, columns, out, _cell)
    else:
        from fpctl.render.tables import draw_object

        draw_object(obj, columns, title, out)


def _emit_table(
    rows: Iterable[Row],
    *,
    columns: Sequence[str] | None,
    title: str | None,
    limit: int | None,
    quiet: bool,
    out: TextIO,
    wide: bool = False,
) -> None:
    from fpctl.render.tables import draw_rows

    shown_limit = DEFAULT_TABLE_ROWS if limit is None else limit
    if isinstance(rows, Pageable) and shown_limit < sys.maxsize:
        page, left_out = rows.page(shown_limit)  # LIMIT n + 1, then one COUNT(*) if needed
    else:
        iterator: Iterator[Row] = iter(rows)
        page = list(islice(iterator, shown_limit))
        left_out = sum(1 for _ in iterator)
    draw_rows(page, columns, title, out, wide=wide)
    if left_out and not quiet:
        note(
            f"{left_out} more row{'s' if left_out != 1 else ''} not shown "
            "(use --all, --limit N, or -o json/csv for everything)"
        )


def note(message: str, *, quiet: bool = False) -> None:
    """A line for people on stderr (never mixed into data)."""
    if not quiet:
        sys.stderr.write(safe_text(message) + "\n")


def one_line(text: str) -> str:
    """``text`` made safe for stderr on one line: a newline in a value quoted into a
    message (a username, a path) shows as ``\\n`` instead of forging an ``error:`` line."""
    return safe_text(text).replace("\n", "\\n")


def emit_error(error: Mapping[str, Any], *, as_json: bool) -> None:
    sys.stderr.write(f"error: {one_line(error['message'])}\n")
    if error.get("hint"):
        sys.stderr.write(f"hint: {one_line(error['hint'])}\n")
    if as_json:
        sys.stderr.write(_json({"error": dict(error)}) + "\n")
