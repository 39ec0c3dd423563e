"""Turn ``--as`` / ``--account`` into an Actor and the account the command works on.

Whoever the actor is, it carries the operator who ran the command (``agent``: FPCTL_AGENT,
else the login name) and the ``--reason`` given, so that every audit record the command
writes names them (SPEC §3.2): an agent acting ``--as`` a customer stays traceable.
"""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session

from fpctl.domain import actors
from fpctl.domain.actors import Actor
from fpctl.domain.emails import normalize_email
from fpctl.domain.enums import ActorKind, MemberStatus, Role
from fpctl.errors import NotFound
from fpctl.services.lookups import by_username, current_seat, find_account
from fpctl.services.operator import agent_name
from fpctl.store.tables import Account, Member


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
    names the operator behind any actor (default: ``agent_name()``); it and ``reason`` go
    into every audit record the actor writes."""
    account = find_account(session, account_slug) if account_slug else None
    operator = agent or agent_name()
    actor, account = _actor(session, spec, account, operator)
    return replace(actor, agent=operator, reason=reason or None), account


def _actor(
    session: Session, spec: str | None, account: Account | None, operator: str
) -> tuple[Actor, Account | None]:
    kind = actors.kind_of(spec)
    spec = (spec or "").strip()
    if kind is ActorKind.NOBODY:
        return actors.NOBODY, account
    if kind is ActorKind.SUPPORT:
        return actors.support(operator, None, account.id if account else None), account
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
