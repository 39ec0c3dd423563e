"""List benchmark: every `--all` list streamed at two sizes, and the first table page.

    python bench/lists.py                          # 10,000 and 100,000 rows; pages 1k/100k
    python bench/lists.py --vs /work/main/src      # the same, and the code at that src
                                                   # path alternated with this one
    python bench/lists.py --sizes 1000 10000 --repeat 1

For each size, one store holds that many rows of each listed kind (orders, invoices, ledger
entries, reward entries, invitations, members, freelancers, accounts), written with SQL from
one row made through fpctl (building them is not what is measured). Each list command runs
as a whole process with a machine format and `--all`; the figures are the median wall time
and peak RSS of `--repeat` runs, and the ratio of the biggest size to the smallest (the
goal, issue 13: peak memory at most 1.2 times, flat in rows). Then `order list` as a table
(its first page, 50 rows) at 1,000 and 100,000 orders: the goal is at most 1.2 times.

With ``--vs SRC`` every run of this checkout is alternated with a run of the code at SRC
(``PYTHONPATH=SRC``), so "before" and "after" come from the same minutes of a shared machine.
Each code gets stores of its own, made by it (its schema version: an older fpctl refuses a
store a newer one made).
Never a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import orders  # bench/ is the script's directory: the order bench's helpers
from orders import ADMIN, NOW, fpctl, measure

BIN = Path(sys.executable).parent
HERE_SRC = str(Path(__file__).resolve().parent.parent / "src")

#: The list commands measured, each with its machine format (those the issue named first).
LISTS: list[list[str]] = [
    ["billing", "ledger", "--all", "-o", "csv", "--account", "bench"],
    ["team", "invitations", "--all", "-o", "ndjson", "--account", "bench"],
    ["billing", "invoices", "--all", "-o", "json", "--account", "bench"],
    ["order", "list", "--all", "-o", "ndjson", "--account", "bench"],
    ["team", "list", "--all", "-o", "csv", "--account", "bench"],
    ["rewards", "history", "--all", "-o", "tsv", "--account", "bench"],
    ["freelancer", "list", "--all", "-o", "json"],
    ["account", "list", "--all", "-o", "csv", "--as", "support", "--reason", "bench"],
]
FIRST_PAGE = ["order", "list"]

#: Columns made unique per copy (prefixed with the copy's number).
UNIQUE = {
    "invitation": ("email", "token"),
    "member": ("email",),
    "freelancer": ("username",),
    "account": ("slug",),
}
#: What the clones copy: every row kind a measured list shows.
CLONED = ("orders", "invoice", "ledger_entry", "reward_entry", "invitation", "member")


def env_for(db: Path, src: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FPCTL_")}
    return env | {
        "FPCTL_DB": str(db),
        "FPCTL_NOW": NOW,
        "NO_COLOR": "1",
        "FPCTL_AGENT": "bench",
        "PYTHONPATH": src,
    }


def prepare(db: Path, src: str) -> None:
    """One row of each kind through fpctl: an account with a card, a freelancer, one order
    placed and completed (an invoice, a ledger entry, a reward entry), one invitation."""
    env = orders.prepare(db, src=src)
    fpctl(env, "order", "place", "--freelancer", "lena", "--service", "1", "--as", ADMIN)
    fpctl(env, "order", "requirements", "1", "A fox", "--as", ADMIN)
    fpctl(env, "order", "deliver", "1", "--as", "@lena")
    fpctl(env, "order", "accept", "1", "--as", ADMIN)
    fpctl(env, "team", "invite", "bea@bench.test", "--as", ADMIN)


def clone(store: sqlite3.Connection, table: str, copies: int) -> None:
    """``copies`` more rows like the table's first, in one statement."""
    columns = [row[1] for row in store.execute(f"PRAGMA table_info({table})") if row[1] != "id"]
    unique = UNIQUE.get(table, ())
    shown = [f'"{c}"' for c in columns]
    values = [f"'c' || n.i || src.\"{c}\"" if c in unique else f'src."{c}"' for c in columns]
    store.execute(
        f"INSERT INTO {table} ({', '.join(shown)}) "
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        f"SELECT {', '.join(values)} FROM n CROSS JOIN {table} AS src "
        f"WHERE src.id = (SELECT min(id) FROM {table})",
        (copies,),
    )


def build(folder: Path, rows: int, tables: tuple[str, ...], src: str) -> Path:
    db = folder / f"{'-'.join(tables[:2])}-{rows}-{label(src)}.db"
    prepare(db, src)
    with sqlite3.connect(db) as store:
        for table in tables:
            have = store.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            clone(store, table, rows - have)
    return db


def stores_of(
    folder: Path, sizes: list[int], tables: tuple[str, ...], sources: list[str]
) -> dict[int, dict[str, Path]]:
    """A store of each size for each source."""
    return {rows: {src: build(folder, rows, tables, src) for src in sources} for rows in sizes}


def runs(
    argv: list[str], db: dict[str, Path], sources: list[str], repeat: int
) -> dict[str, tuple[float, float]]:
    """Median seconds and peak RSS per source, the sources alternated run by run."""
    seen: dict[str, list[orders.Run]] = {src: [] for src in sources}
    for _ in range(repeat):
        for src in sources:
            seen[src].append(measure([str(BIN / "fpctl"), *argv], env_for(db[src], src)))
    return {
        src: (statistics.median(r.seconds for r in got), statistics.median(r.rss for r in got))
        for src, got in seen.items()
    }


def label(src: str) -> str:
    return "this" if src == HERE_SRC else "vs"


def bench_lists(folder: Path, sizes: list[int], sources: list[str], repeat: int) -> None:
    stores = stores_of(folder, sizes, (*CLONED, "freelancer", "account"), sources)
    small, big = min(sizes), max(sizes)
    print(f"\n--all lists: median of {repeat}; peak RSS in MiB; ratio = {big:,} ÷ {small:,}")
    for argv in LISTS:
        shown = " ".join(argv[:5])
        figures = {rows: runs(argv, stores[rows], sources, repeat) for rows in sizes}
        for src in sources:
            cells = "  ".join(
                f"{rows:>7,}: {figures[rows][src][0]:6.2f} s {figures[rows][src][1]:6.1f} MiB"
                for rows in sizes
            )
            ratio = figures[big][src][1] / figures[small][src][1]
            time_ratio = figures[big][src][0] / figures[small][src][0]
            ratios = f"memory {ratio:4.2f}×  time {time_ratio:5.1f}×"
            print(f"{label(src):>4}  {shown:<38} {cells}  {ratios}")


def cpu_seconds(argv: list[str], env: dict[str, str]) -> float:
    """Run one process to the end: its CPU time (user + system), steadier than wall time
    on a shared machine."""
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, argv
    return usage.ru_utime + usage.ru_stime


def bench_first_page(folder: Path, sizes: list[int], sources: list[str], repeat: int) -> None:
    stores = stores_of(folder, sizes, ("orders",), sources)
    small, big = min(sizes), max(sizes)
    print(f"\norder list as a table (its first page), median of {repeat}; {big:,} ÷ {small:,}")
    argv = [str(BIN / "fpctl"), *FIRST_PAGE, "--account", "bench"]
    figures = {rows: runs(argv[1:], stores[rows], sources, repeat) for rows in sizes}
    cpu: dict[int, dict[str, list[float]]] = {rows: {src: [] for src in sources} for rows in sizes}
    for _ in range(repeat):
        for rows in sizes:
            for src in sources:
                cpu[rows][src].append(cpu_seconds(argv, env_for(stores[rows][src], src)))
    for src in sources:
        wall = [figures[rows][src][0] for rows in sizes]
        used = [statistics.median(cpu[rows][src]) for rows in sizes]
        cells = "  ".join(
            f"{rows:>7,}: {w:6.2f} s wall {u:5.2f} s CPU"
            for rows, w, u in zip(sizes, wall, used, strict=True)
        )
        ratios = f"wall {wall[-1] / wall[0]:4.2f}×  CPU {used[-1] / used[0]:4.2f}×"
        print(f"{label(src):>4}  order list {cells}  {ratios}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--pages", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--vs", metavar="SRC", help="also run the code at SRC (alternated)")
    parser.add_argument("--only", choices=("lists", "page"), help="run one part")
    options = parser.parse_args()
    sources = [HERE_SRC, *([options.vs] if options.vs else [])]
    with tempfile.TemporaryDirectory() as folder:
        if options.only != "page":
            bench_lists(Path(folder), options.sizes, sources, options.repeat)
        if options.only != "lists":
            bench_first_page(Path(folder), options.pages, sources, options.repeat)


if __name__ == "__main__":
    main()
