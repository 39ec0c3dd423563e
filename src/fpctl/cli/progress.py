"""A progress bar with an estimate of the time left, on stderr, for work that takes a while
(SPEC §3.4: ``fpctl batch``, ``fpctl demo seed``).

Only at a terminal, never with -q or inside a batch (which shows its own), and only once the
work has run for about a second: a quick run prints nothing extra. stdout is never touched;
anything printed while the bar is up prints above it. The bar goes away when the work ends.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from fpctl.cli.invocation import Invocation

PROGRESS_AFTER_SECONDS = 1.0
#: The bar redraws ten times a second: updates closer than this are not seen (50 ms).
REDRAW_NANOSECONDS = 50_000_000


class ProgressBar:
    """``with ProgressBar(run, "seeding") as bar: ... bar.advance(done, total=n)``."""

    def __init__(self, run: Invocation, description: str, *, total: int = 0) -> None:
        self.description = description
        self.total = total
        self.wanted = not run.quiet and run.batch is None and sys.stderr.isatty()
        self.started = time.monotonic()
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        self.shown_at = 0  # time.monotonic_ns() of the last update

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def advance(self, done: int, *, total: int | None = None) -> None:
        """``done`` items of ``total`` (the total given when the bar was made, if not)."""
        if not self.wanted:
            return
        if total is not None:
            self.total = total
        now = time.monotonic_ns()
        if self.bar is None:
            if time.monotonic() - self.started < PROGRESS_AFTER_SECONDS:
                return
            self.bar = self._start()
        elif now - self.shown_at < REDRAW_NANOSECONDS and done < self.total:
            return  # a demo seed tells of hundreds of thousands of steps: not one update each
        assert self.task is not None
        self.bar.update(self.task, completed=done, total=self.total)
        self.shown_at = now

    def _start(self) -> Progress:
        from rich.console import Console
        from rich.markup import escape
        from rich.progress import Progress

        bar = Progress(
            console=Console(stderr=True),
            transient=True,
            redirect_stdout=sys.stdout.isatty(),  # same terminal: print above the bar
            redirect_stderr=True,
        )
        bar.start()
        self.task = bar.add_task(escape(self.description), total=self.total)  # not markup
        return bar
