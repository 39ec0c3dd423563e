"""Rewards (SPEC §1.9): the tier from the last 365 days of spend, points earned and clawed
back; redeeming them is in ``redemptions``.

Spend is ``paid_cents - refunded_cents`` of the account's orders completed in the window
``(now - 365 days, now]``: an order completed exactly 365 days ago no longer counts. The
tier is recomputed whenever spend changes (an order completes, a completed order is
refunded) and when the window slides: ``account.tier_review_at`` is the instant the oldest
order in the window leaves it, and the settler ``review_due`` recomputes the tier then (as
the system). A silver account has nothing to fall from, so it has no review.

Points, recorded one ``RewardEntry`` each (the account's rewards history):

- a completed order earns ``order_points(paid - refunded, tier)`` at the tier the account
  had **before** that order counted (then the tier is recomputed);
- a deposit earns ``deposit_points(amount, tier)`` at gold and platinum;
- a guarantee refund of a completed order claws back what the refund takes off the order's
  points at the rate it earned at (``points(net before) - points(net after)``), capped at
  what the order earned and was not yet clawed back, and at the account's points: points
  never go negative, and a shortfall is forgiven;
- a redemption spends points: credits go into the account's Pro credits; gift cards and
  donations are recorded here (fulfilment happens outside fpctl).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from fpctl.clock import as_utc
from fpctl.domain.actors import SYSTEM, Actor
from fpctl.domain.enums import Tier
from fpctl.domain.money import format_cents
from fpctl.domain.permissions import Action
from fpctl.domain.rewards import (
    deposit_points,
    next_tier,
    order_points,
    tier_for,
)
from fpctl.services import audit
from fpctl.services.context import Context
from fpctl.services.listing import Listing
from fpctl.store.rows import id_of
from fpctl.store.tables import Account, Invoice, Order, RewardEntry

WINDOW = timedelta(days=365)
TIER = "rewards.tier"
EARN = "rewards.earn"
CLAWBACK = "rewards.clawback"
REDEEM = "rewards.redeem"
ORDER, DEPOSIT, CLAWBACK_KIND, REDEEM_KIND = "order", "deposit", "clawback", "redeem"


# -- spend and tier ------------------------------------------------------------------------


def _in_window(account: Account, now: datetime) -> Any:
    return (
        select(Order)
        .where(Order.account_id == account.id)
        .where(col(Order.completed_at) > now - WINDOW)
        .where(col(Order.completed_at) <= now)
    )


def spend_365d(
    session: Session, account: Account, now: datetime, *, excluding: int | None = None
) -> int:
    """Net spend on orders completed in ``(now - 365 days, now]`` (``excluding`` one order:
    the spend before that order counted)."""
    query = _in_window(account, now).with_only_columns(
        func.coalesce(func.sum(col(Order.paid_cents) - col(Order.refunded_cents)), 0)
    )
    if excluding is not None:
        query = query.where(Order.id != excluding)
    return int(session.exec(query).one())


def refresh_tier(session: Session, account: Account, now: datetime, actor: Actor) -> Tier:
    """Recompute the tier from the spend as of ``now`` (audited when it changes) and when
    it is next due for review."""
    window = _window(session, account, now)
    return _set_tier(session, account, now, actor, window)


@dataclass(frozen=True)
class _Window:
    """The account's orders completed in ``(now - 365 days, now]``, read in one query."""

    spend: int  # their net spend
    oldest: datetime | None  # the earliest completion among them
    own: int  # what the order asked about adds to ``spend`` (0: not in the window)


def _window(session: Session, account: Account, now: datetime, order_id: int = 0) -> _Window:
    net = col(Order.paid_cents) - col(Order.refunded_cents)
    query = _in_window(account, now).with_only_columns(
        func.coalesce(func.sum(net), 0),
        func.min(col(Order.completed_at)),
        func.coalesce(func.sum(case((col(Order.id) == order_id, net), else_=0)), 0),
    )
    spend, oldest, own = session.execute(query).one()
    return _Window(int(spend), None if oldest is None else as_utc(oldest), int(own))


def _set_tier(
    session: Session, account: Account, now: datetime, actor: Actor, window: _Window
) -> Tier:
    """``refresh_tier`` on the window already read (nothing in it changed since)."""
    before = Tier(account.tier)
    tier = tier_for(window.spend)
    if tier is not before:
        account.tier = tier.value
        audit.record_on_account(
            session,
            actor,
            now,
            account,
            action=TIER,
            changes={"tier": (before.value, tier.value)},
        )
    # When the oldest order in the window leaves it; a silver account cannot fall.
    oldest = window.oldest
    account.tier_review_at = None if tier is Tier.SILVER or oldest is None else oldest + WINDOW
    session.add(account)
    return tier


# -- earning and clawing back --------------------------------------------------------------


def change_points(
    session: Session,
    account: Account,
    points: int,
    *,
    kind: str,
    now: datetime,
    actor: Actor,
    description: str,
    tier: str | None = None,
    **extra: Any,
) -> RewardEntry:
    """Move the account's points and write the history entry with the tier that applied
    (default: the account's tier at that moment)."""
    account.points += points
    session.add(account)
    entry = RewardEntry(
        account_id=id_of(account),
        at=now,
        kind=kind,
        points=points,
        points_after=account.points,
        tier=tier or account.tier,
        by=actor.label,
        description=description,
        **extra,
    )
    session.add(entry)
    return entry


def _record_points(
    session: Session,
    account: Account,
    points: int,
    *,
    kind: str,
    action: str,
    now: datetime,
    actor: Actor,
    description: str,
    tier: str | None = None,
    order_id: int | None = None,
    invoice_id: int | None = None,
) -> None:
    """Points earned or clawed back: the history entry and its audit record (the points
    before and after, and the order or deposit invoice they came from)."""
    change_points(
        session,
        account,
        points,
        kind=kind,
        now=now,
        actor=actor,
        description=description,
        tier=tier,
        order_id=order_id,
        invoice_id=invoice_id,
    )
    source = ("order_id", order_id) if order_id is not None else ("invoice_id", invoice_id)
    changes = {"points": (account.points - points, account.points), source[0]: (None, source[1])}
    audit.record_on_account(session, actor, now, account, action=action, changes=changes)


def _account_of(session: Session, order: Order) -> Account:
    account = session.get(Account, order.account_id)
    assert account is not None
    return account


def _net(order: Order) -> int:
    return max(order.paid_cents - order.refunded_cents, 0)


def _earn_on_order(
    session: Session,
    account: Account,
    order: Order,
    *,
    rate: str,
    net_before: int,
    now: datetime,
    actor: Actor,
    description: str,
) -> int:
    """The points the order's money earns from ``net_before`` to its net now, at ``rate``
    (kept on the entry: a later clawback takes back at the same rate)."""
    points = order_points(_net(order), rate) - order_points(net_before, rate)
    if points > 0:
        _record_points(
            session,
            account,
            points,
            kind=ORDER,
            action=EARN,
            now=now,
            actor=actor,
            description=description,
            tier=rate,
            order_id=order.id,
        )
    return points


def on_order_completed(session: Session, order: Order, now: datetime, actor: Actor = SYSTEM) -> int:
    """Points for a completed order at the tier before it counted, then the new tier.
    Returns the points earned. One read of the window serves both: earning writes no
    order."""
    account = _account_of(session, order)
    window = _window(session, account, now, id_of(order))
    rate = tier_for(window.spend - window.own).value
    net = order.paid_cents - order.refunded_cents
    points = _earn_on_order(
        session,
        account,
        order,
        rate=rate,
        net_before=0,
        now=now,
        actor=actor,
        description=f"order {order.id} completed: {format_cents(net)} at {rate}",
    )
    _set_tier(session, account, now, actor, window)
    return points


def on_charge_after_completion(
    session: Session, order: Order, charged_cents: int, now: datetime, actor: Actor = SYSTEM
) -> int:
    """An hourly order's last week is charged when the week ends, which may be after the
    order completed: that money earns its points at the rate the order earned at (the tier
    before the order counted, when it earned nothing yet), and the tier is recomputed."""
    account = _account_of(session, order)
    earned = session.exec(
        select(RewardEntry.tier)
        .where(RewardEntry.order_id == order.id)
        .where(RewardEntry.kind == ORDER)
        .order_by(col(RewardEntry.id))
    ).first()
    rate = earned or tier_for(spend_365d(session, account, now, excluding=order.id)).value
    points = _earn_on_order(
        session,
        account,
        order,
        rate=rate,
        net_before=max(_net(order) - charged_cents, 0),
        now=now,
        actor=actor,
        description=f"order {order.id} charged {format_cents(charged_cents)} after it "
        f"completed, at {rate}",
    )
    refresh_tier(session, account, now, actor)
    return points


def on_refund(
    session: Session, order: Order, refunded_cents: int, now: datetime, actor: Actor = SYSTEM
) -> int:
    """Claw back the points a refund takes off a completed order and recompute the tier
    (call after ``order.refunded_cents`` grew). Returns the points clawed back."""
    if order.completed_at is None:
        return 0
    account = _account_of(session, order)
    taken = _clawback(session, account, order, refunded_cents, now=now, actor=actor)
    refresh_tier(session, account, now, actor)
    return taken


def _clawback(
    session: Session,
    account: Account,
    order: Order,
    refunded_cents: int,
    *,
    now: datetime,
    actor: Actor,
) -> int:
    entries = session.exec(
        select(RewardEntry).where(RewardEntry.order_id == order.id).order_by(col(RewardEntry.id))
    ).all()
    earned = [e for e in entries if e.kind == ORDER]
    if not earned:
        return 0
    rate = earned[0].tier
    left = sum(e.points for e in entries)  # earned minus clawed back
    net_after = _net(order)
    due = order_points(net_after + refunded_cents, rate) - order_points(net_after, rate)
    taken = min(due, left, account.points)
    if taken <= 0:
        return 0
    _record_points(
        session,
        account,
        -taken,
        kind=CLAWBACK_KIND,
        action=CLAWBACK,
        now=now,
        actor=actor,
        description=f"order {order.id} refunded {format_cents(refunded_cents)}",
        order_id=order.id,
    )
    return taken


def on_deposit(
    session: Session,
    account: Account,
    amount_cents: int,
    invoice: Invoice,
    *,
    now: datetime,
    actor: Actor,
) -> int:
    """A deposit earns 1 point per 10 whole dollars at gold and platinum."""
    points = deposit_points(amount_cents, account.tier)
    if points > 0:
        _record_points(
            session,
            account,
            points,
            kind=DEPOSIT,
            action=EARN,
            now=now,
            actor=actor,
            description=f"deposit of {format_cents(amount_cents)} at {account.tier}",
            invoice_id=invoice.id,
        )
    return points


# -- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """Where the account stands (``rewards show``): tier, points, and the 365-day spend."""

    account: Account
    spend_cents: int
    next_tier: tuple[Tier, int] | None  # the next tier and the spend still needed for it


def summary(ctx: Context) -> Standing:
    """Any active member (points are the account's), support, or no actor may read it."""
    ctx.require(Action.TEAM_READ)
    account = ctx.the_account
    spend = spend_365d(ctx.session, account, ctx.now)
    return Standing(account, spend, next_tier(spend))


def history(ctx: Context) -> Listing[RewardEntry]:
    """Every change of the account's points, oldest first (like invoices and the ledger)."""
    ctx.require(Action.TEAM_READ)
    query = select(RewardEntry).where(RewardEntry.account_id == ctx.the_account.id)
    return Listing(ctx.session, query.order_by(col(RewardEntry.id)))


# -- the sliding window (settle.py) --------------------------------------------------------


def review_due(ctx: Context) -> int:
    """Recompute the tier of every account whose window dropped an order (as the system)."""
    session, now = ctx.session, ctx.now
    due = session.exec(
        select(Account).where(col(Account.tier_review_at) <= now).order_by(col(Account.id))
    ).all()
    for account in due:
        refresh_tier(session, account, now, ctx.actor)
    return len(due)
