"""Custom offers (issue 14, seeds 001/003): who sees them, finding and listing them, and
sending one. Answers (accept, decline, withdraw) and the expiry are in ``offer_answers``.

A freelancer (``--as @username``) sends an offer to an account, or to one of its members:
a fixed amount, 2 to 5 milestones, or hourly terms, with a delivery time and revisions. It
stays open 14 days unless told otherwise.

Who sees an offer: its freelancer (their own offers, in any account); the admin, billing
managers, support and a read with no actor (every offer of the account); a member (the
offers addressed to the whole account, and those addressed to them). An offer addressed
to another member, or of another account, is not found (exit 3), as hidden orders are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlmodel import col, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from fpctl.domain.emails import normalize_email
from fpctl.domain.enums import MemberStatus, OfferStatus
from fpctl.domain.offers import (
    CUSTOM_OFFER_TITLE,
    OfferTerms,
    expires_at,
    offer_terms,
)
from fpctl.domain.orders import OrderKind
from fpctl.domain.permissions import Action
from fpctl.domain.text import DOCUMENT_TEXT, SHORT_TEXT, require_text, within
from fpctl.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from fpctl.services import lookups, notifications
from fpctl.services.context import Context
from fpctl.services.listing import Listing
from fpctl.services.orders.visibility import scoped
from fpctl.store.rows import id_of
from fpctl.store.tables import Account, Freelancer, Member, Offer


def target(offer: Offer) -> str:
    return f"offer:{offer.id}"


# -- who sees what -------------------------------------------------------------------------


def visible(ctx: Context, *, by_id: bool = False) -> SelectOfScalar[Offer]:
    """``SELECT offer`` the actor may see, in the account the command works on."""
    query, whole = scoped(
        ctx,
        select(Offer),
        account_id=Offer.account_id,
        freelancer_id=Offer.freelancer_id,
        by_id=by_id,
    )
    if not whole:
        query = query.where(
            or_(col(Offer.member_id).is_(None), col(Offer.member_id) == ctx.actor.member_id)
        )
    return query


def find(ctx: Context, offer_id: int) -> Offer:
    """An offer the actor can see; its account becomes the command's when none was named."""
    offer = ctx.session.exec(visible(ctx, by_id=True).where(Offer.id == offer_id)).first()
    if offer is None:
        raise NotFound(f"no offer {offer_id}", hint="`fpctl offer list` shows the offers you see")
    if ctx.account is None:
        ctx.account = ctx.session.get(Account, offer.account_id)
    return offer


def list_offers(
    ctx: Context, *, status: str | None = None, freelancer: str | None = None
) -> Listing[Offer]:
    """The offers the actor sees, oldest first, streamed."""
    query = visible(ctx)
    if status is not None:
        query = query.where(Offer.status == _status(status))
    if freelancer:
        query = query.where(
            Offer.freelancer_id == id_of(lookups.by_username(ctx.session, freelancer))
        )
    return Listing(ctx.session, query.order_by(col(Offer.id)))


def _status(text: str) -> OfferStatus:
    try:
        return OfferStatus(text)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not an offer status",
            hint="one of: " + ", ".join(s.value for s in OfferStatus),
        ) from None


def addressee(ctx: Context, offer: Offer) -> Member | None:
    return None if offer.member_id is None else ctx.session.get(Member, offer.member_id)


def authorize(ctx: Context, action: Action, offer_id: int) -> Offer:
    """The offer ``action`` acts on, once the actor may: the role (SPEC §2), then an offer
    the actor sees (a freelancer sees their own), then, for an offer addressed to one
    member, who may answer it: that member accepts; that member, the admin and support
    decline. ``auth can-i ACTION ID`` asks exactly this."""
    ctx.require(action)
    offer = find(ctx, offer_id)
    member = addressee(ctx, offer)
    if member is None or ctx.actor.member_id == member.id:
        return offer
    if action is Action.OFFER_DECLINE and (ctx.actor.is_admin or ctx.actor.is_support):
        return offer
    if action in (Action.OFFER_ACCEPT, Action.OFFER_DECLINE):
        raise PermissionDenied(
            f"{ctx.actor.label} cannot {'accept' if action is Action.OFFER_ACCEPT else 'decline'} "
            f"offer {offer.id}: it is addressed to {member.email}",
            hint=f"{member.email} answers it"
            + (" (the admin and support may decline it)" if action is Action.OFFER_DECLINE else ""),
            code="not_addressee",
        )
    return offer


def require_pending(offer: Offer, doing: str) -> None:
    """An offer is answered once: accepting, declining or withdrawing one that is no longer
    pending is refused (exit 5)."""
    if offer.status != OfferStatus.PENDING:
        raise RuleViolation(
            f"offer {offer.id} is {offer.status}: it can no longer be {doing}",
            hint="ask the freelancer for a new offer" if doing == "accepted" else None,
            code="offer_closed",
        )


# -- sending -------------------------------------------------------------------------------


@dataclass
class OfferSpec:
    """What ``offer send`` was given, before validation."""

    member: str | None = None  # addressed to one member (email); else the whole account
    title: str | None = None
    description: str | None = None
    amount: str | None = None
    milestones: list[str] = field(default_factory=list)
    hourly: bool = False
    rate: str | None = None
    weekly_limit: int | None = None
    estimate: int | None = None
    days: int | None = None
    revisions: int = 0
    expires_in: int | None = None  # days; default 14


def _addressed(ctx: Context, email: str | None) -> Member | None:
    """The member an offer is addressed to: an active member of the account. Named alone,
    the member's email gives the account."""
    if email is None:
        return None
    if ctx.account is None:
        seat = lookups.current_seat(ctx.session, normalize_email(email), None)
        if seat is not None:
            ctx.account = ctx.session.get(Account, seat.account_id)
    member = lookups.find_member(ctx, email)
    if member.status != MemberStatus.ACTIVE:
        raise RuleViolation(
            f"{member.email} is {member.status}: offers go to active members",
            hint="send it to the whole account: leave out --member",
            code="member_inactive",
        )
    return member


def _terms(spec: OfferSpec, freelancer: Freelancer) -> OfferTerms:
    terms = offer_terms(
        amount=spec.amount,
        milestones=spec.milestones,
        hourly=spec.hourly,
        rate=spec.rate,
        weekly_limit=spec.weekly_limit,
        estimate=spec.estimate,
        days=spec.days,
        revisions=spec.revisions,
    )
    if terms.kind is OrderKind.HOURLY and not freelancer.pro:
        raise RuleViolation(
            f"@{freelancer.username} is not a Pro freelancer: hourly offers are for Pro "
            "freelancers only",
            code="pro_only",
        )
    return terms


def _texts(spec: OfferSpec) -> tuple[str, str | None]:
    """The title (trimmed; default "Custom offer") and the description (as given; a blank
    one is none)."""
    title = CUSTOM_OFFER_TITLE
    if spec.title is not None:
        title = require_text(spec.title, "the title", max_length=SHORT_TEXT)
    description = spec.description
    if description is not None:
        within(description, "the description", DOCUMENT_TEXT)
        description = description if description.strip() else None
    return title, description


def send(ctx: Context, spec: OfferSpec) -> Offer:
    """The freelancer's offer to the account (or to one of its active members)."""
    ctx.require(Action.OFFER_SEND)
    member = _addressed(ctx, spec.member)
    account = ctx.the_account
    lookups.require_pro(account, "receive custom offers")
    freelancer = ctx.session.get(Freelancer, ctx.actor.freelancer_id)
    assert freelancer is not None  # the actor was resolved from it
    terms = _terms(spec, freelancer)
    title, description = _texts(spec)
    milestones = [{"title": m.title, "amount_cents": m.amount_cents} for m in terms.milestones]
    offer = Offer(
        account_id=id_of(account),
        freelancer_id=id_of(freelancer),
        member_id=member.id if member else None,
        title=title,
        description=description,
        kind=terms.kind,
        total_cents=terms.total_cents,
        milestones=json.dumps(milestones, ensure_ascii=False),
        hourly_rate_cents=terms.rate_cents,
        weekly_limit_hours=terms.weekly_limit_hours,
        estimate_hours=terms.estimate_hours,
        delivery_days=terms.delivery_days,
        revisions=terms.revisions,
        status=OfferStatus.PENDING,
        expires_at=expires_at(ctx.now, spec.expires_in),
        created_at=ctx.now,
    )
    ctx.session.add(offer)
    ctx.session.flush()
    ctx.record(
        action=Action.OFFER_SEND,
        target=target(offer),
        account_id=offer.account_id,
        changes={
            "status": (None, offer.status),
            "kind": (None, offer.kind),
            "total_cents": (None, offer.total_cents),
            "member": (None, member.email if member else None),
            "expires_at": (None, offer.expires_at),
        },
    )
    notifications.offer_sent(ctx, offer, freelancer.username)
    return offer
