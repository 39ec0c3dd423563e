"""Bulk invite benchmark: `fpctl team invite --from-file` against its peers, whole processes.

    python bench/bulk_invite.py            # 10,000 rows
    python bench/bulk_invite.py --large    # also 100,000 rows
    python bench/bulk_invite.py --repeat 5 --profile

Three ways to load the same CSV of emails into a fresh SQLite file, each run as its own
process (imports included) on a fresh store, median of --repeat runs:

- fpctl:        `fpctl team invite --from-file FILE` (every rule checked, one audit record
                per row), as the admin of an account created beforehand (not timed);
- sqlite-utils: `sqlite-utils insert DB invitation FILE --csv` (the peer a user reaches for);
- executemany:  stdlib sqlite3, one transaction (the floor).

Prints seconds, ratios and each process's peak RSS (from os.wait4). PERFORMANCE.md's goals:
10k ≤ 1x sqlite-utils; 100k ≤ 0.5x sqlite-utils and ≤ 3x executemany; memory flat in rows.
Needs the `bench` extra (sqlite-utils). Never a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
EXECUTEMANY = """
import csv, sqlite3, sys
rows = [(r["email"],) for r in csv.DictReader(open(sys.argv[2], newline=""))]
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE invitation (id INTEGER PRIMARY KEY, email TEXT)")
with db:
    db.executemany("INSERT INTO invitation (email) VALUES (?)", rows)
"""


def write_csv(path: Path, rows: int) -> None:
    with path.open("w") as out:
        out.write("email\n")
        for number in range(rows):
            out.write(f"person{number:06d}@bulk.test\n")


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run one process; its wall seconds and its own peak RSS in MiB."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0,):
        error = process.stderr.read().decode() if process.stderr else ""
        sys.exit(f"{argv[0]} failed ({process.returncode}): {error.strip()[:500]}")
    return elapsed, usage.ru_maxrss / 1024  # ru_maxrss is KiB on Linux


def fpctl_env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FPCTL_")}
    return env | {"FPCTL_DB": str(db), "FPCTL_NOW": "2026-11-01T10:00:00Z", "NO_COLOR": "1"}


def fpctl_argv(csv_path: Path) -> list[str]:
    invite = ["team", "invite", "--from-file", str(csv_path)]
    return [str(BIN / "fpctl"), *invite, "--as", "admin@bench.test", "-o", "json"]


def prepare_fpctl(db: Path) -> dict[str, str]:
    env = fpctl_env(db)
    subprocess.run(
        [str(BIN / "fpctl"), "account", "create", "Bench", "--admin", "admin@bench.test"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return env


def run_one(method: str, csv_path: Path, work: Path, run: int) -> tuple[float, float]:
    db = work / f"{method}-{csv_path.stem}-{run}.db"
    if method == "fpctl":
        return measure(fpctl_argv(csv_path), prepare_fpctl(db))
    if method == "sqlite-utils":
        argv = [str(BIN / "sqlite-utils"), "insert", str(db), "invitation", str(csv_path), "--csv"]
        return measure(argv, dict(os.environ))
    return measure([sys.executable, "-c", EXECUTEMANY, str(db), str(csv_path)], dict(os.environ))


def bench(rows: int, repeat: int, work: Path) -> dict[str, tuple[float, float]]:
    csv_path = work / f"emails-{rows}.csv"
    write_csv(csv_path, rows)
    results = {}
    for method in ("executemany", "sqlite-utils", "fpctl"):
        runs = [run_one(method, csv_path, work, number) for number in range(repeat)]
        results[method] = (
            statistics.median(t for t, _ in runs),
            max(m for _, m in runs),
        )
    return results


def report(rows: int, results: dict[str, tuple[float, float]]) -> None:
    floor, peer = results["executemany"][0], results["sqlite-utils"][0]
    print(f"\n{rows:,} rows (median seconds, peak RSS of the process)")
    print(f"  {'method':<14}{'seconds':>9}{'x sqlite-utils':>16}{'x executemany':>15}{'MiB':>8}")
    for method, (seconds, mib) in results.items():
        print(
            f"  {method:<14}{seconds:>9.2f}{seconds / peer:>16.2f}{seconds / floor:>15.2f}"
            f"{mib:>8.0f}"
        )


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
    parser.add_argument("--profile", action="store_true", help="cProfile one fpctl run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fpctl-bench-") as tmp:
        work = Path(tmp)
        sizes = [args.rows] + ([100_000] if args.large else [])
        for rows in sizes:
            report(rows, bench(rows, args.repeat if rows <= 10_000 else 1, work))
        if args.profile:
            profile(args.rows, work)


if __name__ == "__main__":
    main()
