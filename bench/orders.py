"""Order benchmark: place and complete orders through `fpctl batch`, and stream big lists.

    python bench/orders.py                 # 10,000 orders placed and completed; lists of
                                           # 1,000 and 100,000 orders
    python bench/orders.py --orders 2000 --sizes 1000 10000

Part 1 — one `fpctl batch FILE` process runs, per order, `order place`, `order
requirements`, `order deliver` (as the freelancer) and `order accept`: four commands and
every rule (policies, payment with an invoice and a ledger row, audit) in one transaction.
Prints the wall time, orders per second and the process's peak RSS.

Part 2 — `fpctl order list -o ndjson` over stores of each size (orders written directly
with SQL: building them is not what is measured). Prints seconds, rows per second and the
peak RSS of each process: the goal (issue 3) is memory flat in rows. Never a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
NOW = "2026-11-01T10:00:00Z"
ADMIN = "admin@bench.test"


def env_for(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FPCTL_")}
    return env | {"FPCTL_DB": str(db), "FPCTL_NOW": NOW, "NO_COLOR": "1", "FPCTL_AGENT": "bench"}


def fpctl(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "fpctl"), *args], env=env, check=True, stdout=subprocess.DEVNULL)


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run one process to the end: wall seconds and its peak RSS in MiB."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        sys.exit(f"{' '.join(argv[:3])} failed: {error.strip()[:500]}")
    return elapsed, usage.ru_maxrss / 1024  # KiB on Linux


def prepare(db: Path, url: str | None = None) -> dict[str, str]:
    """An account with a card, and a freelancer with one service (id 1), not timed; on the
    server database ``url`` names instead of the file ``db`` when given."""
    env = env_for(db) | ({"FPCTL_DATABASE_URL": url} if url else {})
    support = ["--as", "support", "--reason", "bench"]
    fpctl(env, "account", "create", "Bench", "--admin", ADMIN, "--slug", "bench")
    fpctl(env, "freelancer", "add", "lena", "--pro", *support)
    fpctl(env, "freelancer", "service", "add", "lena", "Logo", "--price", "100", *support)
    card = ["--card", "4242424242424242", "--expiry", "12/30"]
    fpctl(env, "billing", "payment-method", "add", *card, "--as", ADMIN)
    return env


def lifecycle_batch(path: Path, orders: int) -> None:
    with path.open("w") as out:
        for order_id in range(1, orders + 1):
            out.write(f"order place --freelancer lena --service 1 --as {ADMIN} -o json\n")
            out.write(f"order requirements {order_id} 'A fox logo' --as {ADMIN} -o json\n")
            out.write(f"order deliver {order_id} --as @lena -o json\n")
            out.write(f"order accept {order_id} --as {ADMIN} -o json\n")


def bench_lifecycle(folder: Path, orders: int) -> None:
    db = folder / "lifecycle.db"
    env = prepare(db)
    script = folder / "lifecycle.txt"
    lifecycle_batch(script, orders)
    seconds, rss = measure([str(BIN / "fpctl"), "batch", str(script), "-q"], env)
    with sqlite3.connect(db) as check:
        done = check.execute("SELECT count(*) FROM orders WHERE status = 'completed'").fetchone()
    assert done[0] == orders, f"{done[0]} of {orders} orders completed"
    print(
        f"place+complete {orders:>7,} orders via batch: {seconds:7.2f} s  "
        f"{orders / seconds:8,.0f} orders/s  peak RSS {rss:6.1f} MiB"
    )


def fill(db: Path, rows: int) -> None:
    """``rows`` completed orders written straight into the store."""
    with sqlite3.connect(db) as store:
        stamp = "2026-10-01 10:00:00.000000"
        store.executemany(
            "INSERT INTO orders (account_id, freelancer_id, service_id, title, kind, status, "
            "placed_by_id, placed_by, project_id, quantity, unit_price_cents, total_cents, "
            "paid_cents, paid_credits_cents, refunded_cents, revisions_included, "
            "revisions_used, shared, created_at, updated_at, completed_at) VALUES "
            "(1, 1, 1, 'Logo', 'fixed', 'completed', 1, ?, 1, 1, 10000, 10000, 10000, 0, 0, "
            "0, 0, 0, ?, ?, ?)",
            ((ADMIN, stamp, stamp, stamp) for _ in range(rows)),
        )


def bench_list(folder: Path, sizes: list[int]) -> None:
    for rows in sizes:
        db = folder / f"list-{rows}.db"
        env = prepare(db)
        fill(db, rows)
        argv = [str(BIN / "fpctl"), "order", "list", "--account", "bench", "-o", "ndjson"]
        seconds, rss = measure(argv, env)
        print(
            f"order list -o ndjson {rows:>9,} rows: {seconds:7.2f} s  "
            f"{rows / seconds:9,.0f} rows/s  peak RSS {rss:6.1f} MiB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bench_lifecycle(Path(folder), options.orders)
        bench_list(Path(folder), options.sizes)


if __name__ == "__main__":
    main()
