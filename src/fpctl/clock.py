"""The one clock: ``--now`` / ``FPCTL_NOW``, else the system clock. Always aware UTC."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from functools import lru_cache

from fpctl.errors import InvalidInput

_override: datetime | None = None


#: The instants fpctl reads: wide enough for any real date, narrow enough that a year of
#: renewals or a 365-day window computed from them stays a valid datetime.
FIRST_YEAR, LAST_YEAR = 1970, 9000


def parse_instant(text: str) -> datetime:
    """Parse an ISO-8601 date or date-time; naive values are taken as UTC."""
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not an ISO-8601 date or time",
            hint="use a form like 2026-11-23 or 2026-11-23T09:30:00Z",
        ) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidInput(
            f"{text!r} is outside the years {FIRST_YEAR} to {LAST_YEAR}",
            hint="use a form like 2026-11-23 or 2026-11-23T09:30:00Z",
        )
    return as_utc(value)


def as_utc(value: datetime) -> datetime:
    """Make a datetime aware UTC (SQLite hands back naive values, which we store as UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def set_now(value: datetime | str | None) -> None:
    """Pin the clock (``--now``); ``None`` returns to the environment or the system clock."""
    global _override  # noqa: PLW0603  (one process, one clock: --now pins it)
    _override = parse_instant(value) if isinstance(value, str) else value


def now() -> datetime:
    if _override is not None:
        return _override
    pinned = os.environ.get("FPCTL_NOW")
    if pinned:
        return parse_instant(pinned)
    return system_now()


def is_pinned() -> bool:
    """Whether ``now()`` reads a pinned clock rather than the system's."""
    return _override is not None or bool(os.environ.get("FPCTL_NOW"))


def system_now() -> datetime:
    """The system clock, whatever is pinned (to tell a pinned clock far from it)."""
    return datetime.now(UTC)


@lru_cache(maxsize=256)  # bulk output and audit hashes repeat the same few instants
def iso(value: datetime | None) -> str | None:
    """The one textual form of an instant: ISO-8601 UTC with a ``Z``, to the second."""
    if value is None:
        return None
    return as_utc(value).replace(microsecond=0).isoformat().replace("+00:00", "Z")
