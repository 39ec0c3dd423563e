"""Finding things and the checks every use case shares: imports no use case.

Any service may use these without pulling in another subject's rules (and so without an
import cycle): the account by slug, a member's current seat, the admin, a freelancer by
username, the refusal of Pro-only work on a switched
account, and the open orders that hold the switch back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlmodel import Session, col, select

from fpctl.domain.emails import normalize_email
from fpctl.domain.enums import AccountStatus, MemberStatus, Role
from fpctl.errors import NotFound, RuleViolation
from fpctl.services.context import Context
from fpctl.store.rows import id_of
from fpctl.store.tables import Account, Member

if TYPE_CHECKING:
    from fpctl.store.tables import Freelancer


def find_account(session: Session, slug: str) -> Account:
    account = session.exec(select(Account).where(Account.slug == slug.strip().casefold())).first()
    if account is None:
        raise NotFound(f"no account {slug!r}", hint="`fpctl account list` shows the slugs")
    return account


def current_seat(session: Session, email: str, account_id: int | None) -> Member | None:
    """The member row for a normalized email: the seat holding it (not removed) first, else
    the latest removed one; within one account when ``account_id`` is given."""
    query = select(Member).where(Member.email == email)
    if account_id is not None:
        query = query.where(Member.account_id == account_id)
    seats = session.exec(query.order_by(col(Member.id).desc())).all()
    held = [seat for seat in seats if seat.status != MemberStatus.REMOVED]
    return next(iter(held or seats), None)


def find_member(ctx: Context, email: str) -> Member:
    """The account's member with this email (its current seat before any removed one)."""
    address = normalize_email(email)
    member = current_seat(ctx.session, address, ctx.the_account.id)
    if member is None:
        raise NotFound(
            f"no member {address} in this account", hint="`fpctl team list` shows the members"
        )
    return member


def current_admin(ctx: Context) -> Member | None:
    return ctx.session.exec(
        select(Member)
        .where(Member.account_id == ctx.the_account.id)
        .where(Member.role == Role.ADMIN)
        .where(Member.status == MemberStatus.ACTIVE)
    ).first()


def require_pro(account: Account, doing: str) -> None:
    """Refuse (exit 5, ``account_switched``) what only a Pro account can do once the account
    has switched to the regular marketplace; its history stays readable."""
    if account.status == AccountStatus.SWITCHED:
        raise RuleViolation(
            f"{account.slug} has switched to the regular marketplace and cannot {doing}",
            hint="the admin returns it to Pro with `fpctl subscription switch basic`",
            code="account_switched",
        )


def by_username(session: Session, username: str) -> Freelancer:
    """``find`` for callers that have a session but no Context yet (``--as @username``)."""
    from fpctl.store.tables import Freelancer

    name = username.strip().removeprefix("@").casefold()
    found = session.exec(select(Freelancer).where(Freelancer.username == name)).first()
    if found is None:
        raise NotFound(f"no freelancer @{name}", hint="`fpctl freelancer list` shows them")
    return found


def count_open(session: Session, account_id: int) -> int:
    """Orders that are not completed, cancelled or rejected (they block the switch)."""
    from fpctl.domain.orders import OPEN_STATUSES
    from fpctl.store.tables import Order

    return session.exec(
        select(func.count())
        .select_from(Order)
        .where(Order.account_id == account_id)
        .where(col(Order.status).in_(OPEN_STATUSES))
    ).one()


def refuse_switch_while_open(session: Session, account: Account) -> None:
    """SPEC §1.7: the switch to the regular marketplace waits until every order is closed."""
    waiting = count_open(session, id_of(account))
    if waiting:
        raise RuleViolation(
            f"{account.slug} has {waiting} open order{'s' if waiting > 1 else ''}: "
            "the switch waits until every order is completed or cancelled",
            hint=f"fpctl order list --account {account.slug} --status in_progress",
            code="open_orders",
        )
