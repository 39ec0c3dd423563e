"""What one run of a command needs: the options every command accepts, and the unit of work.

``Invocation.work()`` opens the store, brings its schema up to date, resolves ``--as`` and
``--account``, settles what is due as of now (SPEC §3.6), and yields the service Context
inside one transaction: committed for a change, rolled back for a dry run or an error.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fpctl.errors import InvalidInput, PartialFailure

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from fpctl.services.context import Context
    from fpctl.store.location import StoreLocation


PROGRESS_MIN_ITEMS = 1000


@dataclass
class Invocation:
    output: str = "table"
    as_: str | None = None
    reason: str | None = None
    account: str | None = None
    dry_run: bool = False
    yes: bool = False
    db: str | None = None
    now: str | None = None
    quiet: bool = False
    debug: bool = False
    limit: int | None = None
    all: bool = False
    _engine: Engine | None = None

    # -- the store -------------------------------------------------------------------------

    def location(self) -> StoreLocation:
        from fpctl.store.location import resolve

        return resolve(self.db)

    def engine(self) -> Engine:
        if self._engine is None:
            from fpctl.store.db import create_store_engine, store_errors
            from fpctl.store.schema import ensure_current

            engine = create_store_engine(self.location())
            with store_errors():
                ensure_current(engine)
            self._engine = engine
        return self._engine

    def clock(self) -> Any:
        from fpctl import clock

        clock.set_now(self.now)  # also un-pins a clock an earlier in-process run pinned
        return clock.now()

    @contextmanager
    def work(self, *, write: bool, settle: bool = True) -> Iterator[Context]:
        """One unit of work with the actor resolved and everything due settled first."""
        from fpctl.services import actors
        from fpctl.services import settle as settling
        from fpctl.services.context import Context
        from fpctl.store.db import unit_of_work

        now = self.clock()
        engine = self.engine()
        if settle and not write:
            with unit_of_work(engine, write=False) as session:
                due = settling.anything_due(session, now)
            if due:
                with unit_of_work(engine, write=True) as session:
                    settling.settle_due(session, now)
        with unit_of_work(engine, write=write, dry_run=self.dry_run) as session:
            if settle and write:
                settling.settle_due(session, now)
            actor, account = actors.resolve(
                session, self.as_, account_slug=self.account, reason=self.reason
            )
            yield Context(session=session, actor=actor, now=now, account=account)
        if write and self.dry_run:
            self.note("dry run: nothing was changed")

    # -- output ----------------------------------------------------------------------------

    def note(self, message: str) -> None:
        from fpctl.render import note

        note(message, quiet=self.quiet)

    def emit(
        self,
        data: Mapping[str, Any] | Iterable[Mapping[str, Any]],
        *,
        columns: Sequence[str] | None = None,
        title: str | None = None,
    ) -> None:
        from fpctl.render import emit

        limit = sys.maxsize if self.all else self.limit
        emit(data, self.output, columns=columns, title=title, limit=limit, quiet=self.quiet)

    @contextmanager
    def progress(self, message: str, *, items: int) -> Iterator[None]:
        """A spinner on stderr while big work runs (terminals only; SPEC §3.4: work that
        takes over about a second, which for bulk input means a thousand rows or more)."""
        if self.quiet or items < PROGRESS_MIN_ITEMS or not sys.stderr.isatty():
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

        self.emit(counted(), columns=columns)
        if tally["failed"]:
            raise PartialFailure(
                f"{tally['failed']} of {tally['rows']} items failed; the others were done",
                hint="fix the failed rows and run the same input again: done rows report "
                "`unchanged`",
            )

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
