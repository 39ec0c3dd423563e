"""What one run of a command needs: the options every command accepts, and the unit of work.

``Invocation.work()`` opens the store, brings its schema up to date, resolves ``--as`` and
``--account``, settles what is due as of now (SPEC §3.6), and yields the service Context
inside one transaction: committed for a change, rolled back for a dry run or an error.

Inside ``fpctl batch`` an *ambient* unit of work is set (``ambient()``): every command of the
batch then joins the batch's one session and transaction instead of opening its own; the
batch alone commits or rolls back.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fpctl.errors import InvalidInput, PartialFailure

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy import Engine
    from sqlmodel import Session

    from fpctl.services.context import Context
    from fpctl.store.location import StoreLocation


PROGRESS_MIN_ITEMS = 1000


@dataclass
class Ambient:
    """The unit of work a batch holds open for all of its commands (one write lock)."""

    location: StoreLocation
    engine: Engine
    session: Session
    settled_at: datetime | None = None  # everything due up to this instant is settled
    yes: bool = False  # the batch's --yes confirms for every line
    quiet: bool = False  # the batch's -q silences every line's notes

    def settle(self, now: datetime) -> None:
        """Settle what is due as of ``now`` unless an earlier line settled up to it already
        (settlers are idempotent; this only spares a batch the probes)."""
        if self.settled_at is not None and now <= self.settled_at:
            return
        from fpctl.services import settle as settling

        self.session.flush()
        if settling.anything_due(self.session, now):
            settling.settle_due(self.session, now)
        self.settled_at = now


_AMBIENT: ContextVar[Ambient | None] = ContextVar("fpctl_ambient_work", default=None)


def current_ambient() -> Ambient | None:
    """The batch's unit of work, when commands run inside ``fpctl batch``."""
    return _AMBIENT.get()


@contextmanager
def ambient(work: Ambient) -> Iterator[Ambient]:
    """Make every ``Invocation`` in this block join ``work`` (see ``fpctl batch``)."""
    token = _AMBIENT.set(work)
    try:
        yield work
    finally:
        _AMBIENT.reset(token)


def refuse_in_batch(what: str) -> None:
    """Commands that need the store to themselves (upgrade, backup, check) cannot join."""
    if _AMBIENT.get() is not None:
        raise InvalidInput(
            f"`fpctl {what}` cannot run inside a batch (it needs the store to itself)",
            hint=f"run `fpctl {what}` on its own, before or after the batch",
            code="not_in_batch",
        )


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
        joined = _AMBIENT.get()
        if joined is not None:
            return joined.location
        from fpctl.store.location import resolve

        return resolve(self.db)

    def engine(self) -> Engine:
        joined = _AMBIENT.get()
        if joined is not None:
            return joined.engine
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

        joined = _AMBIENT.get()
        if joined is not None:
            with self._joined(joined, write=write, settle=settle) as ctx:
                yield ctx
            return
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

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[Session]:
        """A bare session for commands that need no actor (``tick``): their own unit of
        work, or the batch's."""
        from fpctl.store.db import unit_of_work

        joined = _AMBIENT.get()
        if joined is None:
            with unit_of_work(self.engine(), write=write, dry_run=self.dry_run) as session:
                yield session
            return
        with self._savepoint(joined, dry_run=write and self.dry_run):
            yield joined.session

    @contextmanager
    def _joined(self, joined: Ambient, *, write: bool, settle: bool) -> Iterator[Context]:
        """``work()`` inside a batch: the batch's session, no commit of its own, errors
        propagate (the batch rolls everything back); a line's --dry-run undoes only that
        line (a savepoint)."""
        from fpctl.services import actors
        from fpctl.services.context import Context

        now = self.clock()
        with self._savepoint(joined, dry_run=write and self.dry_run):
            if settle:
                joined.settle(now)
            actor, account = actors.resolve(
                joined.session, self.as_, account_slug=self.account, reason=self.reason
            )
            yield Context(session=joined.session, actor=actor, now=now, account=account)

    @contextmanager
    def _savepoint(self, joined: Ambient, *, dry_run: bool) -> Iterator[None]:
        from fpctl.store.db import store_errors

        session = joined.session
        with store_errors():
            if not dry_run:
                yield
                session.flush()  # a line's failure shows up at its line, not at the commit
                return
            info, settled_at = dict(session.info), joined.settled_at
            savepoint = session.begin_nested()
            try:
                yield
                session.flush()
            finally:
                savepoint.rollback()
                session.info.clear()  # caches (the audit chain's head) as they were
                session.info.update(info)
                joined.settled_at = settled_at
        self.note("dry run: nothing was changed")

    @property
    def _quiet(self) -> bool:
        joined = _AMBIENT.get()
        return self.quiet or (joined is not None and joined.quiet)

    # -- output ----------------------------------------------------------------------------

    def note(self, message: str) -> None:
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

        if table_columns is not None and self.output == "table":
            columns = table_columns
        limit = sys.maxsize if self.all else self.limit
        emit(data, self.output, columns=columns, title=title, limit=limit, quiet=self._quiet)

    @contextmanager
    def progress(self, message: str, *, items: int) -> Iterator[None]:
        """A spinner on stderr while big work runs (terminals only; SPEC §3.4: work that
        takes over about a second, which for bulk input means a thousand rows or more)."""
        quiet = self._quiet or _AMBIENT.get() is not None  # a batch shows its own progress
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
        joined = _AMBIENT.get()
        if self.yes or self.dry_run or (joined is not None and joined.yes):
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
