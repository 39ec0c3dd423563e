"""Lists at scale (issue 13): every `--all` list streams, so its peak memory does not grow
with its rows; a table reads one page and counts the rest with one COUNT(*).

Each list runs in-process at SMALL and at BIG rows of its kind, with tracemalloc counting
what Python allocates while it runs and its output counted, never kept. A list that builds
its rows in memory (a list of views, a list of ORM objects) peaks about BIG / SMALL times
higher; a streamed one holds a chunk of rows (``services.listing.CHUNK_ROWS``) at either
size. The rows are copies of one row of each kind made through fpctl, written with one SQL
statement per table (the store's own engine), so the test stays quick on both backends.
"""

from __future__ import annotations

import io
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, text

from tests.conftest import Cli

SMALL, BIG = 600, 3000
#: How much higher the peak at BIG may be than at SMALL: a chunk's worth of noise (caches,
#: statements compiled once) passes; five times the rows held in memory never would.
MARGIN = 1.3

ADA = ["--as", "ada@acme.test"]
#: Every list command whose rows can grow without bound, with a machine format each
#: (every one of them, the issue's three first).
LISTS: list[tuple[str, list[str]]] = [
    ("ledger_entry", ["billing", "ledger", "--all", "-o", "csv", *ADA]),
    ("invitation", ["team", "invitations", "--all", "-o", "ndjson", *ADA]),
    ("invoice", ["billing", "invoices", "--all", "-o", "json", *ADA]),
    ("orders", ["order", "list", "--all", "-o", "ndjson", *ADA]),
    ("member", ["team", "list", "--all", "-o", "csv", *ADA]),
    ("reward_entry", ["rewards", "history", "--all", "-o", "tsv", *ADA]),
    ("freelancer", ["freelancer", "list", "--all", "-o", "json"]),
    ("account", ["account", "list", "--all", "-o", "markdown", "--as", "support", "--reason", "t"]),
]
#: Columns made unique per copy (a prefix with the copy's number).
UNIQUE = {
    "invitation": ("email", "token"),
    "member": ("email",),
    "freelancer": ("username",),
    "account": ("slug",),
}


class _Counted(io.TextIOBase):
    """stdout that counts its lines and keeps nothing."""

    def __init__(self) -> None:
        self.lines = 0

    def write(self, written: str) -> int:
        self.lines += written.count("\n")
        return len(written)


def _run(args: list[str]) -> tuple[int, int]:
    """Run ``fpctl ARGS`` in-process: its peak of traced memory and its lines of output."""
    from fpctl.cli.main import run

    out, saved = _Counted(), sys.stdout
    sys.stdout = out
    tracemalloc.start()
    try:
        assert run(args) == 0, f"fpctl {' '.join(args)} failed"
        return tracemalloc.get_traced_memory()[1], out.lines
    finally:
        tracemalloc.stop()
        sys.stdout = saved


def _grow(engine: Engine, table: str, rows: int) -> None:
    """Copies of the table's first row until it holds ``rows`` rows (one statement)."""
    from sqlmodel import SQLModel

    columns = [c.name for c in SQLModel.metadata.tables[table].columns]
    unique = UNIQUE.get(table, ())
    with engine.begin() as connection:
        have, last = connection.execute(text(f"SELECT count(*), max(id) FROM {table}")).one()
        copy = f"'c' || (n.i + {last}) || '-' || src."
        values = [
            f"n.i + {last}" if c == "id" else f'{copy}"{c}"' if c in unique else f'src."{c}"'
            for c in columns
        ]
        named = ", ".join(f'"{c}"' for c in columns)
        connection.execute(
            text(
                f"INSERT INTO {table} ({named}) "
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :more) "
                f"SELECT {', '.join(values)} FROM n CROSS JOIN {table} AS src "
                f"WHERE src.id = (SELECT min(id) FROM {table})"
            ),
            {"more": rows - have},
        )


@pytest.fixture
def one_of_each(cli: Cli, shop: dict[str, int]) -> None:
    """An order placed and completed (an invoice, a ledger entry, a reward entry) beside the
    shop's members, invitations, freelancers and account."""
    steps = [
        ["order", "place", "--freelancer", "lena", "--service", "1", *ADA],
        ["order", "requirements", "1", "A fox", *ADA],
        ["order", "deliver", "1", "--as", "@lena"],
        ["order", "accept", "1", *ADA],
    ]
    for step in steps:
        assert cli(*step).exit_code == 0, step


def _peaks(
    engine: Engine, rows: int, run: Callable[[list[str]], tuple[int, int]]
) -> dict[str, Any]:
    for table, _ in LISTS:
        _grow(engine, table, rows)
    peaks = {}
    for table, args in LISTS:
        peak, lines = run(args)
        assert lines >= rows, f"{' '.join(args)}: {lines} lines for {rows} rows"
        peaks[table] = peak
    return peaks


def test_every_all_list_streams(one_of_each: None, engine: Engine) -> None:
    for _, args in LISTS:  # imports and compiled statements are not what is measured
        _run(args)
    small = _peaks(engine, SMALL, _run)
    big = _peaks(engine, BIG, _run)
    grown = {
        " ".join(args[:5]): f"{small[table] / 1024:.0f} KiB → {big[table] / 1024:.0f} KiB"
        for table, args in LISTS
        if big[table] > small[table] * MARGIN
    }
    assert not grown, f"peak memory grew with the rows ({SMALL} → {BIG}): {grown}"


def test_the_check_catches_a_list_held_in_memory(one_of_each: None, engine: Engine) -> None:
    """The same measure fails a list read whole (``list(...)`` of its rows) first."""
    from fpctl.services import listing

    def materialised(args: list[str]) -> tuple[int, int]:
        real = listing.Listing.__iter__

        def whole(self: Any) -> Any:
            return iter(list(real(self)))

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(listing.Listing, "__iter__", whole)
            return _run(args)

    ledger = [LISTS[0]]
    args = ledger[0][1]
    materialised(args)
    _grow(engine, "ledger_entry", SMALL)
    small = materialised(args)[0]
    _grow(engine, "ledger_entry", BIG)
    big = materialised(args)[0]
    assert big > small * MARGIN


def test_a_table_reads_one_page_and_counts_the_rest(
    one_of_each: None, engine: Engine, cli: Cli
) -> None:
    """`order list` as a table reads `LIMIT 51` and counts the rest with one COUNT(*) (never
    every row), and says so as it always did; a page that holds every row counts nothing."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine as AnyEngine

    _grow(engine, "orders", 120)

    def statements(*args: str) -> tuple[Any, list[str]]:
        seen: list[str] = []

        def on_orders(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            if "FROM orders" in statement:
                seen.append(" ".join(statement.split()))

        event.listen(AnyEngine, "before_cursor_execute", on_orders)
        try:
            return cli(*args), seen
        finally:
            event.remove(AnyEngine, "before_cursor_execute", on_orders)

    shown, read = statements("order", "list", *ADA)
    assert shown.exit_code == 0
    assert shown.stdout.count("│ Logo") == 50
    assert shown.stderr == (
        "70 more rows not shown (use --all, --limit N, or -o json/csv for everything)\n"
    )
    assert len([s for s in read if "count(*)" in s]) == 1, read
    assert all("LIMIT" in s or "count(*)" in s for s in read), read

    whole, read = statements("order", "list", *ADA, "--limit", "120")
    assert whole.stdout.count("│ Logo") == 120
    assert whole.stderr == ""
    assert not [s for s in read if "count(*)" in s], read
