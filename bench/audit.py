"""The audit trail at a million rows: list, verify and check, against sqlite-utils.

    python bench/audit.py                    # 1,000,000 records; 3 runs of each, alternated
    python bench/audit.py --records 200000 --runs 5
    python bench/audit.py --memory-only      # db check peak RSS at 10k and 100k records
    python bench/audit.py --profile verify   # + a pyinstrument profile of one run

The stores are built once (not timed) and kept in ``--folder`` (default: the system's temp
folder) for the next run: a small real store made by fpctl (an account, a freelancer, a
card), then ``--records`` audit records appended straight with sqlite3, a valid hash chain
(domain/chain.py's digest), every other one a deposit whose ledger row the record covers (the
money seal), so that `db check` passes and every check has rows to read.

Then, alternated run by run, whole processes, medians:

- `fpctl audit list --all -o ndjson` against `sqlite-utils query DB "select …" --nl` of the
  same rows (the records joined to their account's slug): the ratio (goal at most 1.2x);
- `fpctl audit verify` and `fpctl db check`: seconds (goals ≤ 4 s and ≤ 5 s at 1M);
- `fpctl db check` peak RSS at 100,000 records ÷ at 10,000 (goal at most 1.2x: it streams).

Run it with ``PYTHONPATH=/other/checkout/src`` to measure another checkout's fpctl on the
same stores. Prints figures; never a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from orders import BIN, env_for, prepare

from fpctl.domain.chain import covers, digest

SLUG = "bench"
START = datetime(2025, 1, 1, tzinfo=UTC)
LIST_SQL = (
    "SELECT r.id, r.at, r.actor, r.actor_kind, r.agent, r.action, r.target, a.slug AS account, "
    "r.reason, r.changes, r.prev_hash, r.hash FROM audit_record r "
    "LEFT JOIN account a ON a.id = r.account_id ORDER BY r.id"
)


def canonical(changes: dict[str, object]) -> str:
    return json.dumps(changes, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def stored(at: datetime) -> str:
    """An instant as SQLAlchemy keeps it in SQLite (naive UTC, microseconds)."""
    return at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def build(db: Path, records: int) -> None:
    """A store with ``records`` audit records in all (see the module's docstring)."""
    partial = db.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    prepare(partial)
    with sqlite3.connect(partial) as store:
        account_id, balance, credits = store.execute(
            "SELECT id, balance_cents, credits_cents FROM account WHERE slug = ?", (SLUG,)
        ).fetchone()
        last_id, last_hash = store.execute(
            "SELECT id, hash FROM audit_record ORDER BY id DESC LIMIT 1"
        ).fetchone()
        entry_id = store.execute("SELECT coalesce(max(id), 0) FROM ledger_entry").fetchone()[0]
        audit_rows: list[tuple[object, ...]] = []
        ledger_rows: list[tuple[object, ...]] = []
        for record_id in range(last_id + 1, records + 1):
            at = START + timedelta(seconds=record_id // 3)
            record: dict[str, object] = {
                "id": record_id,
                "at": at,  # stored as text below, once its digest is taken
                "account_id": account_id,
                "actor": "admin@bench.test",
                "actor_kind": "member",
                "agent": "bench",
                "reason": None,
                "prev_hash": last_hash,
                "covers": None,
            }
            if record_id % 2 == 0:
                entry_id += 1
                entry = (entry_id, account_id, at, "deposit", None, None, None, 0, 100,
                         0, credits, balance + 100, "Deposit")  # fmt: skip
                record |= {
                    "action": "billing.deposit",
                    "target": f"account:{SLUG}",
                    "changes": canonical({"balance_cents": [balance, balance + 100]}),
                    "covers": covers({"ledger_entry": [entry]}),
                }
                balance += 100
                ledger_rows.append((*entry[:2], stored(at), *entry[3:]))
            else:
                email = (
                    f"person{record_id}@bench.test" if record_id % 7 else f"zoë{record_id}@例え.jp"
                )
                record |= {
                    "action": "team.invite",
                    "target": f"invitation:{record_id}",
                    "changes": canonical({"email": [None, email], "role": [None, "member"]}),
                }
            last_hash = digest(record)
            record["at"] = stored(at)
            audit_rows.append((*record.values(), last_hash))
        store.executemany(
            "INSERT INTO ledger_entry (id, account_id, at, kind, order_id, invoice_id, "
            "payment_method_id, credits_cents, balance_cents, method_cents, "
            "credits_after_cents, balance_after_cents, description) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            ledger_rows,
        )
        store.execute("UPDATE account SET balance_cents = ? WHERE id = ?", (balance, account_id))
        store.executemany(
            "INSERT INTO audit_record (id, at, account_id, actor, actor_kind, agent, reason, "
            "prev_hash, covers, action, target, changes, hash) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            audit_rows,
        )
    with sqlite3.connect(partial) as store:
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    partial.replace(db)
    for leftover in db.parent.glob(f"{partial.name}-*"):
        leftover.unlink()


def store_of(folder: Path, records: int) -> Path:
    db = folder / f"fpctl-bench-audit-{records}.db"
    if not db.exists():
        started = time.perf_counter()
        print(f"building a store of {records:,} audit records …", file=sys.stderr)
        build(db, records)
        print(f"  built in {time.perf_counter() - started:.0f} s (not timed)", file=sys.stderr)
    return db


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """One whole process: wall seconds, CPU seconds (user + system: what the process did,
    whatever else the machine was running) and peak RSS (MiB); its output to /dev/null."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        sys.exit(f"{' '.join(argv[:4])} exited {code}: {error.strip()[-800:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def fpctl(*args: str) -> list[str]:
    return [str(BIN / "fpctl"), *args]


def bench_speed(db: Path, runs: int) -> None:
    env = env_for(db)
    cases = {
        "fpctl audit list --all -o ndjson": fpctl("audit", "list", "--all", "-o", "ndjson"),
        "sqlite-utils query --nl": [str(BIN / "sqlite-utils"), "query", str(db), LIST_SQL, "--nl"],
        "fpctl audit verify": fpctl("audit", "verify", "-q"),
        "fpctl db check": fpctl("db", "check", "-q"),
    }
    wall: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, argv in cases.items():
            seconds, used, _ = run(argv, env)
            wall[name].append(seconds)
            cpu[name].append(used)
    median = {name: statistics.median(values) for name, values in wall.items()}
    used = {name: statistics.median(values) for name, values in cpu.items()}
    records = sqlite3.connect(db).execute("SELECT count(*) FROM audit_record").fetchone()[0]
    print(f"{records:,} audit records, median of {runs} alternated runs (wall, CPU):")
    for name in cases:
        runs_ = ", ".join(f"{w:.2f}/{c:.2f}" for w, c in zip(wall[name], cpu[name], strict=True))
        print(f"  {name:<36} {median[name]:7.2f} s  {used[name]:7.2f} s CPU   ({runs_})")
    for label, figures in (("wall", median), ("CPU", used)):
        ratio = figures["fpctl audit list --all -o ndjson"] / figures["sqlite-utils query --nl"]
        print(f"  audit list ÷ sqlite-utils query ({label}): {ratio:5.2f}×   (goal ≤ 1.2×)")
    print(f"  audit verify: {median['fpctl audit verify']:.2f} s (goal ≤ 4 s at 1M); "
          f"db check: {median['fpctl db check']:.2f} s (goal ≤ 5 s at 1M)")  # fmt: skip


def bench_memory(folder: Path, runs: int) -> None:
    peaks: dict[int, list[float]] = {10_000: [], 100_000: []}
    dbs = {size: store_of(folder, size) for size in peaks}
    for _ in range(runs):
        for size, db in dbs.items():
            peaks[size].append(run(fpctl("db", "check", "-q"), env_for(db))[2])
    small, large = (statistics.median(peaks[size]) for size in peaks)
    print(
        f"db check peak RSS: 10,000 records {small:.1f} MiB, 100,000 records {large:.1f} MiB: "
        f"{large / small:.2f}× (goal ≤ 1.2×)"
    )


def profile(db: Path, what: str) -> None:
    args = {"verify": ["audit", "verify", "-q"], "check": ["db", "check", "-q"],
            "list": ["audit", "list", "--all", "-o", "ndjson"]}[what]  # fmt: skip
    pyinstrument = shutil.which("pyinstrument", path=str(BIN))
    argv = [str(pyinstrument), "-m", "fpctl", *args]
    env = env_for(db)
    with tempfile.TemporaryFile() as sink:
        result = subprocess.run(argv, env=env, stdout=sink, stderr=subprocess.PIPE, check=False)
    print(result.stderr.decode()[-6000:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--memory-only", action="store_true")
    parser.add_argument("--profile", choices=["verify", "check", "list"])
    options = parser.parse_args()
    if not options.memory_only:
        db = store_of(options.folder, options.records)
        if options.profile:
            profile(db, options.profile)
        bench_speed(db, options.runs)
    bench_memory(options.folder, options.runs)


if __name__ == "__main__":
    main()
