"""What the Hypothesis state machines share (tests/test_invariants.py for the team,
tests/test_money_invariants.py for orders, money, rewards and subscriptions): a real SQLite
store per example, built once per process and then copied; units of work at the machine's
own instant, which is also the pinned clock; reads for the checks through plain sqlite3;
and the refusal rule: a change refused with an FpctlError leaves every row of every table
as it was.
"""

from __future__ import annotations

import functools
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from hypothesis.stateful import RuleBasedStateMachine, invariant

from fpctl import clock
from fpctl.errors import FpctlError
from fpctl.services import work
from fpctl.services.context import Context
from fpctl.store.db import create_store_engine
from fpctl.store.location import resolve
from fpctl.store.schema import ensure_current

T = TypeVar("T")
M = TypeVar("M", bound="StoreMachine")
_TEMPLATES: dict[str, bytes] = {}


def fresh_store(
    directory: Path, key: str = "empty", build: Callable[[work.Store], None] | None = None
) -> work.Store:
    """A migrated store file in ``directory``, with ``build(store)`` run on it: built the
    first time ``key`` is asked for in this process, copied from those bytes afterwards
    (examples stay cheap)."""
    path = directory / "fpctl.db"
    location = resolve(str(path))
    if key in _TEMPLATES:
        path.write_bytes(_TEMPLATES[key])
        return work.Store(location, create_store_engine(location))
    engine = create_store_engine(location)
    ensure_current(engine)
    if build is not None:
        build(work.Store(location, engine))
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    _TEMPLATES[key] = path.read_bytes()
    return work.Store(location, create_store_engine(location))


class StoreMachine(RuleBasedStateMachine):
    """A state machine over one store file. ``TABLES`` are what a refusal must leave
    unchanged (None: every table); ``now`` is the instant every unit of work runs at."""

    KEY = "empty"
    TABLES: tuple[str, ...] | None = None

    def __init__(self, now: datetime) -> None:
        super().__init__()
        self.directory = Path(tempfile.mkdtemp(prefix="fpctl-machine-"))
        self.store = fresh_store(self.directory, self.KEY, type(self).build)
        self.engine = self.store.engine
        self.reader = sqlite3.connect(self.directory / "fpctl.db", isolation_level=None)
        self.now = now  # pins the clock too
        self._looked_at: dict[str, Any] = {}
        self._tables = self.TABLES or tuple(
            name
            for (name,) in self.reader.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        )

    @property
    def now(self) -> datetime:
        return self._now

    @now.setter
    def now(self, now: datetime) -> None:
        """The machine's instant, and the pinned clock: code that reads the clock itself
        (``fpctl tick``'s session) sees the same instant as the units of work."""
        self._now = now
        clock.set_now(now)

    @staticmethod
    def build(store: work.Store) -> None:
        """What the template store holds besides the schema (nothing by default)."""

    def teardown(self) -> None:
        clock.set_now(None)
        self.reader.close()
        self.engine.dispose()
        shutil.rmtree(self.directory, ignore_errors=True)

    def work(
        self, as_: str | None = None, *, account: str | None = None, reason: str | None = None
    ) -> AbstractContextManager[Context]:
        """One committed unit of work at ``self.now`` (what is due is settled first)."""
        return work.unit_of_work(
            self.store, as_=as_, account=account, reason=reason, now=self.now, write=True
        )

    def query(self, sql: str, **params: Any) -> list[Any]:
        """Reads for the checks go through plain sqlite3: cheap, and outside the ORM."""
        return self.reader.execute(sql, params).fetchall()

    def snapshot(self) -> tuple[list[Any], ...]:
        return tuple(
            self.query(f'SELECT * FROM "{table}" ORDER BY rowid')  # names from the schema
            for table in self._tables
        )

    def changed_since_last(self, check: str, *depends_on: Any) -> bool:
        """Whether the store (or anything else ``check`` depends on) changed since ``check``
        last looked: after a refusal the store is as it was, so the invariants that held
        still hold. SQLite's ``data_version`` moves with every commit of another connection."""
        [(version,)] = self.query("PRAGMA data_version")
        key = (version, *depends_on)
        if self._looked_at.get(check) == key:
            return False
        self._looked_at[check] = key
        return True

    def refused_or_done(self, change: Callable[[], T]) -> tuple[bool, T | None]:
        """Run ``change``: (True, its result), or (False, None) when it was refused — and
        then the store is exactly as it was. Any other exception is a bug and propagates."""
        before = self.snapshot()
        try:
            result = change()
        except FpctlError:
            assert self.snapshot() == before, "a refused change left traces"
            return False, None
        return True, result


def store_invariant(check: Callable[[M], None]) -> Callable[[M], None]:
    """An invariant of the store's rows: checked after every step that changed the store
    (``StoreMachine.changed_since_last``), skipped after a refusal or a step that only
    moved the machine's clock."""

    @functools.wraps(check)
    def checked(machine: M) -> None:
        if machine.changed_since_last(check.__name__):
            check(machine)

    return invariant()(checked)
