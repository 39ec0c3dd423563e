"""`fpctl demo seed` at the sizes issue 12 named (they used to end in exit 4 after minutes):
whole processes, each on a fresh store, then `fpctl db check` and `fpctl audit verify` on it.

    python bench/demo_seed.py            # --orders 150 --seed 2, 250, 300, 1000
    python bench/demo_seed.py --large    # + --orders 10000, the most in range (30,000 orders)

Prints the seconds, the exit codes and the orders made; never fails (tests/services/
test_demo.py proves the seed over small sizes, seeds and days on every test run).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NOW = "2026-11-01T10:00:00Z"
SIZES = [
    ["--accounts", "1", "--members", "10", "--orders", "100"],
    ["--orders", "150", "--seed", "2"],
    ["--orders", "250"],
    ["--orders", "300"],
    ["--orders", "1000"],
]
LARGE = [["--orders", "10000"]]  # the 20,000 is now over the option's bound


def fpctl_command() -> list[str]:
    script = Path(sys.executable).with_name("fpctl")
    return [str(script)] if script.exists() else [sys.executable, "-m", "fpctl"]


def one(fpctl: list[str], size: list[str], folder: Path) -> str:
    db = folder / f"demo-{'-'.join(part.lstrip('-') for part in size)}.db"
    env = {**os.environ, "FPCTL_DB": str(db), "FPCTL_NOW": NOW}
    started = time.perf_counter()
    seeded = subprocess.run(
        [*fpctl, "demo", "seed", *size, "-o", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    orders = json.loads(seeded.stdout)["orders"] if seeded.returncode == 0 else "-"
    checked, verified = (
        subprocess.run([*fpctl, *command], env=env, capture_output=True, check=False)
        for command in (["db", "check"], ["audit", "verify"])
    )
    last = seeded.stderr.strip().splitlines()[-1:] if seeded.returncode else []
    return (
        f"{' '.join(size):<42} {seconds:>8.1f} s  exit {seeded.returncode}  orders {orders:>6}"
        f"  db check {checked.returncode}  audit verify {verified.returncode}"
        + (f"  ({last[0]})" if last else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also --orders 10000")
    args = parser.parse_args()
    fpctl = fpctl_command()
    with tempfile.TemporaryDirectory(prefix="fpctl-bench-demo-") as folder:
        for size in SIZES + (LARGE if args.large else []):
            print(one(fpctl, size, Path(folder)), flush=True)


if __name__ == "__main__":
    main()
