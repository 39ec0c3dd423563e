"""Answering a custom offer: a member accepts it (checkout places the order, with every
policy and the first payment exactly as ``order place``) or declines it; the freelancer
withdraws it while it is pending; a pending offer expires by the clock (``settle.py``).

Accepting builds an ``OrderRequest`` from the offer's terms and hands it to
``checkout.place``: an order-approval policy or a limit with ``--mode approval`` holds the
order (the offer is accepted, its order waits for the admin); a purchase limit that refuses,
or a payment that fails, refuses the acceptance and leaves the offer pending, nothing
changed. The offer records the order it became (``order_id``).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from fpctl.domain.enums import OfferStatus
from fpctl.domain.offers import amount_text
from fpctl.domain.orders import OrderKind
from fpctl.domain.permissions import Action
from fpctl.domain.text import LONG_TEXT, within
from fpctl.services.context import Context
from fpctl.services.orders import checkout
from fpctl.services.orders.checkout import OrderRequest, Placed
from fpctl.services.orders.offers import authorize, require_pending, target
from fpctl.store.rows import id_of
from fpctl.store.tables import Freelancer, Offer


def order_request(
    offer: Offer, username: str, now: datetime, project_id: int | None
) -> OrderRequest:
    """What ``order place`` would be given for the offer's terms, accepted at ``now``."""
    due = None
    if offer.delivery_days is not None:
        due = (now + timedelta(days=offer.delivery_days)).isoformat()
    request = OrderRequest(
        freelancer=username,
        project_id=project_id,
        due=due,
        title=offer.title,
        revisions=offer.revisions,
    )
    if offer.kind == OrderKind.MILESTONES:
        request.milestones = [
            f"{m['title']}={amount_text(m['amount_cents'])}" for m in json.loads(offer.milestones)
        ]
    elif offer.kind == OrderKind.HOURLY:
        assert offer.hourly_rate_cents is not None
        request.hourly = True
        request.rate = amount_text(offer.hourly_rate_cents)
        request.weekly_limit = offer.weekly_limit_hours
        request.estimate = offer.estimate_hours
    else:
        request.amount = amount_text(offer.total_cents)
    return request


def _close(
    ctx: Context,
    offer: Offer,
    status: OfferStatus,
    *,
    action: str,
    when: datetime | None = None,
    reason: str | None = None,
) -> None:
    """Close the offer (``when``: the moment it closed, if earlier than now)."""
    offer.status = status
    offer.closed_at = when or ctx.now
    offer.closed_by = ctx.actor.label
    offer.decline_reason = reason
    ctx.session.add(offer)
    changes: dict[str, tuple[Any, Any]] = {"status": (OfferStatus.PENDING, status)}
    if offer.order_id is not None:
        changes["order_id"] = (None, offer.order_id)
    ctx.record(action=action, target=target(offer), account_id=offer.account_id, changes=changes)


def accept(ctx: Context, offer_id: int, *, project_id: int | None = None) -> tuple[Offer, Placed]:
    """Place the offer's order as the accepting member (policies and payment as for
    ``order place``); the offer is then accepted and names its order."""
    offer = authorize(ctx, Action.OFFER_ACCEPT, offer_id)
    require_pending(offer, "accepted")
    freelancer = ctx.session.get(Freelancer, offer.freelancer_id)
    assert freelancer is not None
    placed = checkout.place(ctx, order_request(offer, freelancer.username, ctx.now, project_id))
    offer.order_id = id_of(placed.order)
    _close(ctx, offer, OfferStatus.ACCEPTED, action=Action.OFFER_ACCEPT)
    return offer, placed


def decline(ctx: Context, offer_id: int, reason: str | None = None) -> Offer:
    offer = authorize(ctx, Action.OFFER_DECLINE, offer_id)
    require_pending(offer, "declined")
    if reason is not None:
        within(reason, "the reason", LONG_TEXT)
    _close(ctx, offer, OfferStatus.DECLINED, action=Action.OFFER_DECLINE, reason=reason or None)
    return offer


def withdraw(ctx: Context, offer_id: int) -> Offer:
    """The freelancer takes back a pending offer (another freelancer's is not found)."""
    offer = authorize(ctx, Action.OFFER_WITHDRAW, offer_id)
    require_pending(offer, "withdrawn")
    _close(ctx, offer, OfferStatus.WITHDRAWN, action=Action.OFFER_WITHDRAW)
    return offer


# -- the expiry (settle.py) ----------------------------------------------------------------

EXPIRE = "offer.expire"


def expire_due(ctx: Context) -> int:
    """Pending offers past their expiry are expired, as of the moment they expired."""
    due = ctx.session.exec(
        select(Offer)
        .where(Offer.status == OfferStatus.PENDING)
        .where(col(Offer.expires_at) <= ctx.now)
        .order_by(col(Offer.id))
    ).all()
    for offer in due:
        _close(
            ctx,
            offer,
            OfferStatus.EXPIRED,
            action=EXPIRE,
            when=offer.expires_at,
        )
    return len(due)
