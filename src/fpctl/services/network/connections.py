"""The freelancer network (SPEC §1.6): saved, hired and viewed freelancers.

- Saved freelancers belong to the account (one row per freelancer; the saver is recorded).
- Hired freelancers are derived from the account's orders: every completed order the
  account placed with them counts, whoever placed it (the freelancer card shows the same
  history to every member, §1.6); ``spent_cents`` is paid minus refunded over them.
- Viewed freelancers are the acting member's own: `freelancer show --as EMAIL` records the
  latest view (no audit record: a view changes nothing of the account's state).

Lists are in ``services/network_lists.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from fpctl.clock import as_utc
from fpctl.domain.enums import MemberStatus
from fpctl.domain.orders import OrderStatus
from fpctl.domain.permissions import Action
from fpctl.services.context import Context
from fpctl.services.listing import Listing
from fpctl.services.lookups import by_username
from fpctl.store.rows import id_of
from fpctl.store.tables import (
    Conversation,
    Freelancer,
    FreelancerView,
    Order,
    Review,
    SavedFreelancer,
)


def record(ctx: Context, action: str, target: str, changes: dict[str, Any]) -> None:
    ctx.record(
        action=action,
        target=target,
        account_id=ctx.the_account.id,
        changes=changes,
    )


# -- saved, hired, viewed ----------------------------------------------------------------------


def save(ctx: Context, username: str) -> tuple[SavedFreelancer, Freelancer, str | None]:
    """Save a freelancer to the account's network. False: already saved (nothing changed)."""
    ctx.require(Action.NETWORK_SAVE)
    freelancer = by_username(ctx.session, username)
    account_id = id_of(ctx.the_account)
    found = ctx.session.exec(
        select(SavedFreelancer)
        .where(SavedFreelancer.account_id == account_id)
        .where(SavedFreelancer.freelancer_id == freelancer.id)
    ).first()
    if found is not None:
        return found, freelancer, f"@{freelancer.username} is already saved: nothing changed"
    saved = SavedFreelancer(
        account_id=account_id,
        freelancer_id=id_of(freelancer),
        saved_by_id=ctx.actor.member_id,
        saved_by=ctx.actor.label,
        saved_at=ctx.now,
    )
    ctx.session.add(saved)
    ctx.session.flush()
    target = f"freelancer:{freelancer.id} @{freelancer.username}"
    record(ctx, Action.NETWORK_SAVE, target, {"saved": (False, True)})
    return saved, freelancer, None


def record_view(ctx: Context, freelancer: Freelancer) -> None:
    """Remember that the acting (active) member viewed ``freelancer``; others leave no trace."""
    actor = ctx.actor
    if not actor.is_member or actor.status is not MemberStatus.ACTIVE or actor.member_id is None:
        return
    found = ctx.session.exec(
        select(FreelancerView)
        .where(FreelancerView.member_id == actor.member_id)
        .where(FreelancerView.freelancer_id == freelancer.id)
    ).first()
    if found is None:
        assert actor.account_id is not None and freelancer.id is not None
        found = FreelancerView(
            account_id=actor.account_id,
            member_id=actor.member_id,
            freelancer_id=freelancer.id,
            viewed_at=ctx.now,
        )
    found.viewed_at = ctx.now
    ctx.session.add(found)
    ctx.session.flush()


def _hired(ctx: Context) -> dict[int, tuple[int, int]]:
    """Per freelancer: the account's completed orders with them and the spend on them."""
    spend = func.coalesce(func.sum(col(Order.paid_cents) - col(Order.refunded_cents)), 0)
    query = (
        select(Order.freelancer_id, func.count(col(Order.id)), spend)
        .where(Order.account_id == ctx.the_account.id)
        .where(Order.status == OrderStatus.COMPLETED)
        .group_by(col(Order.freelancer_id))
    )
    return {row[0]: (int(row[1]), int(row[2])) for row in ctx.session.exec(query).all()}


def _conversations(ctx: Context) -> dict[int, int]:
    """Per freelancer: the account's conversation with them (seed 001: the network links to
    past conversations)."""
    query = select(Conversation.freelancer_id, Conversation.id).where(
        Conversation.account_id == ctx.the_account.id
    )
    return {freelancer_id: id_ for freelancer_id, id_ in ctx.session.exec(query) if id_}


def _viewed(ctx: Context) -> dict[int, datetime]:
    """The actor's own views; support and nobody see the account's latest view of each."""
    query = (
        select(FreelancerView.freelancer_id, func.max(FreelancerView.viewed_at))
        .where(FreelancerView.account_id == ctx.the_account.id)
        .group_by(col(FreelancerView.freelancer_id))
    )
    if ctx.actor.is_member:
        query = query.where(FreelancerView.member_id == ctx.actor.member_id)
    return {freelancer_id: as_utc(at) for freelancer_id, at in ctx.session.exec(query)}


def _ratings(ctx: Context) -> dict[int, tuple[int, int]]:
    """Per freelancer: the account's average rating of them in tenths (1-5 to one decimal,
    halves rounded up, from the exact sum: the same on every backend) and how many reviews
    it left."""
    query = (
        select(Review.freelancer_id, func.sum(Review.rating), func.count(col(Review.id)))
        .where(Review.account_id == ctx.the_account.id)
        .group_by(col(Review.freelancer_id))
    )
    return {
        freelancer_id: ((20 * int(total) + int(count)) // (2 * int(count)), int(count))
        for freelancer_id, total, count in ctx.session.exec(query)
    }


@dataclass(frozen=True)
class Connection:
    """One freelancer of the account's network, and how the account knows them."""

    freelancer: Freelancer
    saved: SavedFreelancer | None
    hired_orders: int
    spent_cents: int
    last_viewed_at: datetime | None
    rating_tenths: int | None
    reviews: int
    conversation_id: int | None = None  # the account's conversation with them (the inbox)


def network(ctx: Context, *, only: str | None = None) -> Iterator[Connection]:
    """The account's network by username: saved, hired or viewed (``only`` narrows it),
    streamed (what is held is a few numbers per freelancer, never their rows)."""
    ctx.require(Action.NETWORK_READ)
    saved = {
        s.freelancer_id: s
        for s in ctx.session.exec(
            select(SavedFreelancer).where(SavedFreelancer.account_id == ctx.the_account.id)
        ).all()
    }
    hired, viewed, ratings = _hired(ctx), _viewed(ctx), _ratings(ctx)
    talks = _conversations(ctx)
    wanted = {"saved": set(saved), "hired": set(hired), "viewed": set(viewed)}
    ids = wanted[only] if only else set(saved) | set(hired) | set(viewed)
    query = select(Freelancer).where(col(Freelancer.id).in_(ids))

    def found() -> Iterator[Connection]:
        if not ids:
            return
        for freelancer in Listing[Freelancer](ctx.session, query.order_by(Freelancer.username)):
            fid = freelancer.id or 0
            orders, spent = hired.get(fid, (0, 0))
            rating_tenths, reviews = ratings.get(fid, (None, 0))
            yield Connection(
                freelancer,
                saved.get(fid),
                orders,
                spent,
                viewed.get(fid),
                rating_tenths,
                reviews,
                talks.get(fid),
            )

    return found()
