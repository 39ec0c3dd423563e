"""Order benchmark: place and complete orders through `fpctl batch`, and stream big lists.

    python bench/orders.py                 # 10,000 orders placed and completed; lists of
                                           # 1,000 and 100,000 orders
    python bench/orders.py --orders 2000 --sizes 1000 10000
    python bench/orders.py --vs floor --rounds 3   # the batch only: CPU ms a command,
                                                   # against a stdlib floor, alternated

Part 1 — one `fpctl batch FILE` process runs, per order, `order place`, `order
requirements`, `order deliver` (as the freelancer) and `order accept`: four commands and
every rule (policies, payment with an invoice and a ledger row, audit) in one transaction.
Prints the wall time, orders per second, the process's CPU time per command (user + system,
from os.wait4, start-up included) and its peak RSS.

``--vs floor`` runs, alternately on fresh copies of the same prepared store, the batch and
FLOOR: a stdlib ``sqlite3`` script that writes the same rows (the order, its invoice, ledger
row and points entry, the account's points) and the same hash-chained audit records (five an
order, canonical JSON and SHA-256, ``covers`` sealing the money rows) in one transaction, with
no rule checked and nothing printed. Medians of ``--rounds`` runs, and the ratio.

Part 2 — `fpctl order list -o ndjson` over stores of each size (orders written directly
with SQL: building them is not what is measured). Prints seconds, rows per second and the
peak RSS of each process: the goal (issue 3) is memory flat in rows. Never a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
NOW = "2026-11-01T10:00:00Z"
ADMIN = "admin@bench.test"
PREPARED_RECORDS = 4  # the account, the freelancer, its service, the card

#: The floor: the rows and audit records of each order's four commands, written with the
#: standard library in one transaction (argv: the prepared store, the number of orders).
FLOOR = r"""
import hashlib, json, sqlite3, sys

db = sqlite3.connect(sys.argv[1], isolation_level=None)
orders = int(sys.argv[2])
AT = "2026-11-01 10:00:00.000000"
AT_ISO = "2026-11-01T10:00:00Z"
ADMIN, FREELANCER = "admin@bench.test", "@lena"


def dumps(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def covers(table, row):
    line = dumps([table, *[AT_ISO if v == AT else v for v in row]]) + "\n"
    sha = hashlib.sha256(line.encode()).hexdigest()
    return dumps({table: [[row[0], row[0]]], "sha256": sha})


db.execute("BEGIN IMMEDIATE")
head = "SELECT id, hash FROM audit_record ORDER BY id DESC LIMIT 1"
last_id, last_hash = db.execute(head).fetchone()
points = db.execute("SELECT points FROM account WHERE id = 1").fetchone()[0]
spend, tier = 0, "silver"  # the prepared account has no completed order
RATE = {"silver": 1, "gold": 2, "platinum": 3}


def audit(actor, kind, action, target, changes, sealed=None):
    global last_id, last_hash
    last_id += 1
    changes = dumps(dict(sorted(changes.items())))
    content = [last_id, AT_ISO, 1, actor, kind, "bench", None, action, target, changes, last_hash]
    if sealed is not None:
        content.append(sealed)
    digest = hashlib.sha256(dumps(content).encode()).hexdigest()
    db.execute(
        "INSERT INTO audit_record (id, at, account_id, actor, actor_kind, agent, reason, action, "
        "target, changes, prev_hash, covers, hash) VALUES (?, ?, 1, ?, ?, 'bench', NULL, ?, ?, "
        "?, ?, ?, ?)",
        (last_id, AT, actor, kind, action, target, changes, last_hash, sealed, digest),
    )
    last_hash = digest


for _ in range(orders):
    order = db.execute(
        "INSERT INTO orders (account_id, freelancer_id, service_id, title, kind, status, "
        "placed_by_id, placed_by, project_id, quantity, unit_price_cents, total_cents, "
        "paid_cents, paid_credits_cents, refunded_cents, revisions_included, revisions_used, "
        "shared, created_at, updated_at) VALUES (1, 1, 1, 'Logo', 'fixed', "
        "'awaiting_requirements', 1, ?, 1, 1, 10000, 10000, 0, 0, 0, 0, 0, 0, ?, ?)",
        (ADMIN, AT, AT),
    ).lastrowid
    invoice = db.execute(
        "INSERT INTO invoice (account_id, kind, purpose, order_id, description, amount_cents, "
        "credits_cents, balance_cents, method_cents, payment_method, billed_to, issued_at) "
        "VALUES (1, 'invoice', 'order', ?, ?, 10000, 0, 0, 10000, 'card *4242', '{}', ?)",
        (order, f"order {order}: Logo", AT),
    ).lastrowid
    ledger = (None, 1, AT, "charge", order, invoice, 1, 0, 0, 10000, 0, 0, f"order {order}: Logo")
    ledger_id = db.execute(
        "INSERT INTO ledger_entry (account_id, at, kind, order_id, invoice_id, "
        "payment_method_id, credits_cents, balance_cents, method_cents, credits_after_cents, "
        "balance_after_cents, description) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ledger[1:],
    ).lastrowid
    db.execute("UPDATE orders SET paid_cents = 10000 WHERE id = ?", (order,))
    placed = {"freelancer": [None, FREELANCER], "kind": [None, "fixed"], "project_id": [None, 1],
              "status": [None, "awaiting_requirements"], "total_cents": [None, 10000]}
    audit(ADMIN, "member", "order.place", f"order:{order}", placed,
          covers("ledger_entry", (ledger_id, *ledger[1:])))
    db.execute(
        "UPDATE orders SET status = 'in_progress', requirements = 'A fox logo', "
        "requirements_at = ? WHERE id = ?", (AT, order))
    audit(ADMIN, "member", "order.requirements", f"order:{order}",
          {"status": ["awaiting_requirements", "in_progress"]})
    db.execute(
        "UPDATE orders SET status = 'delivered', delivered_at = ?, auto_complete_at = ? "
        "WHERE id = ?", (AT, "2026-11-04 10:00:00.000000", order))
    audit(FREELANCER, "freelancer", "order.deliver", f"order:{order}",
          {"status": ["in_progress", "delivered"]})
    db.execute(
        "UPDATE orders SET status = 'completed', auto_complete_at = NULL, completed_at = ? "
        "WHERE id = ?", (AT, order))
    audit(ADMIN, "member", "order.accept", f"order:{order}",
          {"status": ["delivered", "completed"]})
    earned = 100 * RATE[tier]
    points += earned
    db.execute("UPDATE account SET points = ? WHERE id = 1", (points,))
    reward = (None, 1, AT, "order", earned, points, tier, order, None, None, None, None, ADMIN,
              f"order {order} completed: $100.00 at {tier}")
    reward_id = db.execute(
        'INSERT INTO reward_entry (account_id, at, kind, points, points_after, tier, order_id, '
        'invoice_id, reward, charity, value_cents, "by", description) '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", reward[1:]).lastrowid
    audit(ADMIN, "member", "rewards.earn", "account:bench",
          {"order_id": [None, order], "points": [points - earned, points]},
          covers("reward_entry", (reward_id, *reward[1:])))
    spend += 10000
    now_tier = "platinum" if spend >= 500_000 else "gold" if spend >= 100_000 else "silver"
    if now_tier != tier:
        audit(ADMIN, "member", "rewards.tier", "account:bench", {"tier": [tier, now_tier]})
        tier = now_tier
    review = None if tier == "silver" else "2027-11-01 10:00:00.000000"
    db.execute("UPDATE account SET tier = ?, tier_review_at = ? WHERE id = 1", (tier, review))
db.execute("COMMIT")
"""


def env_for(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FPCTL_")}
    return env | {"FPCTL_DB": str(db), "FPCTL_NOW": NOW, "NO_COLOR": "1", "FPCTL_AGENT": "bench"}


def fpctl(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "fpctl"), *args], env=env, check=True, stdout=subprocess.DEVNULL)


@dataclass(frozen=True)
class Run:
    seconds: float  # wall
    cpu: float  # user + system seconds of the process
    rss: float  # peak, MiB


def measure(argv: list[str], env: dict[str, str]) -> Run:
    """Run one process to the end: its wall and CPU seconds and its peak RSS."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        sys.exit(f"{' '.join(argv[:3])} failed: {error.strip()[:500]}")
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)  # KiB


def prepare(db: Path, url: str | None = None, src: str | None = None) -> dict[str, str]:
    """An account with a card, and a freelancer with one service (id 1), not timed; on the
    server database ``url`` names instead of the file ``db`` when given; by the code at
    ``src`` when given."""
    env = env_for(db) | ({"FPCTL_DATABASE_URL": url} if url else {})
    env |= {"PYTHONPATH": src} if src else {}
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


COMMANDS_PER_ORDER = 4


def run_batch(db: Path, script: Path, env: dict[str, str], orders: int) -> Run:
    run = measure([str(BIN / "fpctl"), "batch", str(script), "-q"], env)
    check_done(db, orders)
    return run


def check_done(db: Path, orders: int) -> None:
    with sqlite3.connect(db) as check:
        done = check.execute("SELECT count(*) FROM orders WHERE status = 'completed'").fetchone()
        records = check.execute("SELECT count(*) FROM audit_record").fetchone()
    assert done[0] == orders, f"{done[0]} of {orders} orders completed"
    tiers = (orders >= 10) + (orders >= 50)  # $100 an order: gold at $1,000, platinum at $5,000
    assert records[0] == PREPARED_RECORDS + 5 * orders + tiers, f"{records[0]} audit records"


def audit_head(db: Path) -> str:
    """The last audit record's hash: the floor writes the very records the batch writes."""
    with sqlite3.connect(db) as check:
        return str(check.execute("SELECT max(id), hash FROM audit_record").fetchone()[1])


def per_command(run: Run, orders: int) -> float:
    """CPU milliseconds a command (start-up included, spread over every command)."""
    return run.cpu * 1000 / (orders * COMMANDS_PER_ORDER)


def bench_lifecycle(folder: Path, orders: int) -> None:
    db = folder / "lifecycle.db"
    env = prepare(db)
    script = folder / "lifecycle.txt"
    lifecycle_batch(script, orders)
    run = run_batch(db, script, env, orders)
    print(
        f"place+complete {orders:>7,} orders via batch: {run.seconds:7.2f} s  "
        f"{orders / run.seconds:8,.0f} orders/s  CPU {per_command(run, orders):5.2f} ms a "
        f"command  peak RSS {run.rss:6.1f} MiB"
    )


def versus_floor(folder: Path, orders: int, rounds: int) -> None:
    """The batch and FLOOR alternated on fresh copies of one prepared store: medians."""
    prepared = folder / "prepared.db"
    env = prepare(prepared)
    script = folder / "lifecycle.txt"
    lifecycle_batch(script, orders)
    floor_script = folder / "floor.py"
    floor_script.write_text(FLOOR)
    runs: dict[str, list[Run]] = {"fpctl batch": [], "floor": []}
    heads: set[str] = set()
    for number in range(rounds):
        for name, found in runs.items():
            db = folder / f"{name.replace(' ', '-')}-{number}.db"
            shutil.copyfile(prepared, db)
            if name == "floor":
                run = measure([sys.executable, str(floor_script), str(db), str(orders)], env)
                check_done(db, orders)
            else:
                run = run_batch(db, script, env_for(db), orders)
            found.append(run)
            heads.add(audit_head(db))
            db.unlink()
    assert len(heads) == 1, f"the audit trails differ: {heads}"
    commands = orders * COMMANDS_PER_ORDER
    print(f"{orders:,} orders, {commands:,} commands, median of {rounds} (alternated):")
    cpu = {
        name: statistics.median(per_command(run, orders) for run in found)
        for name, found in runs.items()
    }
    for name, found in runs.items():
        wall = statistics.median(r.seconds for r in found)
        print(f"  {name:<12} CPU {cpu[name]:7.3f} ms a command   wall {wall:7.2f} s")
    print(f"  ratio (CPU a command): {cpu['fpctl batch'] / cpu['floor']:.1f}x the floor")


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
        run = measure(argv, env)
        print(
            f"order list -o ndjson {rows:>9,} rows: {run.seconds:7.2f} s  "
            f"{rows / run.seconds:9,.0f} rows/s  peak RSS {run.rss:6.1f} MiB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument(
        "--vs", choices=["floor"], help="the batch only, against the stdlib floor, alternated"
    )
    parser.add_argument("--rounds", type=int, default=3, help="runs of each (with --vs)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if options.vs == "floor":
            versus_floor(Path(folder), options.orders, options.rounds)
            return
        bench_lifecycle(Path(folder), options.orders)
        bench_list(Path(folder), options.sizes)


if __name__ == "__main__":
    main()
