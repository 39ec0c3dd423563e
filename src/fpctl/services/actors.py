"""Turn ``--as`` / ``--account`` into an Actor and the account the command works on."""

from __future__ import annotations

import getpass
import os

from sqlmodel import Session

from fpctl.domain import actors
from fpctl.domain.actors import Actor
from fpctl.domain.emails import normalize_email
from fpctl.domain.enums import ActorKind, MemberStatus, Role
from fpctl.errors import NotFound
from fpctl.services.lookups import by_username, current_seat, find_account
from fpctl.store.tables import Account, Member


def agent_name() -> str:
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "unknown"
    return os.environ.get("FPCTL_AGENT") or login


def member_actor(member: Member) -> Actor:
    return Actor(
        kind=ActorKind.MEMBER,
        label=member.email,
        account_id=member.account_id,
        member_id=member.id,
        role=Role(member.role),
        status=MemberStatus(member.status),
    )


def _find_member(session: Session, email: str, account: Account | None) -> Member:
    member = current_seat(session, email, account.id if account is not None else None)
    if member is None:
        where = f" in account {account.slug!r}" if account is not None else ""
        raise NotFound(f"no member {email}{where}", hint="`fpctl team list` shows the members")
    return member


def resolve(
    session: Session,
    spec: str | None,
    *,
    account_slug: str | None,
    reason: str | None,
    agent: str | None = None,
) -> tuple[Actor, Account | None]:
    """The actor and the account: ``--as EMAIL`` implies its member's account. ``agent``
    names the person acting as support (default: ``agent_name()``)."""
    account = find_account(session, account_slug) if account_slug else None
    kind = actors.kind_of(spec)
    spec = (spec or "").strip()
    if kind is ActorKind.NOBODY:
        return actors.NOBODY, account
    if kind is ActorKind.SUPPORT:
        return actors.support(
            agent or agent_name(), reason, account.id if account else None
        ), account
    if kind is ActorKind.FREELANCER:
        freelancer = by_username(session, spec[1:].strip())
        actor = Actor(
            kind=ActorKind.FREELANCER,
            label=f"@{freelancer.username}",
            freelancer_id=freelancer.id,
            account_id=account.id if account else None,
        )
        return actor, account
    member = _find_member(session, normalize_email(spec), account)
    if account is None:
        account = session.get(Account, member.account_id)
    return member_actor(member), account
