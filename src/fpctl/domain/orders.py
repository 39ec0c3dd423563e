"""Orders as pure rules (SPEC §1.5): statuses, the moves between them, flags and time windows.

The order services (issue 3) ask this module whether a move is allowed and what it leads
to; nothing here touches the store or the clock (``now`` is always passed in).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from fpctl.domain.money import parse_cents
from fpctl.domain.text import SHORT_TEXT, within
from fpctl.errors import InvalidInput, RuleViolation


class OrderStatus(StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"
    AWAITING_REQUIREMENTS = "awaiting_requirements"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    IN_REVISION = "in_revision"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


TERMINAL = frozenset({OrderStatus.COMPLETED, OrderStatus.CANCELLED, OrderStatus.REJECTED})
#: Every status an order can still move from, as stored.
OPEN_STATUSES = tuple(status.value for status in OrderStatus if status not in TERMINAL)


class OrderKind(StrEnum):
    FIXED = "fixed"
    MILESTONES = "milestones"
    HOURLY = "hourly"


class Move(StrEnum):
    """What can happen to an order; the value completes "cannot …"."""

    APPROVE = "be approved"
    REJECT = "be rejected"
    SUBMIT_REQUIREMENTS = "take requirements"
    SKIP_REQUIREMENTS = "skip requirements"
    DELIVER = "be delivered"
    ACCEPT = "be accepted"
    ASK_REVISION = "go into revision"
    AUTO_COMPLETE = "complete on its own"
    CANCEL = "be cancelled"


S = OrderStatus
_MOVES: dict[tuple[OrderStatus, Move], OrderStatus] = {
    (S.AWAITING_APPROVAL, Move.APPROVE): S.AWAITING_REQUIREMENTS,
    (S.AWAITING_APPROVAL, Move.REJECT): S.REJECTED,
    (S.AWAITING_REQUIREMENTS, Move.SUBMIT_REQUIREMENTS): S.IN_PROGRESS,
    (S.AWAITING_REQUIREMENTS, Move.SKIP_REQUIREMENTS): S.IN_PROGRESS,
    (S.IN_PROGRESS, Move.DELIVER): S.DELIVERED,
    (S.IN_REVISION, Move.DELIVER): S.DELIVERED,
    (S.DELIVERED, Move.ACCEPT): S.COMPLETED,
    (S.DELIVERED, Move.ASK_REVISION): S.IN_REVISION,
    (S.DELIVERED, Move.AUTO_COMPLETE): S.COMPLETED,
    **{(status, Move.CANCEL): S.CANCELLED for status in S if status not in TERMINAL},
}


def after(status: OrderStatus | str, move: Move) -> OrderStatus:
    """The status ``move`` leads to; a RuleViolation when the order cannot make that move."""
    current = OrderStatus(status)
    try:
        return _MOVES[(current, move)]
    except KeyError:
        raise RuleViolation(
            f"an order that is {current.value} cannot {move.value}", code="invalid_transition"
        ) from None


def moves_from(status: OrderStatus | str) -> list[Move]:
    """Every move open to an order in ``status`` (for `order next`)."""
    current = OrderStatus(status)
    return [move for (source, move) in _MOVES if source is current]


# -- time rules -----------------------------------------------------------------------------

CANCELLATION_ANSWER_WINDOW = timedelta(hours=48)  # then the request is accepted on its own
# After every delivery, a milestone's included (SPEC §1.5: 3 days), unless the buyer acted.
AUTO_COMPLETE_AFTER = timedelta(days=3)
GUARANTEE_WINDOW = timedelta(days=14)  # support's satisfaction-guarantee refund
#: The buyer side answers a week's hour report within this window after the week ends.
HOUR_REPORT_WINDOW = timedelta(days=5)
VERY_LATE_AFTER = timedelta(hours=24)

# The freelancer owes work (waiting for requirements, the clock has not started).
_RUNNING = frozenset({S.IN_PROGRESS, S.IN_REVISION})


def flags(status: OrderStatus | str, due_at: datetime | None, now: datetime) -> list[str]:
    """``late`` once past the due date while the freelancer still owes work; ``very_late``
    from 24 hours past it."""
    if due_at is None or OrderStatus(status) not in _RUNNING or now <= due_at:
        return []
    return ["late", "very_late"] if now - due_at >= VERY_LATE_AFTER else ["late"]


def seconds_left(expires_at: datetime, now: datetime) -> int:
    """Seconds until ``expires_at`` (never negative): a cancellation request's time left."""
    return max(0, int((expires_at - now).total_seconds()))


def format_hours(hundredths: int) -> str:
    """1250 hundredths of an hour → ``12.50``."""
    whole, part = divmod(hundredths, 100)
    return f"{whole}.{part:02d}"


def buyer_may_cancel_alone(
    status: OrderStatus | str, due_at: datetime | None, now: datetime
) -> bool:
    """Before requirements are submitted, or once the order is very late."""
    current = OrderStatus(status)
    if current in (S.AWAITING_APPROVAL, S.AWAITING_REQUIREMENTS):
        return True
    return "very_late" in flags(current, due_at, now)


# -- what a buyer asks for -------------------------------------------------------------------

MIN_MILESTONES, MAX_MILESTONES = 2, 5
MIN_HOURLY_ESTIMATE = 8
HOURLY_INITIATION_FEE_CENTS = 500


@dataclass(frozen=True)
class Milestone:
    title: str
    amount_cents: int


def parse_milestones(specs: list[str]) -> list[Milestone]:
    """``--milestone "Design=1200"`` given 2 to 5 times."""
    if not MIN_MILESTONES <= len(specs) <= MAX_MILESTONES:
        raise InvalidInput(
            f"an order has {MIN_MILESTONES} to {MAX_MILESTONES} milestones, not {len(specs)}",
            hint='give --milestone "TITLE=AMOUNT" for each',
        )
    milestones = []
    for spec in specs:
        title, sep, amount = spec.rpartition("=")
        if not sep or not title.strip():
            raise InvalidInput(f"{spec!r} is not a milestone", hint='write "TITLE=AMOUNT"')
        title = within(title.strip(), "a milestone title", SHORT_TEXT)
        milestones.append(Milestone(title, parse_cents(amount)))
    return milestones


_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$", re.ASCII)


def parse_iso_week(text: str) -> date:
    """``2026-W47`` → the Monday that starts it."""
    match = _ISO_WEEK.match(text.strip())
    if match is None:
        raise InvalidInput(f"{text!r} is not an ISO week", hint="write it like 2026-W47")
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a week of that year") from None


def check_hourly_terms(*, estimate_hours: int, weekly_limit_hours: int | None) -> None:
    if estimate_hours < MIN_HOURLY_ESTIMATE:
        raise InvalidInput(
            f"an hourly order needs an estimate of at least "
            f"{MIN_HOURLY_ESTIMATE} hours, not {estimate_hours}"
        )
    if weekly_limit_hours is not None and not 1 <= weekly_limit_hours <= 168:
        raise InvalidInput("the weekly limit is 1 to 168 hours")
