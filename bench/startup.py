"""Start-up benchmark (PERFORMANCE.md): whole processes, medians, ratios from the same run.

    python bench/startup.py [--runs N] [--vs sqlite-utils] [--cpu]

Baselines: `python -c pass`, `import typer`, `import sqlmodel`. Goals: `fpctl --version`
<= 2x pass; `--help` and a TAB completion with live values <= 2x `import typer`; a one-row
read <= 1.25x `import sqlmodel`. With `--vs sqlite-utils`: each one-row read (`team list`,
`order show`, `account show -o json`, on the demo store) beside `import sqlmodel` (goal
<= 1.25x) and `sqlite-utils rows DB TABLE --limit 1` (goal <= 3x). Runs are interleaved
(round-robin) so drift hits every case alike. Prints figures; never fails.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable


def fpctl_command() -> list[str]:
    script = Path(PY).with_name("fpctl")
    return [str(script)] if script.exists() else [PY, "-m", "fpctl"]


def cases(fpctl: list[str]) -> dict[str, tuple[list[str], dict[str, str]]]:
    complete = {  # as completions/fpctl.bash asks (fpctl.cli.completion_shells)
        "_FPCTL_COMPLETE": "complete_bash",
        "_FPCTL_COMPLETE_LINE": "fpctl role set ",
    }
    return {
        "python -c pass": ([PY, "-c", "pass"], {}),
        "import typer": ([PY, "-c", "import typer"], {}),
        "import sqlmodel": ([PY, "-c", "import sqlmodel"], {}),
        "fpctl --version": ([*fpctl, "--version"], {}),
        "fpctl --help": ([*fpctl, "--help"], {}),
        "fpctl team invite --help": ([*fpctl, "team", "invite", "--help"], {}),
        "TAB: role set <emails>": (fpctl, complete),
        "fpctl account show -o json": ([*fpctl, "account", "show", "bench", "-o", "json"], {}),
    }


GOALS = [  # (case, baseline, goal ratio)
    ("fpctl --version", "python -c pass", 2.0),
    ("fpctl --help", "import typer", 2.0),
    ("fpctl team invite --help", "import typer", 2.0),
    ("TAB: role set <emails>", "import typer", 2.0),
    ("fpctl account show -o json", "import sqlmodel", 1.25),
]


#: The one-row reads, on the demo store (`fpctl demo seed`), and the table each one reads.
READS = {
    "fpctl team list --as X": (["team", "list", "--as", "{admin}"], "member"),
    "fpctl order show ID --as X": (["order", "show", "{order}", "--as", "{admin}"], "orders"),
    "fpctl account show SLUG -o json": (
        ["account", "show", "northwind-traders", "-o", "json"],
        "account",
    ),
}


def peer_cases(fpctl: list[str], db: str) -> dict[str, tuple[list[str], dict[str, str]]]:
    """``import sqlmodel``, each read, and sqlite-utils reading one row of the same table."""
    admin, order = demo_names(db)
    table: dict[str, tuple[list[str], dict[str, str]]] = {
        "import sqlmodel": ([PY, "-c", "import sqlmodel"], {})
    }
    utils = str(Path(PY).with_name("sqlite-utils"))
    for name, (args, read_table) in READS.items():
        table[name] = ([*fpctl, *(a.format(admin=admin, order=order) for a in args)], {})
        table[f"sqlite-utils rows {read_table}"] = (
            [utils, "rows", db, read_table, "--limit", "1"],
            {},
        )
    return table


def demo_names(db: str) -> tuple[str, str]:
    """The demo account's admin and one of its orders."""
    import sqlite3

    with sqlite3.connect(db) as connection:
        (admin,) = connection.execute(
            "SELECT email FROM member JOIN account ON account.id = member.account_id "
            "WHERE slug = 'northwind-traders' AND role = 'admin' AND member.status = 'active'"
        ).fetchone()
        (order,) = connection.execute(
            "SELECT orders.id FROM orders JOIN account ON account.id = orders.account_id "
            "WHERE slug = 'northwind-traders' ORDER BY orders.id LIMIT 1"
        ).fetchone()
    return admin, str(order)


def seed(fpctl: list[str], env: dict[str, str]) -> None:
    """A small store: one account, its admin and a few invitations."""

    def run(*args: str) -> None:
        subprocess.run([*fpctl, *args, "-q"], env=env, check=True, stdout=subprocess.DEVNULL)

    run("account", "create", "Bench", "--admin", "ada@bench.test", "--slug", "bench")
    run("team", "invite", "mia@bench.test", "max@bench.test", "--as", "ada@bench.test")


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def time_once(argv: list[str], env: dict[str, str], *, cpu: bool = False) -> float:
    """The run's wall time, or (``cpu``) the CPU time it used: steadier on a shared machine,
    where other people's work stretches the wall clock."""
    started, cpu_before = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        argv, check=False, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    elapsed = (_children_cpu() - cpu_before) if cpu else time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()}")
    return elapsed


def measure(
    runs: int,
    env: dict[str, str],
    table: dict[str, tuple[list[str], dict[str, str]]],
    *,
    cpu: bool = False,
) -> dict[str, float]:
    samples: dict[str, list[float]] = {name: [] for name in table}
    for round_ in range(runs + 1):  # round 0 warms the OS caches and is dropped
        for name, (argv, extra) in table.items():
            elapsed = time_once(argv, {**env, **extra}, cpu=cpu)
            if round_:
                samples[name].append(elapsed)
    return {name: statistics.median(times) for name, times in samples.items()}


def report(medians: dict[str, float], runs: int, clock: str) -> None:
    print(f"median of {runs} runs, whole processes, {clock} ({sys.version.split()[0]})")
    for name, seconds in medians.items():
        print(f"  {name:<30} {seconds * 1000:8.1f} ms")
    print("ratios (goal in brackets)")
    for name, baseline, goal in GOALS:
        ratio = medians[name] / medians[baseline]
        verdict = "ok" if ratio <= goal else "OVER"
        print(f"  {name:<30} / {baseline:<16} {ratio:5.2f}x  [<= {goal}x]  {verdict}")


def report_peers(medians: dict[str, float], runs: int, clock: str) -> None:
    print(f"median of {runs} runs, whole processes, the demo store, {clock}")
    for name, seconds in medians.items():
        print(f"  {name:<34} {seconds * 1000:8.1f} ms")
    print("ratios: / import sqlmodel [<= 1.25x], / sqlite-utils rows TABLE --limit 1 [<= 3x]")
    for name, (_, read_table) in READS.items():
        floor = medians[name] / medians["import sqlmodel"]
        peer = medians[name] / medians[f"sqlite-utils rows {read_table}"]
        print(f"  {name:<34} {floor:5.2f}x  {peer:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per case")
    parser.add_argument("--vs", choices=["sqlite-utils"], help="the one-row reads beside a peer")
    parser.add_argument("--cpu", action="store_true", help="CPU time instead of wall time")
    options = parser.parse_args()
    clock = "CPU time (user+sys)" if options.cpu else "wall time"
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("FPCTL_") and key != "_FPCTL_COMPLETE"
        }
        db = str(Path(tmp) / "bench.db")
        env |= {"FPCTL_DB": db, "NO_COLOR": "1"}
        if options.vs:
            # The demo's clock, so nothing is due: a read only reads.
            env["FPCTL_NOW"] = "2026-12-01T10:00:00Z"
            subprocess.run(
                [*fpctl_command(), "demo", "seed", "-q"],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            report_peers(
                measure(options.runs, env, peer_cases(fpctl_command(), db), cpu=options.cpu),
                options.runs,
                clock,
            )
            return
        seed(fpctl_command(), env)
        report(
            measure(options.runs, env, cases(fpctl_command()), cpu=options.cpu), options.runs, clock
        )


if __name__ == "__main__":
    main()
