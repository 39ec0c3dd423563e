"""domain.offers: what a custom offer may promise, checked when it is sent."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fpctl.clock import parse_instant
from fpctl.domain.money import parse_cents
from fpctl.domain.offers import amount_text, expires_at, offer_terms
from fpctl.domain.orders import Milestone, OrderKind
from fpctl.errors import InvalidInput

AT = parse_instant("2026-11-01T10:00:00Z")


def test_the_three_kinds_of_terms() -> None:
    fixed = offer_terms(amount="900", days=7, revisions=2)
    assert (fixed.kind, fixed.total_cents, fixed.delivery_days, fixed.revisions) == (
        OrderKind.FIXED,
        90000,
        7,
        2,
    )
    staged = offer_terms(milestones=["Sketch=300", "a=b=600.50"], days=14)
    assert staged.kind is OrderKind.MILESTONES
    assert staged.milestones == [Milestone("Sketch", 30000), Milestone("a=b", 60050)]
    assert staged.total_cents == 90050
    hourly = offer_terms(hourly=True, rate="60", weekly_limit=10, estimate=20)
    assert (hourly.kind, hourly.total_cents, hourly.rate_cents) == (OrderKind.HOURLY, 120000, 6000)
    assert (hourly.weekly_limit_hours, hourly.estimate_hours, hourly.delivery_days) == (
        10,
        20,
        None,
    )


@pytest.mark.parametrize(
    "terms",
    [
        {"days": 7},  # no price at all
        {"amount": "900", "milestones": ["a=1", "b=2"], "days": 7},  # two kinds
        {"amount": "900"},  # no delivery time
        {"amount": "900", "days": 0},
        {"amount": "900", "days": 366},
        {"amount": "900", "days": 7, "revisions": -1},
        {"amount": "0", "days": 7},
        {"amount": "10000000.01", "days": 7},
        {"milestones": ["only=1"], "days": 7},
        {"milestones": [f"m{i}=1" for i in range(6)], "days": 7},
        {"milestones": ["a=6000000", "b=6000000"], "days": 7},  # the sum is too large
        {"hourly": True, "rate": "60"},  # no estimate
        {"hourly": True, "rate": "60", "estimate": 7},
        {"hourly": True, "rate": "60", "estimate": 8, "weekly_limit": 169},
    ],
)
def test_malformed_terms_are_usage_errors(terms: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        offer_terms(**terms)  # type: ignore[arg-type]


def test_expiry_defaults_to_14_days_and_is_bounded() -> None:
    assert expires_at(AT, None) == AT + timedelta(days=14)
    assert expires_at(AT, 1) == AT + timedelta(days=1)
    for days in (0, 91):
        with pytest.raises(InvalidInput):
            expires_at(AT, days)


@pytest.mark.parametrize("cents", [1, 99, 100, 123456, 1_000_000_000])
def test_amount_text_reads_back_exactly(cents: int) -> None:
    assert parse_cents(amount_text(cents)) == cents
