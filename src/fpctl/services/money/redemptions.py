"""Redeeming points (SPEC §1.9): credits go into the account's Pro credits (100 points = 1.00
USD), gift cards and donations are recorded in the history; who may redeem what is in the
permission table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fpctl.domain.money import format_cents
from fpctl.domain.permissions import Action
from fpctl.domain.rewards import (
    REDEMPTION_KINDS,
    check_redemption,
)
from fpctl.domain.text import SHORT_TEXT, within
from fpctl.errors import InvalidInput
from fpctl.services import lookups
from fpctl.services.context import Context
from fpctl.services.money import ledger
from fpctl.services.money.rewards import REDEEM, REDEEM_KIND, change_points

#: Who may redeem each kind of reward (SPEC §2).
REDEEM_ACTIONS = {
    "credits": Action.REWARDS_REDEEM_CREDITS,
    "gift-card": Action.REWARDS_REDEEM_GIFT_CARD,
    "donation": Action.REWARDS_REDEEM_DONATION,
}


@dataclass(frozen=True)
class Redemption:
    account: str
    points: int
    reward: str
    value_cents: int
    points_after: int
    credits_cents: int  # the account's Pro credits after
    charity: str | None
    at: datetime


def check_charity(kind: str, charity: str | None) -> str | None:
    """A donation names its charity; other rewards take none (exit 2)."""
    if kind not in REDEMPTION_KINDS:
        raise InvalidInput(f"{kind!r} is not a reward: use credits, gift-card or donation")
    if kind == "donation":
        if charity is None or not charity.strip():
            raise InvalidInput("a donation names its charity", hint="add --charity NAME")
        return within(charity.strip(), "the charity", SHORT_TEXT)
    if charity is not None:
        raise InvalidInput(f"--charity goes with --for donation, not --for {kind}")
    return None


def redeem(ctx: Context, points: int, kind: str, charity: str | None = None) -> Redemption:
    """Spend points: credits go into the account's Pro credits (100 points = 1.00 USD);
    gift cards and donations are recorded in the history."""
    charity = check_charity(kind, charity)
    ctx.require(REDEEM_ACTIONS[kind])
    account = ctx.the_account
    lookups.require_pro(account, "redeem points")
    value = check_redemption(points, kind, available=account.points)
    credits_before = account.credits_cents
    what = f"{kind} for {charity}" if charity else kind
    description = f"{points:,} points redeemed for {what} ({format_cents(value)})"
    change_points(
        ctx.session,
        account,
        -points,
        kind=REDEEM_KIND,
        now=ctx.now,
        actor=ctx.actor,
        description=description,
        reward=kind,
        charity=charity,
        value_cents=value,
    )
    if kind == "credits":
        ledger.move_credits(
            ctx.session, account, value, kind="reward", now=ctx.now, description=description
        )
    changes: dict[str, tuple[Any, Any]] = {
        "points": (account.points + points, account.points),
        "reward": (None, kind),
        "value_cents": (None, value),
    }
    if kind == "credits":
        changes["credits_cents"] = (credits_before, account.credits_cents)
    if charity:
        changes["charity"] = (None, charity)
    ctx.record_on_account(
        account,
        action=REDEEM,
        changes=changes,
    )
    return Redemption(
        account=account.slug,
        points=points,
        reward=kind,
        value_cents=value,
        points_after=account.points,
        credits_cents=account.credits_cents,
        charity=charity,
        at=ctx.now,
    )
