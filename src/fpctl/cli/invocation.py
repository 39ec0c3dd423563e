"""What one run of a command needs: the options every command accepts, output, prompts.

``Invocation.work()`` hands the options to ``services.work.unit_of_work`` (the unit of work
lives below the command line) and notes a dry run. Inside ``fpctl batch`` the command runs
as a ``BatchLine`` (Click's ``ctx.obj``): it joins the batch's shared transaction, takes the
batch's options for those it leaves unset, and its output is held until the batch commits.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from fpctl.cli import gc_pause
from fpctl.domain import words
from fpctl.errors import InvalidInput, PartialFailure
from fpctl.render.output import NARROW, PEOPLE, TABLES

if TYPE_CHECKING:
    from datetime import datetime

    from sqlmodel import Session

    from fpctl.services.context import Context
    from fpctl.services.work import Shared, Store
    from fpctl.store.location import StoreLocation


PROGRESS_MIN_ITEMS = 1000


@dataclass(frozen=True)
class Emitted:
    """One output of a batch line, held until the batch commits."""

    data: Mapping[str, Any] | list[Mapping[str, Any]]
    output: str
    columns: Sequence[str] | None
    title: str | None
    limit: int | None


@dataclass
class BatchLine:
    """What a line of ``fpctl batch`` runs with (Click's ``ctx.obj``)."""

    shared: Shared
    number: int  # 1-based, counting blank and comment lines
    command: str  # the line as written, without a leading ``fpctl``
    defaults: Mapping[str, Any]  # the batch's own options, for those the line leaves unset
    held: list[Emitted | str] = field(default_factory=list)  # outputs and notes, in order

    @property
    def quiet(self) -> bool:
        return bool(self.defaults.get("quiet"))


def refuse_in_batch(run: Invocation, what: str) -> None:
    """Commands that need the store to themselves (upgrade, backup, check) cannot join."""
    if run.batch is not None:
        raise InvalidInput(
            f"`fpctl {what}` cannot run inside a batch (it needs the store to itself)",
            hint=f"run `fpctl {what}` on its own, before or after the batch",
            code="not_in_batch",
        )


@dataclass
class Invocation:
    output: str = "table"
    redact: bool = False
    as_: str | None = None
    reason: str | None = None
    account: str | None = None
    dry_run: bool = False
    yes: bool = False
    db: str | None = None
    now: str | None = None
    force_clock: bool = False
    quiet: bool = False
    debug: bool = False
    limit: int | None = None
    all: bool = False
    batch: BatchLine | None = None
    _store: Store | None = None

    # -- the store -------------------------------------------------------------------------

    def location(self) -> StoreLocation:
        gc_pause.resume()  # the command's modules are imported: collect as always from here
        if self.batch is not None:
            return self.batch.shared.store.location
        from fpctl.store.location import resolve

        return resolve(self.db)

    def store(self) -> Store:
        """The opened store (its schema checked once): the batch's, or this run's own."""
        gc_pause.resume()
        if self.batch is not None:
            return self.batch.shared.store
        if self._store is None:
            from fpctl.services.work import open_store

            self._store = open_store(self.location())  # FPCTL_DATABASE_URL wins over --db
        return self._store

    def close(self) -> None:
        """Close this run's own store (a batch's stays open for its next line)."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def clock(self) -> datetime:
        from fpctl.services.work import instant

        return instant(self.now)

    @property
    def _shared(self) -> Shared | None:
        return self.batch.shared if self.batch is not None else None

    @contextmanager
    def work(self, *, write: bool, settle: bool = True) -> Iterator[Context]:
        """One unit of work with the actor resolved and everything due settled first."""
        from fpctl.services.work import unit_of_work

        with unit_of_work(
            self.store(),
            as_=self.as_,
            account=self.account,
            reason=self.reason,
            now=self.now,
            write=write,
            dry_run=self.dry_run,
            settle=settle,
            join=self._shared,
            force_clock=self.force_clock,
        ) as ctx:
            yield ctx
        if write and self.dry_run:
            self.note("dry run: nothing was changed")

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[Session]:
        """A bare session for commands that need no actor (``tick``): their own unit of
        work, or the batch's."""
        from fpctl.services.work import session_of

        with session_of(
            self.store(),
            write=write,
            dry_run=self.dry_run,
            join=self._shared,
            now=self.now,
            force_clock=self.force_clock,
        ) as session:
            yield session
        if write and self.dry_run and self.batch is not None:
            self.note("dry run: nothing was changed")

    @property
    def _quiet(self) -> bool:
        return self.quiet or (self.batch is not None and self.batch.quiet)

    # -- output ----------------------------------------------------------------------------

    @property
    def for_people(self) -> bool:
        """A table, wide or not, or Markdown: drawn for someone to read, not parsed."""
        return self.output in PEOPLE

    def note(self, message: str) -> None:
        if self.batch is not None:
            if not self._quiet:
                self.batch.held.append(message)
            return
        from fpctl.render import note

        note(message, quiet=self._quiet)

    def emit(
        self,
        data: Mapping[str, Any] | Iterable[Mapping[str, Any]],
        *,
        columns: Sequence[str] | None = None,
        table_columns: Sequence[str] | None = None,
        title: str | None = None,
    ) -> None:
        """``columns`` choose the keys shown in every format; ``table_columns`` only those of
        a table for people (machine formats keep every key)."""
        from fpctl.render import emit

        if table_columns is not None and self.output in NARROW:
            columns = table_columns
        if self.redact:
            from fpctl.render.redact import redacted

            data = redacted(data)
        limit = sys.maxsize if self.all else self.limit
        if self.batch is not None:
            self.batch.held.append(self._held(data, columns=columns, title=title, limit=limit))
            return
        emit(data, self.output, columns=columns, title=title, limit=limit, quiet=self._quiet)

    def emit_change(
        self,
        view: Mapping[str, Any],
        *,
        unchanged: str | None,
        table_columns: Sequence[str] | None = None,
        title: str | None = None,
    ) -> None:
        """Print a change's object, after its commit. A change that had nothing to do
        (``unchanged``: why) prints the object as it is and says why on stderr; the JSON keeps
        the object's own shape (SPEC §3.4; docs/decisions.md, "Nothing changed")."""
        if unchanged is not None:
            self.note(unchanged)
        self.emit(view, table_columns=table_columns, title=title)

    def _held(
        self,
        data: Mapping[str, Any] | Iterable[Mapping[str, Any]],
        *,
        columns: Sequence[str] | None,
        title: str | None,
        limit: int | None,
    ) -> Emitted:
        """A batch line's output, read now (its rows come from the open session)."""
        if isinstance(data, Mapping):
            kept: Mapping[str, Any] | list[Mapping[str, Any]] = dict(data)
        elif self.output in TABLES or limit is None:
            kept = list(data)
        else:
            kept = list(islice(data, limit))
        return Emitted(kept, self.output, columns, title, limit)

    @contextmanager
    def progress(self, message: str, *, items: int) -> Iterator[None]:
        """A spinner on stderr while big work runs (terminals only; SPEC §3.4: work that
        takes over about a second, which for bulk input means a thousand rows or more)."""
        quiet = self._quiet or self.batch is not None  # a batch shows its own progress
        if quiet or items < PROGRESS_MIN_ITEMS or not sys.stderr.isatty():
            yield
            return
        from rich.console import Console

        from fpctl.render.safe import safe_text

        with Console(stderr=True).status(safe_text(message)):
            yield

    def emit_bulk(self, rows: Iterable[Mapping[str, Any]], *, columns: Sequence[str]) -> None:
        """Per-item results, streamed; exit 6 when some items failed (SPEC §3.4, §3.5)."""
        tally = {"rows": 0, "failed": 0}

        def counted() -> Iterator[Mapping[str, Any]]:
            for row in rows:
                tally["rows"] += 1
                tally["failed"] += row.get("result") == "failed"
                yield row

        if self.output in TABLES and not self.all and self.batch is None:
            self._summarize_bulk(counted(), columns=columns)
        else:
            self.emit(counted(), columns=columns)
        if tally["failed"]:
            raise PartialFailure(
                f"{tally['failed']} of {words.counted(tally['rows'], 'item')} failed; "
                "the others were done",
                hint="fix the failed rows and run the same input again: done rows report "
                "`unchanged`",
            )

    def _summarize_bulk(self, rows: Iterable[Mapping[str, Any]], *, columns: Sequence[str]) -> None:
        """At a terminal, a big run is a count per result, then every failed row (a page of
        rows would hide a failure at line 2,501); a small one is all its rows. --all shows
        every row."""
        from collections import Counter

        from fpctl.render.output import DEFAULT_TABLE_ROWS

        first: list[Mapping[str, Any]] = []
        failed: list[Mapping[str, Any]] = []
        results: Counter[str] = Counter()
        for row in rows:
            results[str(row.get("result"))] += 1
            if len(first) <= DEFAULT_TABLE_ROWS:
                first.append(row)
            if row.get("result") == "failed":
                failed.append(row)
        if len(first) <= DEFAULT_TABLE_ROWS:
            self.emit(first, columns=columns)
            return
        print(" · ".join(f"{result} {count:,}" for result, count in results.items()))
        if failed:
            self.emit(failed, columns=columns, title="Failed")
        self.note("every row: --all, or -o csv/json")

    def confirm(self, question: str) -> None:
        """Destructive actions need --yes, or a 'y' typed at a terminal (a dry run changes
        nothing, so it needs neither)."""
        if self.yes or self.dry_run:
            return
        if not sys.stdin.isatty():
            raise InvalidInput(
                f"{question.rstrip('?')}: this needs confirmation",
                hint="add --yes to confirm when not running at a terminal",
                code="confirmation_required",
            )
        import typer

        if not typer.confirm(question, default=False, err=True):
            raise InvalidInput("not confirmed: nothing was changed", code="not_confirmed")
