"""Finding the customer (``account find``, ``account show EMAIL``): which account a support
agent means when all they have is an email, a name or a company."""

from __future__ import annotations

import shlex
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain

from sqlmodel import col, select

from fpctl.domain.emails import normalize_email
from fpctl.domain.enums import MemberStatus
from fpctl.domain.permissions import Action
from fpctl.domain.text import SHORT_TEXT
from fpctl.errors import InvalidInput, NotFound
from fpctl.services.context import Context
from fpctl.store.rows import id_of
from fpctl.store.tables import Account, Member

#: The member statuses that hold a seat in an account (``account show EMAIL`` finds them).
SEATED = (MemberStatus.ACTIVE, MemberStatus.DEACTIVATED)
#: What ``account find`` looks in, in the order a match is listed.
ACCOUNT_FIELDS = ("slug", "name", "company")


@dataclass(frozen=True)
class Match:
    """One thing that matched: a field of the account, or a member's email or name."""

    field: str  # slug, name, company, member_email, member_name
    value: str
    member: str | None = None  # the member's email, for member fields
    member_status: str | None = None


@dataclass(frozen=True)
class Found:
    account: Account
    matched: list[Match]


def folded(text: str) -> str:
    """How ``find`` compares text: NFC, case-folded (``Élodie`` = ``élodie``), on every
    backend alike (SQLite's lower() folds ASCII only, so the comparison is made here)."""
    return unicodedata.normalize("NFC", text).casefold()


def find(ctx: Context, text: str) -> list[Found]:
    """The accounts whose slug, name or company, or one of whose members' email or name
    (any status), contains ``text``, ignoring case; by slug. Both tables are read as
    streams of a few columns, so a large store is scanned without being held."""
    ctx.require(Action.TEAM_READ)
    needle, scope = _needle(text), _scope(ctx)
    matched: dict[int, list[Match]] = {}
    for account_id, match in chain(
        _in_accounts(ctx, needle, scope), _in_members(ctx, needle, scope)
    ):
        matched.setdefault(account_id, []).append(match)
    found = [Found(account, matched[id_of(account)]) for account in _load(ctx, list(matched))]
    return sorted(found, key=lambda f: f.account.slug)


def _in_accounts(ctx: Context, needle: str, scope: int | None) -> Iterator[tuple[int, Match]]:
    query = select(Account.id, Account.slug, Account.name, Account.company)
    if scope is not None:
        query = query.where(Account.id == scope)
    for account_id, *values in ctx.session.exec(query.order_by(col(Account.id))).yield_per(1000):
        for name, value in zip(ACCOUNT_FIELDS, values, strict=True):
            if value and needle in folded(value):
                yield _primary_key(account_id), Match(name, value)


def _in_members(ctx: Context, needle: str, scope: int | None) -> Iterator[tuple[int, Match]]:
    query = select(Member.account_id, Member.email, Member.name, Member.status)
    if scope is not None:
        query = query.where(Member.account_id == scope)
    rows = ctx.session.exec(query.order_by(col(Member.id))).yield_per(1000)
    for account_id, email, name, status in rows:
        if needle in email:  # stored case-folded and NFC
            yield account_id, Match("member_email", email, email, status)
        if name and needle in folded(name):
            yield account_id, Match("member_name", name, email, status)


def _primary_key(value: int | None) -> int:
    assert value is not None  # a primary key read from the store
    return value


def _needle(text: str) -> str:
    needle = folded(" ".join(text.split()))
    if not needle:
        raise InvalidInput(
            "give some text to find: an email, a name, a slug or a company",
            hint="for example: fpctl account find berg",
        )
    if len(needle) > SHORT_TEXT:
        raise InvalidInput(f"the text to find is longer than {SHORT_TEXT} characters")
    return needle


def _scope(ctx: Context) -> int | None:
    """A member finds only in their own account, and ``--account`` names one; else every
    account (no actor, or support)."""
    if ctx.actor.is_member:
        return ctx.actor.account_id
    return ctx.account.id if ctx.account is not None else None


def _load(ctx: Context, ids: list[int]) -> list[Account]:
    loaded: list[Account] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        loaded += ctx.session.exec(select(Account).where(col(Account.id).in_(chunk))).all()
    return loaded


def account_of_member(ctx: Context, text: str) -> Account:
    """The account in which the email ``text`` holds a seat (an active or deactivated
    member); exit 3 pointing to ``account find`` when it holds none the actor may see."""
    email = normalize_email(text)
    seat = ctx.session.exec(
        select(Member)
        .where(Member.email == email)
        .where(col(Member.status).in_(SEATED))
        .order_by(col(Member.id).desc())
    ).first()
    hidden = seat is not None and ctx.actor.is_member and seat.account_id != ctx.actor.account_id
    if seat is None or hidden:
        raise NotFound(
            f"no account has a member {email} (active or deactivated)",
            hint=f"`fpctl account find {shlex.quote(email)}` also finds former members, "
            "names and companies",
        )
    account = ctx.session.get(Account, seat.account_id)
    assert account is not None
    return account
