"""A pinned clock far from the real one is refused on a store written at real time.

Settling is for good: ``account show --now 2030-01-01`` on a real store would charge four
years of renewals and auto-complete every delivered order. So the store remembers how its
clock has been used (``store_setting`` ``clock``):

- ``pinned``: every change so far was made under a pinned clock (``--now``/``FPCTL_NOW``):
  tests, CI smoke runs, rehearsals. Any pinned clock is accepted.
- ``real``: some change was made at real time. A pinned clock more than ``TOLERANCE``
  away from the system clock is refused (exit 2, ``clock_mistake``) unless forced.
- ``test``: marked by ``demo seed``; any clock, forever.

A store with no mark yet (new, or upgraded from before the mark) takes the mark of its first
change. Reads never mark: only a change made at real time makes a store ``real``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session

from fpctl import clock
from fpctl.errors import InvalidInput

PINNED, REAL, TEST = "pinned", "real", "test"
TOLERANCE = timedelta(days=1)
_KEY = "clock"


def mode(session: Session) -> str | None:
    row = session.execute(
        text("SELECT value FROM store_setting WHERE key = :key"), {"key": _KEY}
    ).first()
    return None if row is None else str(row[0])


def guard(session: Session, now: datetime) -> None:
    """Refuse ``now`` (a pinned clock) when the store is real and it is far from the system
    clock."""
    refuse_if_far(mode(session), now)


def settle_clock(session: Session, now: datetime, *, pinned: bool, force: bool) -> None:
    """For a change made now: the guard (a pinned clock, unless forced), then the mark of
    the change's clock, on one read of the mark."""
    current = mode(session)
    if pinned and not force:
        refuse_if_far(current, now)
    if current in (TEST, REAL) or (current == PINNED and pinned):
        return
    _set(session, PINNED if pinned else REAL, exists=current is not None)


def refuse_if_far(current: str | None, now: datetime) -> None:
    """Refuse ``now`` when the store's mark ``current`` is real and ``now`` is far from
    the system clock."""
    if current != REAL:
        return
    distance = abs(now - clock.system_now())
    if distance <= TOLERANCE:
        return
    days = f"{distance.days:,} day" + ("s" if distance.days != 1 else "")
    raise InvalidInput(
        f"the clock is pinned to {clock.iso(now)}, {days} from the system clock, and "
        "this store is written at real time: everything due until then would be settled "
        "for good",
        hint="add --force-clock (or FPCTL_FORCE_CLOCK=1) if that is what you mean, "
        "or try it on a copy first: fpctl db backup copy.db",
        code="clock_mistake",
    )


def mark_test(session: Session) -> None:
    """A demo or test store: any clock is accepted from now on."""
    current = mode(session)
    if current != TEST:
        _set(session, TEST, exists=current is not None)


def _set(session: Session, value: str, *, exists: bool) -> None:
    sql = (
        "UPDATE store_setting SET value = :value WHERE key = :key"
        if exists
        else "INSERT INTO store_setting (key, value) VALUES (:key, :value)"
    )
    session.execute(text(sql), {"key": _KEY, "value": value})
