"""The unit of work: what every use case runs inside, opened from plain values.

``open_store()`` finds the store, opens it and brings its schema up to date (once per
process). ``unit_of_work(store, as_=..., now=..., write=...)`` then yields the ``Context`` of
one transaction: what is due settled first (SPEC §3.6), the actor and the account resolved
from ``as_``/``account``; committed at the end of the block, rolled back on any error or for
a dry run. ``shared_work()`` holds one write transaction open for several units of work
(``fpctl batch``): each joins it with ``join=``, and only the shared one commits.

The command line is one client of this module; a script is another::

    from fpctl.services import work
    from fpctl.services.team import inviting

    store = work.open_store("acme.db")
    with work.unit_of_work(store, as_="ada@acme.test", write=True) as ctx:
        inviting.invite(ctx, "bob@acme.test")
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from fpctl import clock
from fpctl.domain.actors import Actor
from fpctl.services import actors, memo, store_clock
from fpctl.services import settle as settling
from fpctl.services.context import Context
from fpctl.store.db import create_store_engine, store_errors, transaction
from fpctl.store.location import StoreLocation, named, resolve
from fpctl.store.schema import ensure_current
from fpctl.store.tables import Account


@dataclass(frozen=True)
class Store:
    """An opened store: where it is and the engine on it (schema checked when opened)."""

    location: StoreLocation
    engine: Engine

    def close(self) -> None:
        """Close the store's pooled connections (a server counts them against its limit)."""
        self.engine.dispose()


def open_store(target: StoreLocation | str | None = None) -> Store:
    """The store ``target`` names (a file path, or a ``postgresql://`` / ``sqlite:///`` URL;
    ``None``: ``FPCTL_DATABASE_URL``, else ``FPCTL_DB``, else the default file), its schema
    brought up to date."""
    if isinstance(target, StoreLocation):
        location = target
    else:
        location = named(target) if target else resolve()
    engine = create_store_engine(location)
    with store_errors():
        ensure_current(engine)
    return Store(location, engine)


@dataclass
class Shared:
    """One write transaction that several units of work join: one write lock, one commit."""

    store: Store
    session: Session
    settled_at: datetime | None = None  # everything due up to this instant is settled

    def settle(self, now: datetime) -> None:
        """Settle what is due as of ``now``, unless settled up to it already."""
        if self.settled_at is not None and now <= self.settled_at:
            return
        self.session.flush()
        settle_if_due(self.session, now)
        self.settled_at = now


@contextmanager
def shared_work(
    store: Store,
    *,
    now: datetime | str | None = None,
    dry_run: bool = False,
    force_clock: bool = False,
) -> Iterator[Shared]:
    """Take the write lock now and hold it for every unit of work that joins; commit at the
    end (roll back on any error, or for a dry run)."""
    at = instant(now)
    with transaction(store.engine, write=True, dry_run=dry_run) as session:
        _clocked(session, at, pinned=is_pinned(now), force=force_clock, change=True)
        memo.start(session)
        shared = Shared(store, session)
        shared.settle(at)
        yield shared


def is_pinned(now: datetime | str | None) -> bool:
    """Whether ``now`` is a pinned clock: given, or ``FPCTL_NOW``/``--now``."""
    return now is not None or clock.is_pinned()


def _clocked(session: Session, now: datetime, *, pinned: bool, force: bool, change: bool) -> None:
    """Refuse a pinned clock far from the real one on a real store (store_clock.py), and
    mark the store by the clock of a change."""
    if change:
        store_clock.settle_clock(session, now, pinned=pinned, force=force)
    elif pinned and not force:
        store_clock.guard(session, now)


def instant(now: datetime | str | None) -> datetime:
    """``now`` as an aware UTC instant; ``None`` reads the clock (``FPCTL_NOW`` or the system)."""
    if now is None:
        return clock.now()
    if isinstance(now, str):
        return clock.parse_instant(now)
    return clock.as_utc(now)


def settle_if_due(session: Session, now: datetime) -> None:
    """Run the settlers only when a one-row probe finds something due."""
    if settling.anything_due(session, now):
        settling.settle_due(session, now)


@contextmanager
def unit_of_work(
    store: Store | str | None = None,
    *,
    as_: str | None = None,
    account: str | None = None,
    reason: str | None = None,
    agent: str | None = None,
    now: datetime | str | None = None,
    write: bool = False,
    dry_run: bool = False,
    settle: bool = True,
    join: Shared | None = None,
    force_clock: bool = False,
) -> Iterator[Context]:
    """One use case's transaction and its ``Context`` (see the module docstring).

    ``agent`` names the operator behind every record, whoever ``as_`` is (default
    ``FPCTL_AGENT``, else the login name); ``reason`` is kept with every record. Joined to
    ``join``, nothing commits here: a dry run undoes only this unit of work (a savepoint),
    and an error propagates to whoever holds the shared transaction.
    A ``now`` given (or ``FPCTL_NOW``) is a pinned clock: refused more than a day from the
    system clock on a store written at real time, unless ``force_clock`` (store_clock.py).
    """
    at, pinned = instant(now), is_pinned(now)
    if join is not None:
        if pinned and not force_clock:
            _guard(join.session, at)
        with _joined(join, at, write=write, dry_run=dry_run, settle=settle) as session:
            yield _context(session, at, as_=as_, account=account, reason=reason, agent=agent)
        return
    with _opened(store) as opened:
        if not write:
            _before_read(opened.engine, at, guard=pinned and not force_clock, settle=settle)
        with transaction(opened.engine, write=write, dry_run=dry_run) as session:
            if write:
                _clocked(session, at, pinned=pinned, force=force_clock, change=True)
            if settle and write:
                settle_if_due(session, at)
            yield _context(session, at, as_=as_, account=account, reason=reason, agent=agent)


@contextmanager
def session_of(
    store: Store | str | None = None,
    *,
    write: bool = False,
    dry_run: bool = False,
    join: Shared | None = None,
    now: datetime | str | None = None,
    force_clock: bool = False,
) -> Iterator[Session]:
    """A bare transaction with no actor and nothing settled first (``fpctl tick`` settles
    itself, as of ``now``): its own, or the shared one."""
    at, pinned = instant(now), is_pinned(now)
    if join is not None:
        if pinned and not force_clock:
            _guard(join.session, at)
        with _savepoint(join, dry_run=write and dry_run):
            yield join.session
        return
    with (
        _opened(store) as opened,
        transaction(opened.engine, write=write, dry_run=dry_run) as session,
    ):
        _clocked(session, at, pinned=pinned, force=force_clock, change=write)
        yield session


@contextmanager
def _opened(store: Store | str | None) -> Iterator[Store]:
    """The store given, or the one named (closed again at the end of the block)."""
    if isinstance(store, Store):
        yield store
        return
    opened = open_store(store)
    try:
        yield opened
    finally:
        opened.close()


def _before_read(engine: Engine, now: datetime, *, guard: bool, settle: bool) -> None:
    """A read's own first look, in one read transaction: the clock guard, then the probes
    for anything due. What is due is settled in a write transaction of its own, taken only
    when the probes find something, so reads neither queue behind writers nor write for
    nothing."""
    if not (guard or settle):
        return
    with transaction(engine, write=False) as session:
        if guard:
            store_clock.guard(session, now)
        due = settle and settling.anything_due(session, now)
    if due:
        with transaction(engine, write=True) as session:
            settle_if_due(session, now)  # again: another process may have settled it


def _guard(session: Session, now: datetime) -> None:
    """The pinned clock's guard inside a shared transaction: the store's clock mark read
    once, until a statement writes it."""
    kept = memo.of(session)
    if kept is None:
        store_clock.guard(session, now)
        return
    mark = kept.get(("clock mark",), {"store_setting": memo.ALL}, lambda: store_clock.mode(session))
    store_clock.refuse_if_far(mark, now)


#: What resolving ``--as``/``--account`` reads: a member's seat (any change to the members),
#: an account by slug, a freelancer by username.
_ACTOR_READS: memo.Reads = {
    "member": memo.ALL,
    "account": frozenset({"id", "slug"}),
    "freelancer": frozenset({"id", "username"}),
}


def _context(
    session: Session,
    now: datetime,
    *,
    as_: str | None,
    account: str | None,
    reason: str | None,
    agent: str | None,
) -> Context:
    def resolve() -> tuple[Actor, Account | None]:
        return actors.resolve(session, as_, account_slug=account, reason=reason, agent=agent)

    kept = memo.of(session)
    if kept is None:
        actor, found = resolve()
    else:  # resolved once per batch, again after a line changes who they are
        actor, found = kept.get(("actor", as_, account, reason, agent), _ACTOR_READS, resolve)
    return Context(session=session, actor=actor, now=now, account=found)


@contextmanager
def _joined(
    join: Shared, now: datetime, *, write: bool, dry_run: bool, settle: bool
) -> Iterator[Session]:
    with _savepoint(join, dry_run=write and dry_run):
        if settle:
            join.settle(now)
        yield join.session


@contextmanager
def _savepoint(join: Shared, *, dry_run: bool) -> Iterator[None]:
    """Flush at the end, so a failure shows up in the unit of work that caused it; a dry run
    rolls back to a savepoint and restores the session's caches (the audit chain's head)."""
    session = join.session
    with store_errors():
        if not dry_run:
            yield
            session.flush()
            return
        info, settled_at = dict(session.info), join.settled_at
        savepoint = session.begin_nested()
        try:
            yield
            session.flush()
        finally:
            savepoint.rollback()
            session.info.clear()
            session.info.update(info)
            join.settled_at = settled_at
            kept = memo.of(session)
            if kept is not None:
                kept.forget()
