"""OS processes racing on the test's store (RELIABILITY §1).

The racing processes are forked from the test process, so they start with fpctl already
imported (sixteen fresh interpreters would spend seconds importing). Each runs whole command
lines through ``fpctl.cli.main.run``, which opens its own engine per run: nothing of the
parent's store connections is used across the fork.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import queue
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

import pytest

RESULT_TIMEOUT_S = 120
_FORK = multiprocessing.get_context("fork")


def run_line(args: list[str]) -> dict[str, Any]:
    """Run one fpctl command line in this process, capturing its output."""
    from fpctl.cli.main import run

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run(args)
    return {"args": args, "exit_code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}


def _worker(plan: Any, start: Any, stop: Any, results: Any) -> None:
    try:
        start.wait()
        if callable(plan):  # repeat until told to stop: plan(n) is the n-th command line
            done, n = [], 0
            while not stop.is_set():
                n += 1
                done.append(run_line(plan(n)))
        else:
            done = [run_line(args) for args in plan]
        results.put((os.getpid(), done))
    except BaseException as error:  # reported, not lost in a child's stderr
        results.put((os.getpid(), repr(error)))


class Race:
    """Fork worker processes that all start at the same instant."""

    def __init__(self) -> None:
        self.plans: list[Any] = []
        self.procs: list[Any] = []
        self.stop = _FORK.Event()
        self.results_queue = _FORK.Queue()

    def spawn(self, plan: list[list[str]] | Callable[[int], list[str]]) -> None:
        """A list of command lines, or a function of n run until ``stop.set()``."""
        self.plans.append(plan)

    def start(self) -> None:
        barrier = _FORK.Barrier(len(self.plans))
        for plan in self.plans:
            proc = _FORK.Process(
                target=_worker, args=(plan, barrier, self.stop, self.results_queue)
            )
            proc.start()
            self.procs.append(proc)

    def results(self) -> list[list[dict[str, Any]]]:
        """Each worker's per-command results; fails if any worker itself failed."""
        collected = []
        for _ in self.procs:
            try:
                collected.append(self.results_queue.get(timeout=RESULT_TIMEOUT_S))
            except queue.Empty:  # pragma: no cover - a hung worker
                pytest.fail("a worker did not finish")
        for proc in self.procs:
            proc.join()
            assert proc.exitcode == 0
        failures = [done for _, done in collected if isinstance(done, str)]
        assert failures == []
        return [done for _, done in collected]

    def kill(self) -> None:
        self.stop.set()
        for proc in self.procs:
            if proc.is_alive():
                proc.kill()
                proc.join()


@pytest.fixture
def race() -> Iterator[Race]:
    racing = Race()
    yield racing
    racing.kill()
