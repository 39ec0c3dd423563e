"""`fpctl demo seed` at several sizes: whole processes, each on a fresh store, then
`fpctl db check` and `fpctl audit verify` on it.

    python bench/demo_seed.py                  # --orders 150 --seed 2, 250, 300, 1000
    python bench/demo_seed.py --large          # + --accounts 1 --orders 100000 (issue 13)
    python bench/demo_seed.py --orders 2000    # only --accounts 1 --orders 2000
    python bench/demo_seed.py --orders 2000 --floor
        # + the same rows written by executemany with the chain hashed again (demo_floor.py)
    python bench/demo_seed.py --orders 2000 --vs /work/main/src --repeat 3
        # the same size seeded by this checkout and by another one's source (PYTHONPATH),
        # alternated, medians and their ratio

Prints the seconds, orders made per second, the exit codes and the orders made; never
fails (tests/services/test_demo.py proves the seed over small sizes, seeds and days on
every test run).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

NOW = "2026-11-01T10:00:00Z"
SIZES = [
    ["--accounts", "1", "--members", "10", "--orders", "100"],
    ["--orders", "150", "--seed", "2"],
    ["--orders", "250"],
    ["--orders", "300"],
    ["--orders", "1000"],
]
HERE = str(Path(__file__).resolve().parents[1] / "src")  # this checkout's fpctl
LARGE = [["--accounts", "1", "--orders", "100000"]]  # issue 13: 100k orders


@dataclass(frozen=True)
class Run:
    seconds: float
    orders: int | None
    line: str


def one(size: list[str], folder: Path, source: str | None = None, *, floor: bool = False) -> Run:
    """Seed a fresh store at ``size`` (with ``source`` first on PYTHONPATH when given)."""
    db = folder / f"demo-{'-'.join(part.lstrip('-') for part in size)}-{time.monotonic_ns()}.db"
    env = {**os.environ, "FPCTL_DB": str(db), "FPCTL_NOW": NOW, "PYTHONPATH": source or HERE}
    fpctl = [sys.executable, "-m", "fpctl"]
    started = time.perf_counter()
    seeded = subprocess.run(
        [*fpctl, "demo", "seed", *size, "-o", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    orders = json.loads(seeded.stdout)["orders"] if seeded.returncode == 0 else None
    checked, verified = (
        subprocess.run([*fpctl, *command], env=env, capture_output=True, check=False)
        for command in (["db", "check"], ["audit", "verify"])
    )
    below = ""
    if floor and seeded.returncode == 0:  # the same rows by executemany (bench/demo_floor.py)
        below = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("demo_floor.py")), str(db)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        below = f"\n{'':<38} floor: {below}"
    db.unlink(missing_ok=True)
    last = seeded.stderr.strip().splitlines()[-1:] if seeded.returncode else []
    rate = f"{orders / seconds:>7.0f}/s" if orders else "      -  "
    line = (
        f"{' '.join(size):<38} {seconds:>8.1f} s {rate}  exit {seeded.returncode}"
        f"  orders {orders if orders is not None else '-':>6}"
        f"  db check {checked.returncode}  audit verify {verified.returncode}"
        + (f"  ({last[0]})" if last else "")
        + below
    )
    return Run(seconds, orders, line)


def versus(size: list[str], other: str, repeat: int, folder: Path, *, floor: bool) -> None:
    """This checkout and ``other`` alternated at one size: medians and the ratio."""
    mine: list[float] = []
    theirs: list[float] = []
    for _ in range(repeat):
        for label, source, times in (("this", None, mine), (other, other, theirs)):
            run = one(size, folder, source, floor=floor and source is None)
            times.append(run.seconds)
            print(f"{label:<20} {run.line}", flush=True)
    ratio = statistics.median(theirs) / statistics.median(mine)
    print(
        f"median: this {statistics.median(mine):.1f} s, {other} {statistics.median(theirs):.1f} s"
        f"  ({ratio:.2f}x faster)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also --accounts 1 --orders 100000")
    parser.add_argument("--orders", type=int, help="only --accounts 1 --orders N")
    parser.add_argument("--vs", metavar="SRC", help="also seed with this source (PYTHONPATH)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--floor", action="store_true", help="also write the same rows by executemany"
    )
    args = parser.parse_args()
    sizes = SIZES + (LARGE if args.large else [])
    if args.orders is not None:
        sizes = [["--accounts", "1", "--orders", str(args.orders)]]
    with tempfile.TemporaryDirectory(prefix="fpctl-bench-demo-") as scratch:
        folder = Path(scratch)
        for size in sizes:
            if args.vs:
                versus(size, args.vs, args.repeat, folder, floor=args.floor)
            else:
                print(one(size, folder, floor=args.floor).line, flush=True)


if __name__ == "__main__":
    main()
