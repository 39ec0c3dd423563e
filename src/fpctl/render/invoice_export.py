"""``billing invoices --export DIR``: an index (``invoices.csv``) and one printable HTML
document per invoice (``invoice-<number>.html``), written into DIR.

Each file is written to a temporary name in DIR and then renamed over the old one, so a
re-run replaces the same files whole and an interrupted run never leaves half a file.
Files of earlier exports that this run does not write are left alone.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from fpctl.errors import InvalidInput
from fpctl.render.invoice_html import document
from fpctl.render.safe import safe_cell

INDEX = "invoices.csv"
BILLED_TO_KEYS = ("account", "name", "full_name", "company", "address", "country", "tax_id")
#: The index's columns: every key of the invoice view (``billed_to`` spread out), and the
#: file name of the invoice's document, relative to the index.
INDEX_COLUMNS = [
    "id",
    "number",
    "kind",
    "purpose",
    "order_id",
    "description",
    "amount_cents",
    "credits_cents",
    "balance_cents",
    "method_cents",
    "payment_method",
    *(f"billed_to_{key}" for key in BILLED_TO_KEYS),
    "account",
    "issued_at",
    "file",
]


def file_name(invoice: Mapping[str, Any]) -> str:
    return f"invoice-{invoice['number']}.html"


def export_directory(given: str) -> Path:
    """The directory ``--export`` names, checked before anything is read: an empty path is
    refused (it would quietly be the current directory), like a file's (exit 2)."""
    if not given.strip():
        raise InvalidInput(
            "--export needs a directory: an empty path would write into the current one",
            hint="name it, e.g. --export invoices (or --export . on purpose)",
        )
    directory = Path(given).expanduser()
    check_directory(directory)
    return directory


def check_directory(directory: Path) -> None:
    """Refuse (exit 2) a path that exists and is not a directory, before anything is read."""
    if directory.exists() and not directory.is_dir():
        raise InvalidInput(
            f"{directory} exists and is not a directory",
            hint="give --export a directory (it is created when missing)",
            code="not_a_directory",
        )


@contextmanager
def _write_errors(directory: Path) -> Iterator[None]:
    try:
        yield
    except OSError as error:
        raise InvalidInput(
            f"cannot write the export to {directory}: {error.strerror or error}",
            hint="choose a directory you can write to",
            code="export_failed",
        ) from None


@contextmanager
def _replacing(path: Path) -> Iterator[TextIO]:
    """A file to write ``path`` whole through: a temporary file beside it, renamed over
    ``path`` once written (the file gets the usual permissions, as any file the user
    writes)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _replace(path: Path, text: str) -> None:
    with _replacing(path) as out:
        out.write(text)


def _cell(value: Any) -> str:
    """A CSV cell: control characters escaped, a would-be formula quoted (render/safe.py)."""
    return "" if value is None else safe_cell(str(value))


def _flat(invoice: Mapping[str, Any]) -> dict[str, Any]:
    """The invoice view with its ``billed_to`` snapshot spread into ``billed_to_*`` cells
    (invoices issued before billing information existed leave those cells empty)."""
    billed = invoice.get("billed_to") or {}
    spread = {f"billed_to_{key}": billed.get(key) for key in BILLED_TO_KEYS}
    return {**invoice, **spread}


def _write_index(rows: Iterable[Mapping[str, Any]], out: TextIO) -> None:
    """The index: a header row, then one row per invoice (RFC 4180, CRLF line ends)."""
    writer = csv.writer(out)
    writer.writerow(INDEX_COLUMNS)
    writer.writerows([_cell(_flat(row).get(key)) for key in INDEX_COLUMNS] for row in rows)


def index_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    _write_index(rows, buffer)
    return buffer.getvalue()


def exported(invoice: Mapping[str, Any], directory: Path) -> dict[str, Any]:
    """The invoice's row once exported: with ``file``, the path of its document."""
    return {**invoice, "file": str(directory / file_name(invoice))}


def export(invoices: Iterable[Mapping[str, Any]], directory: Path) -> int:
    """Write every invoice's document and the index into ``directory`` (created when
    missing), one invoice at a time (the index is written as it goes and renamed into place
    at the end). Returns how many invoices were written."""
    check_directory(directory)
    written = 0

    def documents() -> Iterator[dict[str, Any]]:
        nonlocal written
        for invoice in invoices:
            row = {**invoice, "file": file_name(invoice)}
            _replace(directory.joinpath(row["file"]), document(row))
            written += 1
            yield row

    with _write_errors(directory):
        directory.mkdir(parents=True, exist_ok=True)
        with _replacing(directory / INDEX) as index:
            _write_index(documents(), index)
    return written
