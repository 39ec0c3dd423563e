"""The freelancer catalogue (SPEC §1.5): freelancers and their services, kept by support.

Anyone may read the catalogue (no actor or account needed); only support adds to it. The
catalogue belongs to no account, so its audit records carry no account.
"""

from __future__ import annotations

from sqlmodel import col, select

from fpctl.domain.money import parse_cents
from fpctl.domain.permissions import Action
from fpctl.domain.text import normalize_username, require_text
from fpctl.errors import InvalidInput, RuleViolation
from fpctl.services.context import Context
from fpctl.services.listing import Listing
from fpctl.services.lookups import by_username
from fpctl.store.rows import id_of
from fpctl.store.tables import Freelancer, FreelancerService

MAX_REVISIONS = 100  # more is a typo, not an offer


def find(ctx: Context, username: str) -> Freelancer:
    """The freelancer named ``username`` (with or without ``@``, any case)."""
    return by_username(ctx.session, username)


def add(ctx: Context, username: str, *, name: str | None = None, pro: bool = False) -> Freelancer:
    """Add a freelancer to the catalogue (support). The name defaults to the username."""
    ctx.require(Action.FREELANCER_ADD)
    handle = normalize_username(username)
    display = require_text(name, "the freelancer's name") if name is not None else handle
    taken = ctx.session.exec(select(Freelancer.id).where(Freelancer.username == handle)).first()
    if taken is not None:
        raise RuleViolation(
            f"the username @{handle} is taken",
            hint=f"`fpctl freelancer show {handle}` shows that freelancer",
            code="username_taken",
        )
    freelancer = Freelancer(username=handle, name=display, pro=pro, created_at=ctx.now)
    ctx.session.add(freelancer)
    ctx.session.flush()
    ctx.record(
        action=Action.FREELANCER_ADD,
        target=f"freelancer:{freelancer.id} @{handle}",
        account_id=None,
        changes={"username": (None, handle), "name": (None, display), "pro": (None, pro)},
    )
    return freelancer


def add_service(
    ctx: Context, username: str, title: str, *, price: str, revisions: int = 0
) -> tuple[Freelancer, FreelancerService]:
    """Add a service (title, price, revisions included) to a freelancer (support)."""
    ctx.require(Action.FREELANCER_SERVICE_ADD)
    title = require_text(title, "the service title")
    price_cents = parse_cents(price)
    if not 0 <= revisions <= MAX_REVISIONS:
        raise InvalidInput(f"--revisions must be between 0 and {MAX_REVISIONS}, not {revisions}")
    freelancer = find(ctx, username)
    service = FreelancerService(
        freelancer_id=id_of(freelancer),
        title=title,
        price_cents=price_cents,
        revisions=revisions,
        created_at=ctx.now,
    )
    ctx.session.add(service)
    ctx.session.flush()
    ctx.record(
        action=Action.FREELANCER_SERVICE_ADD,
        target=f"service:{service.id} @{freelancer.username}",
        account_id=None,
        changes={
            "title": (None, title),
            "price_cents": (None, price_cents),
            "revisions": (None, revisions),
        },
    )
    return freelancer, service


def list_freelancers(ctx: Context, *, pro: bool | None = None) -> Listing[Freelancer]:
    """The whole catalogue by username (anyone may read it); ``pro`` filters on the badge."""
    query = select(Freelancer).order_by(Freelancer.username)
    if pro is not None:
        query = query.where(Freelancer.pro == pro)
    return Listing(ctx.session, query)


def services_of(ctx: Context, freelancer: Freelancer) -> list[FreelancerService]:
    query = select(FreelancerService).where(FreelancerService.freelancer_id == freelancer.id)
    return list(ctx.session.exec(query.order_by(col(FreelancerService.id))).all())
