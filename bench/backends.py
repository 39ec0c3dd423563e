"""PostgreSQL beside SQLite: the same fpctl work on both stores, same machine, same run.

    python bench/backends.py --server postgresql://postgres@127.0.0.1:5432/postgres
    python bench/backends.py --large        # bulk invite of 100,000 rows too
    FPCTL_TEST_POSTGRES_URL=... python bench/backends.py --writers-only

``--server`` (default: FPCTL_TEST_POSTGRES_URL) is an administrator's URL on a server where
the bench may create and drop databases; each case gets a fresh database (and SQLite a fresh
file). Three cases, each a whole process or set of processes, imports included:

- bulk invite: `fpctl team invite --from-file` of 10,000 emails (``--large``: also 100,000);
- batch: one `fpctl batch` of 10,000 commands (2,500 orders placed, started, delivered and
  completed: one transaction, every rule, an invoice, a ledger row and audit records each);
- writers: 16 processes at once, 50 `team invite` commands each, every command its own
  transaction (forked from this process with fpctl imported, as tests/racing.py does):
  wall time, commands per second and the exit codes seen.

Prints seconds and ratios (PostgreSQL ÷ SQLite). Never a pass/fail test.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

from bulk_invite import fpctl_argv, write_csv
from orders import ADMIN, lifecycle_batch, measure, prepare

BIN = Path(sys.executable).parent
WRITERS, WRITES_EACH = 16, 50


def admin_sql(server: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(server.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


@contextmanager
def stores(folder: Path, server: str, case: str) -> Iterator[dict[str, dict[str, str]]]:
    """A fresh SQLite file and a fresh server database, as each one's environment."""
    name = f"fpctl_bench_{case}_{uuid.uuid4().hex[:8]}"
    admin_sql(server, f'CREATE DATABASE "{name}"')
    base, _, _ = server.rpartition("/")
    url = f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield {
            "sqlite": prepare(folder / f"{case}.db"),
            "postgres": prepare(folder / f"{case}-unused.db", url),
        }
    finally:
        admin_sql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def line(case: str, seconds: dict[str, float], unit: str, count: int) -> None:
    sqlite, postgres = seconds["sqlite"], seconds["postgres"]
    print(
        f"{case:<34} SQLite {sqlite:7.2f} s ({count / sqlite:8,.0f} {unit}/s)   "
        f"PostgreSQL {postgres:7.2f} s ({count / postgres:8,.0f} {unit}/s)   "
        f"PG/SQLite {postgres / sqlite:5.2f}x"
    )


def bench_bulk_invite(folder: Path, server: str, rows: int) -> None:
    csv_path = folder / f"emails-{rows}.csv"
    write_csv(csv_path, rows)
    argv = fpctl_argv(csv_path)
    with stores(folder, server, f"invite{rows}") as envs:
        seconds = {kind: measure(argv, env)[0] for kind, env in envs.items()}
    line(f"bulk invite {rows:,} rows", seconds, "rows", rows)


def bench_batch(folder: Path, server: str, commands: int) -> None:
    script = folder / "lifecycle.txt"
    lifecycle_batch(script, commands // 4)
    argv = [str(BIN / "fpctl"), "batch", str(script), "-q"]
    with stores(folder, server, "batch") as envs:
        seconds = {kind: measure(argv, env)[0] for kind, env in envs.items()}
    line(f"batch of {commands:,} commands", seconds, "commands", commands)


def _writer(env: dict[str, str], number: int, start: object, results: object) -> None:
    from fpctl.cli.main import run

    os.environ.clear()
    os.environ.update(env)
    start.wait()  # type: ignore[attr-defined]
    codes = []
    for index in range(WRITES_EACH):
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            email = f"w{number}-{index}@race.test"
            codes.append(run(["team", "invite", email, "--as", ADMIN, "-o", "json"]))
    results.put(codes)  # type: ignore[attr-defined]


def bench_writers(folder: Path, server: str) -> None:
    import fpctl.cli.main  # noqa: F401 - imported once, before the fork

    fork = multiprocessing.get_context("fork")
    seconds: dict[str, float] = {}
    outcomes: dict[str, Counter[int]] = {}
    with stores(folder, server, "writers") as envs:
        for kind, env in envs.items():
            start, results = fork.Barrier(WRITERS + 1), fork.Queue()
            procs = [
                fork.Process(target=_writer, args=(env, n, start, results)) for n in range(WRITERS)
            ]
            for proc in procs:
                proc.start()
            start.wait()
            began = time.perf_counter()
            codes = Counter(code for _ in procs for code in results.get(timeout=600))
            seconds[kind] = time.perf_counter() - began
            for proc in procs:
                proc.join()
            outcomes[kind] = codes
    line(f"{WRITERS} writers x {WRITES_EACH} invites", seconds, "commands", WRITERS * WRITES_EACH)
    for kind, codes in outcomes.items():
        print(f"  {kind}: exit codes {dict(sorted(codes.items()))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=os.environ.get("FPCTL_TEST_POSTGRES_URL", ""))
    parser.add_argument("--large", action="store_true", help="bulk invite of 100,000 rows too")
    parser.add_argument("--writers-only", action="store_true", help="only the 16 writers")
    options = parser.parse_args()
    if not options.server:
        sys.exit("name a PostgreSQL server: --server URL (or FPCTL_TEST_POSTGRES_URL)")
    with tempfile.TemporaryDirectory(prefix="fpctl-bench-") as tmp:
        folder = Path(tmp)
        if not options.writers_only:
            for rows in [10_000] + ([100_000] if options.large else []):
                bench_bulk_invite(folder, options.server, rows)
            bench_batch(folder, options.server, 10_000)
        bench_writers(folder, options.server)


if __name__ == "__main__":
    main()
