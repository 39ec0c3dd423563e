"""Bulk invite benchmark: `fpctl team invite --from-file` against its floor and its peer.

    python bench/bulk_invite.py                           # 10,000 rows, fpctl and the floor
    python bench/bulk_invite.py --vs sqlite-utils --large # + sqlite-utils; + 100,000 rows
    python bench/bulk_invite.py --repeat 5 --profile
    python bench/bulk_invite.py --vs sqlite-utils --before /work/main/src   # before/after

Ways to load the same CSV of emails into a fresh SQLite file, each run as its own process
(imports included) on a fresh store, alternating run by run (the order rotates), medians:

- fpctl:        `fpctl team invite --from-file FILE -o json` (every rule checked, one
                hash-chained audit record per row), as the admin of an account created
                beforehand (not timed);
- floor:        stdlib sqlite3 doing the same rows: the invitation rows (token and all) and
                their hash-chained audit records in fpctl's canonical form (checked against
                ``fpctl.domain.chain.digest`` after its first run), one transaction, WAL and
                ``synchronous=NORMAL`` like fpctl's store;
- sqlite-utils: `sqlite-utils insert DB invitation FILE --csv` (the peer a user reaches
                for; `--vs sqlite-utils`).

Prints median wall and CPU seconds, their ratios ÷ sqlite-utils and ÷ the floor, and each
process's peak RSS (from os.wait4). ``--before SRC`` adds the fpctl of another source tree to
the same alternation, for a before/after on one machine in one run. The goals (issue 13):
10k at most 1.0 times sqlite-utils; 100k at most 0.75 times sqlite-utils and 1.5 times the
floor. Never a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
NOW = "2026-11-01T10:00:00Z"
ADMIN = "admin@bench.test"

#: The floor: what fpctl writes for a fresh CSV, in plain stdlib, one transaction.
FLOOR = r"""
import csv, hashlib, json, secrets, sqlite3, sys
AT = "2026-11-01T10:00:00Z"
CREATED, EXPIRES = "2026-11-01 10:00:00.000000", "2026-12-01 10:00:00.000000"
ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=NORMAL")
db.execute(
    "CREATE TABLE invitation (id INTEGER PRIMARY KEY, account_id INTEGER, email TEXT UNIQUE, "
    "role TEXT, status TEXT, token TEXT UNIQUE, invited_by_id INTEGER, invited_by TEXT, "
    "created_at TEXT, sent_at TEXT, expires_at TEXT, resent_count INTEGER)"
)
db.execute(
    "CREATE TABLE audit_record (id INTEGER PRIMARY KEY, at TEXT, account_id INTEGER, actor TEXT, "
    "actor_kind TEXT, agent TEXT, reason TEXT, action TEXT, target TEXT, changes TEXT, "
    "prev_hash TEXT, hash TEXT, covers TEXT)"
)
invitations, records, prev = [], [], "0" * 64
with open(sys.argv[2], newline="") as file:
    for number, row in enumerate(csv.DictReader(file), start=1):
        email = row["email"].strip().lower()
        token = secrets.token_urlsafe(24)
        invitations.append(
            (number, 1, email, "member", "pending", token, 1, ADMIN, CREATED, CREATED, EXPIRES, 0)
        )
        changes = json.dumps(
            {"email": [None, email], "role": [None, "member"], "status": [None, "pending"]},
            sort_keys=True, ensure_ascii=False, separators=(",", ":"),
        )
        target = f"invitation:{number} {email}"
        record = [1, ADMIN, "member", "bench", None, "team.invite", target, changes]
        digest = hashlib.sha256(ENCODE([number, AT, *record, prev]).encode()).hexdigest()
        records.append((number, CREATED, *record, prev, digest, None))
        prev = digest
db.execute("BEGIN IMMEDIATE")
db.executemany("INSERT INTO invitation VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", invitations)
db.executemany("INSERT INTO audit_record VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", records)
db.execute("COMMIT")
""".replace("ADMIN", repr(ADMIN))


def write_csv(path: Path, rows: int) -> None:
    with path.open("w") as out:
        out.write("email\n")
        for number in range(rows):
            out.write(f"person{number:06d}@bulk.test\n")


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run one process: its wall seconds, its CPU seconds (user and system) and its own peak
    RSS in MiB."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0,):
        error = process.stderr.read().decode() if process.stderr else ""
        sys.exit(f"{argv[0]} failed ({process.returncode}): {error.strip()[:500]}")
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, usage.ru_maxrss / 1024  # ru_maxrss is KiB on Linux


def fpctl_env(db: Path, source: str | None = None) -> dict[str, str]:
    """fpctl's environment; ``source``: run the fpctl of that source tree instead (--before)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FPCTL_")}
    if source is not None:
        env["PYTHONPATH"] = source
    return env | {"FPCTL_DB": str(db), "FPCTL_NOW": NOW, "FPCTL_AGENT": "bench", "NO_COLOR": "1"}


def fpctl_argv(csv_path: Path) -> list[str]:
    invite = ["team", "invite", "--from-file", str(csv_path)]
    return [str(BIN / "fpctl"), *invite, "--as", ADMIN, "-o", "json"]


def prepare_fpctl(db: Path, source: str | None = None) -> dict[str, str]:
    env = fpctl_env(db, source)
    subprocess.run(
        [str(BIN / "fpctl"), "account", "create", "Bench", "--admin", ADMIN],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return env


def run_one(method: str, csv_path: Path, work: Path, run: int) -> tuple[float, float, float]:
    db = work / f"{method.replace('/', '_')}-{csv_path.stem}-{run}.db"
    if method == "fpctl":
        return measure(fpctl_argv(csv_path), prepare_fpctl(db))
    if method.startswith("fpctl "):  # "fpctl SOURCE", --before
        return measure(fpctl_argv(csv_path), prepare_fpctl(db, method.split(" ", 1)[1]))
    if method == "sqlite-utils":
        argv = [str(BIN / "sqlite-utils"), "insert", str(db), "invitation", str(csv_path), "--csv"]
        return measure(argv, dict(os.environ))
    result = measure([sys.executable, "-c", FLOOR, str(db), str(csv_path)], dict(os.environ))
    if run == 0:
        check_floor(db)
    return result


def check_floor(db: Path) -> None:
    """The floor's first two records hash as fpctl's own digest says (same canonical form)."""
    from datetime import UTC, datetime

    from fpctl.domain.chain import digest

    names = "id at account_id actor actor_kind agent reason action target changes prev_hash"
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            f"SELECT {', '.join(names.split())}, hash FROM audit_record ORDER BY id LIMIT 2"
        ).fetchall()
    for row in rows:
        record = dict(zip(names.split(), row[:-1], strict=True))
        record["at"] = datetime(2026, 11, 1, 10, tzinfo=UTC)
        if digest(record) != row[-1]:
            sys.exit("the floor's audit records are not in fpctl's canonical form")


Figures = dict[str, tuple[float, float, float]]  # method: median wall, median CPU, peak MiB


def bench(rows: int, repeat: int, methods: list[str], work: Path) -> Figures:
    csv_path = work / f"emails-{rows}.csv"
    write_csv(csv_path, rows)
    runs: dict[str, list[tuple[float, float, float]]] = {method: [] for method in methods}
    for number in range(repeat):
        shift = number % len(methods)  # alternate, and rotate who goes first
        for method in methods[shift:] + methods[:shift]:
            runs[method].append(run_one(method, csv_path, work, number))
    return {
        method: (
            statistics.median(wall for wall, _, _ in done),
            statistics.median(cpu for _, cpu, _ in done),
            max(mib for _, _, mib in done),
        )
        for method, done in runs.items()
    }


def report(rows: int, repeat: int, results: Figures) -> None:
    """Wall seconds (what the goals are in) and CPU seconds (steadier on a busy machine),
    each with its ratios to the peer and to the floor."""
    floor, floor_cpu = results["floor"][:2]
    peer, peer_cpu = results["sqlite-utils"][:2] if "sqlite-utils" in results else (0, 0)
    print(f"\n{rows:,} rows, median of {repeat} (wall and CPU seconds; peak RSS)")
    head = f"{'wall':>7}{'÷ s-u':>7}{'÷ floor':>8}{'cpu':>8}{'÷ s-u':>7}{'÷ floor':>8}{'MiB':>6}"
    print(f"  {'method':<24}{head}")
    for method, (wall, cpu, mib) in results.items():
        print(
            f"  {method:<24}{wall:>7.2f}{_ratio(wall, peer):>7}{wall / floor:>8.2f}"
            f"{cpu:>8.2f}{_ratio(cpu, peer_cpu):>7}{cpu / floor_cpu:>8.2f}{mib:>6.0f}"
        )


def _ratio(value: float, to: float) -> str:
    return f"{value / to:.2f}" if to else ""


def profile(rows: int, work: Path) -> None:
    """cProfile one fpctl run; print the top functions by cumulative and own time."""
    csv_path = work / f"emails-{rows}.csv"
    env = prepare_fpctl(work / "profile.db")
    out = work / "fpctl.prof"
    argv = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "fpctl"]
    subprocess.run(argv + fpctl_argv(csv_path)[1:], env=env, check=False, stdout=subprocess.DEVNULL)
    import pstats

    stats = pstats.Stats(str(out))
    print(f"\nprofile of fpctl, {rows:,} rows: top by cumulative time")
    stats.sort_stats("cumulative").print_stats(25)
    print("top by own time")
    stats.sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also 100,000 rows")
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the first run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per method (median)")
    parser.add_argument("--large-repeat", type=int, default=3, help="runs per method at 100k")
    parser.add_argument(
        "--vs", choices=["sqlite-utils"], action="append", default=[], help="also this peer"
    )
    parser.add_argument(
        "--before",
        metavar="SRC",
        action="append",
        default=[],
        help="also the fpctl of this source tree (its PYTHONPATH), e.g. /work/main/src",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile one fpctl run")
    args = parser.parse_args()
    methods = ["fpctl", *(f"fpctl {source}" for source in args.before), "floor", *args.vs]
    with tempfile.TemporaryDirectory(prefix="fpctl-bench-") as tmp:
        work = Path(tmp)
        sizes = [(args.rows, args.repeat)] + ([(100_000, args.large_repeat)] if args.large else [])
        for rows, repeat in sizes:
            report(rows, repeat, bench(rows, repeat, methods, work))
        if args.profile:
            profile(args.rows, work)


if __name__ == "__main__":
    main()
