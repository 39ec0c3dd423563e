"""Subscription arithmetic (SPEC §1.7): monthly cycles from the start date, pro-rata refunds.

A cycle runs from the start date's day-of-month to the same day next month, clamped to the
month's last day (a plan started on 31 January renews on 28 or 29 February, then 31 March:
each renewal is counted from the start date, not from the previous renewal).
"""

from __future__ import annotations

import calendar
from datetime import datetime

ADVANCED_PRICE_CENTS = 12_900


def add_months(start: datetime, months: int) -> datetime:
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


def cycle_at(start: datetime, now: datetime) -> tuple[datetime, datetime]:
    """The cycle (start inclusive, end exclusive) that contains ``now``."""
    if now < start:
        raise ValueError("the plan had not started")
    months = (now.year - start.year) * 12 + now.month - start.month
    begin = add_months(start, months)
    if begin > now:
        months -= 1
        begin = add_months(start, months)
    return begin, add_months(start, months + 1)


def prorata_refund(start: datetime, now: datetime, price_cents: int = ADVANCED_PRICE_CENTS) -> int:
    """``price * unused_seconds // seconds_in_cycle``, rounded down to the cent."""
    begin, end = cycle_at(start, now)
    unused = int((end - now).total_seconds())
    length = int((end - begin).total_seconds())
    return price_cents * unused // length
