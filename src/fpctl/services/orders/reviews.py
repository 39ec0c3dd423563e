"""Reviews (SPEC §1.6): after completion the buyer rates the freelancer 1 to 5, with text.

One review per order, left by a buyer-side member who sees the order (or support). Every
member of the account sees the account's reviews of a freelancer, with the account's order
history with them, on the freelancer's card (``freelancer show``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from fpctl.domain.enums import ActorKind, MemberStatus
from fpctl.domain.orders import OrderStatus
from fpctl.domain.permissions import Action
from fpctl.domain.text import DOCUMENT_TEXT, within
from fpctl.errors import InvalidInput, RuleViolation
from fpctl.services import order_audit
from fpctl.services.context import Context
from fpctl.services.orders import visibility
from fpctl.store.rows import id_of
from fpctl.store.tables import Freelancer, Order, Review

MIN_RATING, MAX_RATING = 1, 5


def check_rating(rating: int) -> None:
    if not MIN_RATING <= rating <= MAX_RATING:
        raise InvalidInput(
            f"a rating is {MIN_RATING} to {MAX_RATING}, not {rating}",
            hint=f"--rating {MIN_RATING}..{MAX_RATING}",
        )


def of_order(ctx: Context, order_id: int) -> Review | None:
    return ctx.session.exec(select(Review).where(Review.order_id == order_id)).first()


def review(ctx: Context, order_id: int, *, rating: int, text: str | None = None) -> Review:
    """Review a completed order (buyer side); a second review of the same order is refused."""
    check_rating(rating)
    order = visibility.authorize(ctx, Action.ORDER_REVIEW, order_id)
    if order.status != OrderStatus.COMPLETED:
        raise RuleViolation(
            f"order {order.id} is {order.status}: only a completed order can be reviewed",
            hint=f"`fpctl order next {order.id}` shows what the order waits for",
            code="not_completed",
        )
    existing = of_order(ctx, id_of(order))
    if existing is not None:
        raise RuleViolation(
            f"order {order.id} was already reviewed (by {existing.author})",
            code="already_reviewed",
        )
    text = within(text, "the review", DOCUMENT_TEXT) if text and text.strip() else None
    entry = Review(
        order_id=id_of(order),
        account_id=order.account_id,
        freelancer_id=order.freelancer_id,
        author=ctx.actor.label,
        author_id=ctx.actor.member_id,
        rating=rating,
        text=text,
        created_at=ctx.now,
    )
    ctx.session.add(entry)
    ctx.session.flush()
    ctx.record(
        action=Action.ORDER_REVIEW,
        target=f"{order_audit.target(order)} review:{entry.id}",
        account_id=order.account_id,
        changes={"rating": (None, rating), "text": (None, text)},
    )
    return entry


def freelancer_of(ctx: Context, entry: Review) -> Freelancer:
    freelancer = ctx.session.get(Freelancer, entry.freelancer_id)
    assert freelancer is not None
    return freelancer


@dataclass(frozen=True)
class Card:
    """The account's side of a freelancer's card: its reviews of them, its orders with them."""

    reviews: list[Review]
    orders: list[Order]


def card(ctx: Context, freelancer: Freelancer) -> Card | None:
    """The account's side of a freelancer's card: its reviews of them and its order history
    with them, visible to every member of the account. None when no account is named (or
    the reader is a deactivated member, or a freelancer: this is the team's own record)."""
    actor = ctx.actor
    if ctx.account is None or actor.kind is ActorKind.FREELANCER:
        return None
    if actor.is_member and actor.status is not MemberStatus.ACTIVE:
        return None
    reviews = ctx.session.exec(
        select(Review)
        .where(Review.account_id == ctx.account.id)
        .where(Review.freelancer_id == freelancer.id)
        .order_by(col(Review.id))
    ).all()
    history = ctx.session.exec(
        select(Order)
        .where(Order.account_id == ctx.account.id)
        .where(Order.freelancer_id == freelancer.id)
        .order_by(col(Order.id))
    ).all()
    return Card(list(reviews), list(history))
