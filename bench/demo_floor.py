"""The floor under `fpctl demo seed`: the same rows written by a stdlib ``executemany``
per table, with the audit trail's hash chain computed again (``domain/chain.digest``), in
one transaction. It reads a store the demo seeded and writes every row of it into an empty
store of the same schema; what a bulk demo seed could not go under.

    python bench/demo_floor.py STORE.db     # a store `fpctl demo seed` made

Prints the rows written, the seconds, and the seconds per 1,000 orders.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from fpctl.domain.chain import GENESIS, HASHED_FIELDS, digest


def main() -> None:
    source = sqlite3.connect(sys.argv[1])
    tables = [
        name
        for (name,) in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
        )
        if name != "sqlite_sequence"
    ]
    contents = {name: source.execute(f'SELECT * FROM "{name}"').fetchall() for name in tables}
    columns = {
        name: [row[1] for row in source.execute(f'PRAGMA table_info("{name}")')] for name in tables
    }
    schema = [
        sql for (sql,) in source.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")
    ]
    orders = len(contents.get("orders", []))
    with tempfile.TemporaryDirectory(prefix="fpctl-demo-floor-") as scratch:
        target = sqlite3.connect(Path(scratch) / "floor.db", isolation_level=None)
        target.execute("PRAGMA journal_mode=WAL")
        target.execute("PRAGMA synchronous=NORMAL")
        target.execute("PRAGMA foreign_keys=ON")
        for sql in schema:
            target.execute(sql)
        started = time.perf_counter()
        target.execute("BEGIN")
        target.execute("PRAGMA defer_foreign_keys=ON")  # checked at the commit
        written = 0
        for name in tables:
            rows = contents[name]
            if name == "audit_record":
                rows = _chained(columns[name], rows)
            marks = ", ".join("?" * len(columns[name]))
            target.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
            written += len(rows)
        target.execute("COMMIT")
        seconds = time.perf_counter() - started
    print(
        f"{written:,} rows ({orders:,} orders) in {seconds:.2f} s: "
        f"{seconds / max(orders, 1) * 1000:.3f} s per 1,000 orders"
    )


def _chained(names: list[str], rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """The audit rows with every hash computed again, in order (as the seed would)."""
    out = []
    previous = GENESIS
    at = names.index("at")
    for row in rows:
        record = dict(zip(names, row, strict=True))
        record["at"] = datetime.fromisoformat(str(row[at]))
        record["prev_hash"] = previous
        hashed = digest({key: record[key] for key in (*HASHED_FIELDS, "covers")})
        assert hashed == record["hash"], "the chain differs from the store's"
        previous = hashed
        out.append(row)
    return out


if __name__ == "__main__":
    main()
