"""Accounts: sign-up (``account create``), listing, details (SPEC §1.1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from fpctl.domain.emails import normalize_email
from fpctl.domain.enums import MemberStatus, Plan, Role
from fpctl.domain.permissions import Action
from fpctl.domain.plans import add_months
from fpctl.domain.text import SHORT_TEXT, require_text, slugify, validate_slug, within
from fpctl.errors import InvalidInput, NotFound, RuleViolation
from fpctl.services.actors import member_actor
from fpctl.services.context import Context
from fpctl.services.listing import Listing
from fpctl.services.lookups import find_account
from fpctl.store.tables import Account, Member

ACCOUNT_FIELDS = ("name", "company", "website", "industry")


def create(
    ctx: Context,
    *,
    name: str,
    admin_email: str,
    admin_name: str | None = None,
    slug: str | None = None,
    plan: str = Plan.BASIC,
) -> Account:
    """Create the account and its admin in one step (sign-up: no actor, or support)."""
    from fpctl.services.team.members import add_member, ensure_email_free

    if not ctx.actor.is_nobody:
        ctx.require(Action.ACCOUNT_CREATE)
    name = require_text(name, "the account name")
    # Like every member's name (team accept --name): trimmed, not blank, 200 at most.
    shown = require_text(admin_name, "the admin's name") if admin_name is not None else None
    slug = validate_slug(slug) if slug else slugify(name)
    email = normalize_email(admin_email)
    plan = Plan(plan)
    if ctx.session.exec(select(Account.id).where(Account.slug == slug)).first() is not None:
        raise RuleViolation(
            f"an account with the slug {slug!r} already exists",
            hint="choose another with --slug",
            code="slug_taken",
        )
    ensure_email_free(ctx, email)
    account = Account(
        slug=slug,
        name=name,
        plan=plan,
        plan_started_at=ctx.now if plan is Plan.ADVANCED else None,
        # The first cycle starts unpaid (no payment method yet); renewals are charged.
        plan_renews_at=add_months(ctx.now, 1) if plan is Plan.ADVANCED else None,
        created_at=ctx.now,
    )
    ctx.session.add(account)
    ctx.session.flush()
    admin = add_member(ctx, account, email=email, name=shown or email, role=Role.ADMIN)
    actor = ctx.actor if not ctx.actor.is_nobody else member_actor(admin)
    ctx.as_actor(actor).record(
        action=Action.ACCOUNT_CREATE,
        target=f"account:{account.id} {slug}",
        account_id=account.id,
        changes={"name": (None, name), "plan": (None, plan.value), "admin": (None, email)},
    )
    ctx.account = account
    return account


def _visible(ctx: Context, query: Any) -> Any:
    """``query`` (of accounts) limited to those the actor sees: every account with no actor
    or as support; a member sees only their own."""
    ctx.require(Action.TEAM_READ)
    query = query.order_by(Account.slug)
    if ctx.actor.is_member:
        return query.where(Account.id == ctx.actor.account_id)
    if ctx.account is not None:
        return query.where(Account.id == ctx.account.id)
    return query


def list_accounts(ctx: Context) -> Listing[Account]:
    """The accounts the actor sees, by slug."""
    return Listing(ctx.session, _visible(ctx, select(Account)))


def list_accounts_with_seats(ctx: Context) -> Listing[tuple[Account, int]]:
    """The accounts the actor sees, by slug, each with its members who hold a seat (active
    or deactivated), counted in the same query."""
    seats = (
        select(func.count())
        .where(Member.account_id == Account.id)
        .where(col(Member.status).in_([MemberStatus.ACTIVE, MemberStatus.DEACTIVATED]))
        .scalar_subquery()
    )
    return Listing(ctx.session, _visible(ctx, select(Account, seats)))


def show(ctx: Context, slug: str | None = None) -> Account:
    """The account ``slug`` names, or the account of the member whose email it is."""
    ctx.require(Action.TEAM_READ)
    if slug is None:
        return ctx.the_account
    if "@" in slug:  # never in a slug
        from fpctl.services.team import finding

        return finding.account_of_member(ctx, slug)
    account = find_account(ctx.session, slug)
    if ctx.actor.is_member and account.id != ctx.actor.account_id:
        raise NotFound(f"no account {slug!r}")
    return account


def update(ctx: Context, **values: str | None) -> tuple[Account, str | None]:
    """Change the name or business details; only the fields given. Returns the account and
    why nothing changed, if nothing did (the convention of every change)."""
    ctx.require(Action.ACCOUNT_UPDATE)
    account = ctx.the_account
    given = {key: value for key, value in values.items() if value is not None}
    if not given:
        raise InvalidInput(
            "nothing to change", hint="give --name, --company, --website or --industry"
        )
    if "name" in given:
        given["name"] = require_text(given["name"], "the account name")
    for key in given.keys() - {"name"}:
        within(given[key], f"the {key}", SHORT_TEXT)
    changes = {
        key: (getattr(account, key), value)
        for key, value in given.items()
        if key in ACCOUNT_FIELDS and getattr(account, key) != value
    }
    for key, (_, after) in changes.items():
        setattr(account, key, after)
    if changes:
        ctx.session.add(account)
        ctx.record(
            action=Action.ACCOUNT_UPDATE,
            target=f"account:{account.id} {account.slug}",
            account_id=account.id,
            changes=changes,
        )
    return account, None if changes else (
        f"account {account.slug} already has these details: nothing changed"
    )
