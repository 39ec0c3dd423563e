"""Rewards and subscription arithmetic at their boundaries (SPEC §1.7, §1.9)."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fpctl.domain.enums import Tier
from fpctl.domain.plans import add_months, cycle_at, prorata_refund
from fpctl.domain.rewards import (
    check_redemption,
    deposit_points,
    next_tier,
    order_points,
    tier_for,
)
from fpctl.errors import InvalidInput, RuleViolation


@pytest.mark.parametrize(
    ("spend", "tier"),
    [
        (0, Tier.SILVER),
        (99_999, Tier.SILVER),
        (100_000, Tier.GOLD),
        (499_999, Tier.GOLD),
        (500_000, Tier.PLATINUM),
    ],
)
def test_tiers_from_spend(spend: int, tier: Tier) -> None:
    assert tier_for(spend) is tier


def test_next_tier() -> None:
    assert next_tier(40_000) == (Tier.GOLD, 60_000)
    assert next_tier(100_000) == (Tier.PLATINUM, 400_000)
    assert next_tier(500_000) is None


def test_points_per_whole_dollar_by_tier() -> None:
    assert order_points(12_399, Tier.SILVER) == 123
    assert order_points(12_399, Tier.GOLD) == 246
    assert order_points(12_399, Tier.PLATINUM) == 369
    assert order_points(99, Tier.PLATINUM) == 0


def test_deposit_points_only_at_gold_and_platinum() -> None:
    assert deposit_points(150_000, Tier.SILVER) == 0
    assert deposit_points(150_000, Tier.GOLD) == 150
    assert deposit_points(100_999, Tier.PLATINUM) == 100


def test_redemptions() -> None:
    assert check_redemption(1_000, "credits", available=1_000) == 1_000
    assert check_redemption(5_000, "gift-card", available=9_000) == 5_000
    refusals = [
        (999, "credits", 5_000, "below_minimum"),
        (3_000, "gift-card", 5_000, "invalid_multiple"),
        (3_000, "donation", 5_000, "invalid_multiple"),
        (5_000, "credits", 4_999, "not_enough_points"),
    ]
    for points, kind, available, code in refusals:
        with pytest.raises(RuleViolation) as refused:
            check_redemption(points, kind, available=available)
        assert refused.value.code == code
    with pytest.raises(InvalidInput):
        check_redemption(1_000, "cash", available=5_000)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_months_are_counted_from_the_start_date_and_clamped() -> None:
    start = at(2027, 1, 31, 9)
    assert [add_months(start, n).date().isoformat() for n in range(4)] == [
        "2027-01-31",
        "2027-02-28",
        "2027-03-31",
        "2027-04-30",
    ]
    assert add_months(at(2028, 1, 31), 1) == at(2028, 2, 29)  # leap year
    assert add_months(at(2026, 12, 15), 1) == at(2027, 1, 15)


def test_the_cycle_containing_now() -> None:
    start = at(2027, 1, 31, 9)
    assert cycle_at(start, at(2027, 2, 28, 8, 59)) == (start, at(2027, 2, 28, 9))
    assert cycle_at(start, at(2027, 2, 28, 9)) == (at(2027, 2, 28, 9), at(2027, 3, 31, 9))


@pytest.mark.parametrize(
    ("now", "refund"),
    [
        (at(2026, 11, 1), 12_900),  # the first second: nothing used
        (at(2026, 11, 16), 6_450),  # half of a 30-day month
        (at(2026, 11, 1) + timedelta(days=29, hours=23, minutes=59, seconds=59), 0),
        (at(2026, 11, 11), 8_600),  # 20 of 30 days unused: 12900 * 20 // 30
    ],
)
def test_prorata_refund_rounds_down_to_the_cent(now: datetime, refund: int) -> None:
    assert prorata_refund(at(2026, 11, 1), now) == refund


def test_prorata_in_a_31_and_a_28_day_cycle() -> None:
    assert prorata_refund(at(2026, 12, 1), at(2026, 12, 2)) == 12_900 * 30 // 31
    assert prorata_refund(at(2027, 2, 1), at(2027, 2, 2)) == 12_900 * 27 // 28


# -- properties over any start and instant ---------------------------------------------------

_elapsed = st.integers(min_value=0, max_value=3_000 * 86_400).map(lambda s: timedelta(seconds=s))
_instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda instant: instant.replace(microsecond=0))  # prorata_refund counts whole seconds


@given(start=_instants, elapsed=_elapsed)
def test_the_cycle_holds_now_and_starts_on_the_start_day(
    start: datetime, elapsed: timedelta
) -> None:
    now = start + elapsed
    begin, end = cycle_at(start, now)
    assert begin <= now < end
    assert begin.time() == end.time() == start.time()
    assert begin.day <= start.day and end.day <= start.day  # clamped, never later
    assert 28 <= (end - begin).days <= 31


@given(start=_instants, elapsed=_elapsed)
def test_the_refund_is_whole_cents_between_nothing_and_a_month(
    start: datetime, elapsed: timedelta
) -> None:
    now = start + elapsed
    refund = prorata_refund(start, now)
    assert isinstance(refund, int) and 0 <= refund <= 12_900
    begin, end = cycle_at(start, now)
    assert prorata_refund(start, begin) == 12_900  # nothing used at the start of a cycle
    unused, length = (end - now).total_seconds(), (end - begin).total_seconds()
    assert refund * length <= 12_900 * unused < (refund + 1) * length  # the floor, exactly


@given(start=_instants, months=st.integers(min_value=0, max_value=240))
def test_adding_months_keeps_the_day_when_the_month_has_it(start: datetime, months: int) -> None:
    later = add_months(start, months)
    assert (later.year - start.year) * 12 + later.month - start.month == months
    assert later.day == min(start.day, calendar.monthrange(later.year, later.month)[1])
