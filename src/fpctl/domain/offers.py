"""Custom offers as pure rules: what a freelancer may offer, and how long it stays open.

The terms are checked when the offer is sent with the same rules an order's terms meet
(``domain.orders``), so an offer never promises what checkout would refuse as malformed;
the policies (approval, purchase limits) and payment are checkout's, when a member accepts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fpctl.domain.money import MAX_CENTS, format_cents, parse_cents
from fpctl.domain.orders import (
    Milestone,
    OrderKind,
    check_hourly_terms,
    parse_milestones,
)
from fpctl.errors import InvalidInput

DEFAULT_EXPIRY_DAYS = 14
MAX_EXPIRY_DAYS = 90
MAX_DELIVERY_DAYS = 365
MAX_REVISIONS = 100
CUSTOM_OFFER_TITLE = "Custom offer"


@dataclass(frozen=True)
class OfferTerms:
    """What an offer sells, checked."""

    kind: OrderKind
    total_cents: int
    milestones: list[Milestone] = field(default_factory=list)
    rate_cents: int | None = None
    weekly_limit_hours: int | None = None
    estimate_hours: int | None = None
    delivery_days: int | None = None
    revisions: int = 0


def offer_terms(
    *,
    amount: str | None = None,
    milestones: list[str] | None = None,
    hourly: bool = False,
    rate: str | None = None,
    weekly_limit: int | None = None,
    estimate: int | None = None,
    days: int | None = None,
    revisions: int = 0,
) -> OfferTerms:
    """A fixed amount, 2 to 5 milestones, or hourly terms; delivery days (optional for an
    hourly offer, whose order then has no due date) and revisions."""
    given = [amount is not None, bool(milestones), hourly or rate is not None]
    if sum(given) != 1:
        raise InvalidInput(
            "an offer is one of --amount AMOUNT, --milestone TITLE=AMOUNT (2 to 5), "
            "or --hourly --rate AMOUNT --estimate H"
        )
    _check_days(days, required=not given[2])
    if not 0 <= revisions <= MAX_REVISIONS:
        raise InvalidInput(f"revisions are 0 to {MAX_REVISIONS}, not {revisions}")
    if milestones:
        parsed = parse_milestones(milestones)
        total = _total(sum(m.amount_cents for m in parsed))
        return OfferTerms(
            OrderKind.MILESTONES, total, parsed, delivery_days=days, revisions=revisions
        )
    if given[2]:
        if rate is None or estimate is None:
            raise InvalidInput("an hourly offer needs --rate AMOUNT and --estimate HOURS")
        rate_cents = parse_cents(rate)
        check_hourly_terms(estimate_hours=estimate, weekly_limit_hours=weekly_limit)
        return OfferTerms(
            OrderKind.HOURLY,
            _total(rate_cents * estimate),
            rate_cents=rate_cents,
            weekly_limit_hours=weekly_limit,
            estimate_hours=estimate,
            delivery_days=days,
            revisions=revisions,
        )
    total = _total(parse_cents(amount or ""))
    return OfferTerms(OrderKind.FIXED, total, delivery_days=days, revisions=revisions)


def _check_days(days: int | None, *, required: bool) -> None:
    if days is None:
        if required:
            raise InvalidInput("an offer needs its delivery time", hint="add --days N (1 to 365)")
        return
    if not 1 <= days <= MAX_DELIVERY_DAYS:
        raise InvalidInput(f"the delivery time is 1 to {MAX_DELIVERY_DAYS} days, not {days}")


def _total(cents: int) -> int:
    if cents > MAX_CENTS:
        raise InvalidInput(f"the offer's total {format_cents(cents)} is over $10,000,000.00")
    return cents


def expires_at(now: datetime, days: int | None) -> datetime:
    """When an offer sent now stops being acceptable (default 14 days)."""
    days = DEFAULT_EXPIRY_DAYS if days is None else days
    if not 1 <= days <= MAX_EXPIRY_DAYS:
        raise InvalidInput(f"an offer expires in 1 to {MAX_EXPIRY_DAYS} days, not {days}")
    return now + timedelta(days=days)


def amount_text(cents: int) -> str:
    """Cents as an amount ``parse_cents`` reads back exactly: 123456 → ``1234.56``."""
    dollars, rest = divmod(cents, 100)
    return f"{dollars}.{rest:02d}"
