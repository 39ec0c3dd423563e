"""Rewards arithmetic (SPEC §1.9): tiers from spend, points earned, redemptions.

All amounts are integer cents; 100 points are worth 1.00 USD, so a point is worth a cent.
"""

from __future__ import annotations

from fpctl.domain.enums import Tier
from fpctl.errors import InvalidInput, RuleViolation

GOLD_FROM_CENTS = 100_000  # 1,000.00 USD spent over the last 365 days
PLATINUM_FROM_CENTS = 500_000
_ORDER_POINTS_PER_DOLLAR = {Tier.SILVER: 1, Tier.GOLD: 2, Tier.PLATINUM: 3}
MIN_REDEMPTION_POINTS = 1_000
GIFT_AND_DONATION_STEP = 2_500
REDEMPTION_KINDS = ("credits", "gift-card", "donation")


def tier_for(spend_365d_cents: int) -> Tier:
    if spend_365d_cents >= PLATINUM_FROM_CENTS:
        return Tier.PLATINUM
    if spend_365d_cents >= GOLD_FROM_CENTS:
        return Tier.GOLD
    return Tier.SILVER


def next_tier(spend_365d_cents: int) -> tuple[Tier, int] | None:
    """The next tier up and the spend still needed to reach it; None at platinum."""
    for tier, threshold in ((Tier.GOLD, GOLD_FROM_CENTS), (Tier.PLATINUM, PLATINUM_FROM_CENTS)):
        if spend_365d_cents < threshold:
            return tier, threshold - spend_365d_cents
    return None


def order_points(amount_cents: int, tier: Tier | str) -> int:
    """Points for a completed order: 1, 2 or 3 per whole dollar by tier."""
    return (amount_cents // 100) * _ORDER_POINTS_PER_DOLLAR[Tier(tier)]


def deposit_points(amount_cents: int, tier: Tier | str) -> int:
    """1 point per 10 whole dollars deposited, at gold and platinum only."""
    return 0 if Tier(tier) is Tier.SILVER else amount_cents // 1_000


def check_redemption(points: int, kind: str, *, available: int) -> int:
    """Validate a redemption; returns its value in cents. Points never go negative."""
    if kind not in REDEMPTION_KINDS:
        raise InvalidInput(f"{kind!r} is not a reward: use credits, gift-card or donation")
    if points < MIN_REDEMPTION_POINTS:
        raise RuleViolation(
            f"redeem at least {MIN_REDEMPTION_POINTS:,} points, not {points:,}",
            code="below_minimum",
        )
    if kind != "credits" and points % GIFT_AND_DONATION_STEP:
        raise RuleViolation(
            f"{kind}s come in multiples of {GIFT_AND_DONATION_STEP:,} points",
            code="invalid_multiple",
        )
    if points > available:
        raise RuleViolation(
            f"the account has {available:,} points, not {points:,}", code="not_enough_points"
        )
    return points  # 100 points = 1.00 USD
