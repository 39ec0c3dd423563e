"""The audit trail at a million rows: list, verify and check, against sqlite-utils.

    python bench/audit.py                    # 1,000,000 records; 3 runs of each, alternated
    python bench/audit.py --records 200000 --runs 5
    python bench/audit.py --memory-only      # db check peak RSS at 10k and 100k records
    python bench/audit.py --profile verify   # + a pyinstrument profile of one run
    python bench/audit.py --before /work/main/src   # + main's fpctl, alternated with this one
    python bench/audit.py --only verify check       # these commands alone (no memory figures)
    python bench/audit.py --only verify check --split   # + CPU of fpctl's own process apart

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
CHUNK = 20_000
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
            if len(audit_rows) == CHUNK:  # a few MiB at a time: the bench stays small
                write_rows(store, ledger_rows, audit_rows)
        write_rows(store, ledger_rows, audit_rows)
        store.execute("UPDATE account SET balance_cents = ? WHERE id = ?", (balance, account_id))
    with sqlite3.connect(partial) as store:
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    partial.replace(db)
    for leftover in db.parent.glob(f"{partial.name}-*"):
        leftover.unlink()


def write_rows(
    store: sqlite3.Connection,
    ledger_rows: list[tuple[object, ...]],
    audit_rows: list[tuple[object, ...]],
) -> None:
    """Insert the rows made so far and forget them."""
    store.executemany(
        "INSERT INTO ledger_entry (id, account_id, at, kind, order_id, invoice_id, "
        "payment_method_id, credits_cents, balance_cents, method_cents, "
        "credits_after_cents, balance_after_cents, description) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        ledger_rows,
    )
    store.executemany(
        "INSERT INTO audit_record (id, at, account_id, actor, actor_kind, agent, reason, "
        "prev_hash, covers, action, target, changes, hash) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        audit_rows,
    )
    ledger_rows.clear()
    audit_rows.clear()


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


Case = tuple[list[str], dict[str, str]]
PEER = "sqlite-utils query --nl"


def versions(env: dict[str, str], before: str | None) -> dict[str, dict[str, str]]:
    """This checkout's fpctl and, with ``--before SRC``, the one SRC holds, as environments."""
    found = {"": env}
    if before:
        found = {" (before)": env | {"PYTHONPATH": before}, "": env}
    return found


def alternated(cases: dict[str, Case], runs: int) -> dict[str, list[tuple[float, float, float]]]:
    """Each case once per round, in turn, ``runs`` rounds: (wall, CPU, peak RSS) each."""
    figures: dict[str, list[tuple[float, float, float]]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, (argv, env) in cases.items():
            figures[name].append(run(argv, env))
    return figures


def bench_speed(db: Path, runs: int, before: str | None, only: list[str] | None) -> None:
    peer = [str(BIN / "sqlite-utils"), "query", str(db), LIST_SQL, "--nl"]
    commands = {
        "audit list --all -o ndjson": fpctl("audit", "list", "--all", "-o", "ndjson"),
        "audit verify": fpctl("audit", "verify", "-q"),
        "db check": fpctl("db", "check", "-q"),
    }
    if only:
        commands = {name: argv for name, argv in commands.items() if name.split()[1] in only}
    listing = "audit list --all -o ndjson" in commands
    cases: dict[str, Case] = {PEER: (peer, env_for(db))} if listing else {}
    for name, argv in commands.items():
        for label, env in versions(env_for(db), before).items():
            cases[f"fpctl {name}{label}"] = (argv, env)
    figures = alternated(cases, runs)
    wall = {name: statistics.median(f[0] for f in found) for name, found in figures.items()}
    cpu = {name: statistics.median(f[1] for f in found) for name, found in figures.items()}
    records = sqlite3.connect(db).execute("SELECT count(*) FROM audit_record").fetchone()[0]
    print(f"{records:,} audit records, median of {runs} alternated runs (wall s, CPU s):")
    for name, found in figures.items():
        each = ", ".join(f"{w:.2f}/{c:.2f}" for w, c, _ in found)
        print(f"  {name:<44} {wall[name]:7.2f} {cpu[name]:7.2f}   ({each})")
    for label in versions({}, before) if listing else ():
        name = f"fpctl audit list --all -o ndjson{label}"
        print(
            f"  audit list{label} / sqlite-utils query: {wall[name] / wall[PEER]:.2f}x wall, "
            f"{cpu[name] / cpu[PEER]:.2f}x CPU (goal at most 1.2x)"
        )
    print("  goals at 1M records: audit verify at most 4 s, db check at most 5 s")


def bench_memory(folder: Path, runs: int, before: str | None) -> None:
    sizes = (10_000, 100_000)
    cases: dict[str, Case] = {}
    for size in sizes:
        for label, env in versions(env_for(store_of(folder, size)), before).items():
            cases[f"{size}{label}"] = (fpctl("db", "check", "-q"), env)
    figures = alternated(cases, runs)
    peak = {name: statistics.median(f[2] for f in found) for name, found in figures.items()}
    for label in versions({}, before):
        small, large = peak[f"{sizes[0]}{label}"], peak[f"{sizes[1]}{label}"]
        print(
            f"db check{label} peak RSS: 10,000 records {small:.1f} MiB, 100,000 records "
            f"{large:.1f} MiB: {large / small:.2f}x (goal at most 1.2x)"
        )


#: fpctl in a process that says, as it ends, its own CPU seconds and those of the worker
#: processes it started (the chain's ranges): on an idle machine the wall time is about
#: the larger of its own CPU and the total over the 2 cores.
_SPLIT = """
import atexit, resource, sys
def said():
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"SPLIT {own.ru_utime + own.ru_stime} {workers.ru_utime + workers.ru_stime}",
          file=sys.stderr)
atexit.register(said)
sys.argv = ["fpctl", *sys.argv[1:]]
from fpctl.cli.main import main
main()
"""


def bench_split(db: Path, runs: int, before: str | None, only: list[str] | None) -> None:
    """Each command's CPU in fpctl's own process and in its workers, medians."""
    commands = {"verify": ("audit", "verify", "-q"), "check": ("db", "check", "-q")}
    found: dict[str, list[tuple[float, float]]] = {}
    for _ in range(runs):
        for what, args in commands.items():
            if only and what not in only:
                continue
            for label, env in versions(env_for(db), before).items():
                argv = [sys.executable, "-c", _SPLIT, *args]
                done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
                line = done.stderr.strip().splitlines()[-1].split()
                found.setdefault(f"{what}{label}", []).append((float(line[1]), float(line[2])))
    print("CPU s in fpctl's own process / in its workers (medians):")
    for name, pairs in found.items():
        own = statistics.median(p[0] for p in pairs)
        workers = statistics.median(p[1] for p in pairs)
        print(f"  {name:<20} {own:6.2f} / {workers:6.2f}   total {own + workers:6.2f}")


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
    parser.add_argument("--only", nargs="+", choices=["list", "verify", "check"])
    parser.add_argument("--split", action="store_true", help="CPU of fpctl's process apart")
    parser.add_argument(
        "--before", metavar="SRC", help="also run the fpctl of another checkout's src, alternated"
    )
    options = parser.parse_args()
    if not options.memory_only:
        db = store_of(options.folder, options.records)
        if options.profile:
            profile(db, options.profile)
        bench_speed(db, options.runs, options.before, options.only)
        if options.split:
            bench_split(db, options.runs, options.before, options.only)
    if not options.only:
        bench_memory(options.folder, options.runs, options.before)


if __name__ == "__main__":
    main()
