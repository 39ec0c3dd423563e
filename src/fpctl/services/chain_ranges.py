"""A long audit chain verified on every core: ranges of ids walked by worker processes.

Each record's check needs only itself and its predecessor's hash, so the chain up to the
head read first (in the caller's transaction) is cut into ranges, one per core; each
worker (``python -m fpctl.services.chain_walk``: a fresh interpreter, safe beside threads
and open PostgreSQL connections, and it imports only the driver) opens its own read
transaction and walks its range, starting from the hash its snapshot holds for the record
before the range. A writer may append records meanwhile: the workers read nothing past
the head. The ranges are then put back together in order: each seam (the hash a range
started from against the last hash of the range before) and the head must agree, and
the first break is the first range's break. Anything out of the ordinary (a seam or the
head that does not agree, a worker that failed) and the chain is walked again in one
piece in the caller's transaction: the answer is always the one a single walk gives.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection

import fpctl
from fpctl.domain.chain import GENESIS
from fpctl.services.chain_walk import (
    CHAIN_SQL,
    Break,
    Stretch,
    Walked,
    range_sql,
    stretch_of_json,
    walk_chain,
    walk_range,
)
from fpctl.services.driver_rows import fetched

#: Below this many records one process walks the chain: a worker's start-up would cost
#: more than it saves (and small stores and the test suite start none).
PARALLEL_FROM = 50_000


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def ranges(head_id: int, parts: int) -> list[tuple[int, int]]:
    """Ids 1 to ``head_id`` in ``parts`` ranges of about the same size (one range for a
    short chain)."""
    if parts < 2 or head_id < PARALLEL_FROM:
        return [(1, head_id)]
    size = -(-head_id // parts)
    return [(first, min(first + size - 1, head_id)) for first in range(1, head_id + 1, size)]


@contextmanager
def verified_aside(connection: Connection, *, walk_first: bool) -> Iterator[Callable[[], Walked]]:
    """Start verifying the chain as of ``connection``'s transaction; the callable yielded
    gives the first break (or None), the count and the head hash, as one walk would.
    With ``walk_first`` the caller's process walks the first range itself (when it has
    nothing else to do); otherwise every range goes to a worker."""
    head = _head(connection)
    spans = ranges(head[0], cores()) if _database(connection) is not None else [(1, head[0])]
    if len(spans) < 2:
        yield lambda: _walk_all(connection)
        return
    workers: list[subprocess.Popen[bytes]] = []
    try:
        for first, last in spans[int(walk_first) :]:
            workers.append(_launch(connection, first, last))
    except OSError:  # no interpreter to start, no process left: one walk, as ever
        _stop(workers)
        yield lambda: _walk_all(connection)
        return
    try:

        def result() -> Walked:
            stretches: list[Stretch | None] = []
            if walk_first:
                first, last = spans[0]
                with fetched(connection, range_sql(first, last), name="fpctl_audit_chain") as rows:
                    stretches.append(walk_range(GENESIS, rows, first, last))
            stretches += [_collect(worker) for worker in workers]
            return joined(stretches, head) or _walk_all(connection)

        yield result
    finally:
        _stop(workers)


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.kill()
        worker.wait()
        _close(worker.stdout)


def joined(stretches: list[Stretch | None], head: tuple[int, str]) -> Walked | None:
    """The ranges' walks as one walk of the chain up to ``head``, or None when they do
    not fit together (a worker failed, a seam or the head disagrees)."""
    total, prev_hash = 0, GENESIS
    for index, stretch in enumerate(stretches):
        if stretch is None or stretch.start != prev_hash:
            return None
        broken, count, last_hash = stretch.walked
        if stretch.short:  # the range's last records are missing: the next one says so
            if index == len(stretches) - 1:
                return None  # the head's record was there when the head was read
            missing = total + count + 1
            return Break(missing, f"record {missing} is missing"), total + count, last_hash
        if broken is not None:
            return broken, total + count, last_hash
        total, prev_hash = total + count, last_hash
    return (None, total, prev_hash) if (total, prev_hash) == head else None


def _walk_all(connection: Connection) -> Walked:
    with fetched(connection, f"{CHAIN_SQL} ORDER BY id", name="fpctl_audit_chain") as rows:
        return walk_chain(rows)


def _head(connection: Connection) -> tuple[int, str]:
    sql = "SELECT id, hash FROM audit_record ORDER BY id DESC LIMIT 1"
    row = connection.exec_driver_sql(sql).first()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def _database(connection: Connection) -> str | None:
    """What a worker connects to: a PostgreSQL URL, or a SQLite file's path (None for a
    store only this process can see, such as an in-memory one)."""
    url = connection.engine.url
    if connection.dialect.name == "postgresql":
        return url.set(drivername="postgresql").render_as_string(hide_password=False)
    if url.database in (None, "", ":memory:") or url.query:
        return None
    return url.database


def _launch(connection: Connection, first: int, last: int) -> subprocess.Popen[bytes]:
    source = str(Path(fpctl.__file__).parent.parent)  # the workers run this very fpctl
    path = os.environ.get("PYTHONPATH")
    env = os.environ | {"PYTHONPATH": source if not path else f"{source}{os.pathsep}{path}"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "fpctl.services.chain_walk"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    request = {"dialect": connection.dialect.name, "database": _database(connection),
               "first": first, "last": last}  # fmt: skip
    assert worker.stdin is not None
    with worker.stdin:  # the URL goes on stdin, never on a command line others can read
        worker.stdin.write(json.dumps(request).encode())
    return worker


def _collect(worker: subprocess.Popen[bytes]) -> Stretch | None:
    assert worker.stdout is not None
    output = worker.stdout.read()
    if worker.wait() != 0:
        return None
    try:
        return stretch_of_json(json.loads(output))
    except (ValueError, KeyError, TypeError):
        return None


def _close(stream: IO[Any] | None) -> None:
    if stream is not None:
        stream.close()
