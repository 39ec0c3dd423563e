"""The queries migration 0008's indexes serve, timed in SQLite alone, with and without them.

    python bench/order_indexes.py                  # 10,000, 100,000 and 1,000,000 orders
    python bench/order_indexes.py --sizes 10000

One store per size holds that many orders of one account, all completed in the last year
(copies of one order made through fpctl, as bench/lists.py makes them). Each query is the
shape fpctl sends (`order list`'s first page and its COUNT(*); the rewards' 365-day window
read on every acceptance), run through the stdlib ``sqlite3`` on the store as 0008 leaves
it and on a copy with 0007's indexes (``ix_orders_account_completed`` instead of the two
new ones): median milliseconds of ``--repeat`` runs, and the plan SQLite chose. Never a
pass/fail test (tests/store/test_query_plans.py checks the plans).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from lists import HERE_SRC, build  # bench/ is the script's directory

COLUMNS = "orders.*"
QUERIES = {
    "first page": f"SELECT {COLUMNS} FROM orders WHERE orders.account_id = ? "
    "ORDER BY orders.id LIMIT ? OFFSET ?",
    "its count(*)": f"SELECT count(*) FROM (SELECT {COLUMNS} FROM orders "
    "WHERE orders.account_id = ?) AS anon_1",
    "365-day window": "SELECT coalesce(sum(orders.paid_cents - orders.refunded_cents), ?), "
    "min(orders.completed_at), coalesce(sum(CASE WHEN (orders.id = ?) "
    "THEN orders.paid_cents - orders.refunded_cents ELSE ? END), ?) FROM orders "
    "WHERE orders.account_id = ? AND orders.completed_at > ? AND orders.completed_at <= ?",
}
PARAMETERS = {
    "first page": (1, 51, 0),
    "its count(*)": (1,),
    "365-day window": (0, 1, 0, 0, 1, "2025-11-01 10:00:00.000000", "2026-11-01 10:00:00.000000"),
}


def as_at_0007(db: Path) -> Path:
    old = db.with_name(f"{db.stem}-0007.db")
    with sqlite3.connect(db) as source, sqlite3.connect(old) as copy:
        source.backup(copy)  # with what the -wal file holds
    with sqlite3.connect(old) as store:
        store.execute("DROP INDEX ix_orders_account_id")
        store.execute("DROP INDEX ix_orders_account_spend")
        store.execute(
            "CREATE INDEX ix_orders_account_completed ON orders (account_id, completed_at)"
        )
    return old


def timed(db: Path, name: str, repeat: int) -> tuple[float, str]:
    with sqlite3.connect(db) as store:
        plan = store.execute(f"EXPLAIN QUERY PLAN {QUERIES[name]}", PARAMETERS[name]).fetchall()
        seen = []
        for _ in range(repeat):
            start = time.perf_counter()
            store.execute(QUERIES[name], PARAMETERS[name]).fetchall()
            seen.append(time.perf_counter() - start)
    return statistics.median(seen) * 1000, "; ".join(row[-1] for row in plan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=21)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for rows in options.sizes:
            new = build(Path(folder), rows, ("orders",), HERE_SRC)
            old = as_at_0007(new)
            print(f"\n{rows:,} orders of one account, median of {options.repeat}:")
            for name in QUERIES:
                for label, db in (("0007", old), ("0008", new)):
                    ms, plan = timed(db, name, options.repeat)
                    print(f"  {name:<15} {label}  {ms:8.2f} ms   {plan}")


if __name__ == "__main__":
    main()
