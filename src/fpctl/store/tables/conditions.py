"""Partial-index conditions, as literal SQL. SQLite uses a partial index only when a query
repeats its condition with the same constants (bound parameters do not count), so the
queries that need these indexes use the very same text: ``where(text(HELD_EMAIL))``.
Plain strings: a query or a check may use them without building any table."""

from __future__ import annotations

HELD_EMAIL = "status != 'removed'"  # active, deactivated, or closed forever (SPEC §1.2)
OPEN_INVITATION = "status IN ('awaiting_approval', 'pending')"
OPEN_CANCELLATION = "status = 'open'"
OPEN_DISPUTE = "status = 'open'"
