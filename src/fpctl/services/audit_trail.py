"""Reading the audit trail: who may, and the records a filter selects, streamed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import col, select

from fpctl.domain.enums import ActorKind
from fpctl.domain.ids import as_id
from fpctl.domain.permissions import Action
from fpctl.domain.text import within
from fpctl.errors import InvalidInput
from fpctl.services.context import Context
from fpctl.store.tables import Account, AuditRecord

#: ``--actor`` words that name a kind of actor rather than one actor.
ACTOR_KINDS = frozenset(
    {ActorKind.MEMBER, ActorKind.FREELANCER, ActorKind.SUPPORT, ActorKind.SYSTEM}
)

_TARGET = re.compile(r"([a-z_]+):(\S+)", re.ASCII)


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None  # role.set exactly; order (or order., order.*): every order.*
    actor: str | None = None  # one actor (email, @username, support:AGENT), or a kind, or X*
    agent: str | None = None  # the operator who ran the command (FPCTL_AGENT / login name)
    target: str | None = None  # KIND:ID, the object changed: order:27, invitation:4
    since: datetime | None = None
    newest_first: bool = False


def list_records(ctx: Context, where: AuditFilter) -> Iterator[tuple[AuditRecord, str | None]]:
    """Records (with their account's slug) in chain order, or newest first, streamed.

    The admin sees their account's trail; support and runs without an actor see the account
    named by ``--account``, or every account when none is named. Not a generator: the
    permission check and the filter's own checks run at the call, before any output."""
    ctx.require(Action.AUDIT_READ)
    query = select(AuditRecord, Account.slug).join(
        Account, col(AuditRecord.account_id) == Account.id, isouter=True
    )
    if ctx.account is not None:
        query = query.where(AuditRecord.account_id == ctx.account.id)
    for condition in _conditions(ctx, where):
        query = query.where(condition)
    order = col(AuditRecord.id).desc() if where.newest_first else col(AuditRecord.id)
    return iter(ctx.session.exec(query.order_by(order)).yield_per(1000))


#: The longest filter text: more than any action, actor or target holds, and far below
#: SQLite's limit for a LIKE pattern (50,000 bytes: a longer one was an internal error).
MAX_FILTER = 1_000


def _conditions(ctx: Context, where: AuditFilter) -> list[ColumnElement[bool]]:
    for name in ("action", "actor", "agent", "target"):
        within(getattr(where, name) or "", f"the --{name} filter", MAX_FILTER)
    found: list[ColumnElement[bool]] = []
    if where.action and where.action.strip():
        found.append(_action_is(where.action))
    if where.actor and where.actor.strip():
        found.append(_actor_is(where.actor))
    if where.agent and where.agent.strip():
        found.append(col(AuditRecord.agent) == where.agent.strip())
    if where.target and where.target.strip():
        found.append(_target_is(ctx, where.target))
    if where.since:
        found.append(col(AuditRecord.at) >= where.since)
    return found


def _action_is(text: str) -> ColumnElement[bool]:
    """``role.set`` is one action; ``order``, ``order.`` and ``order.*`` every ``order.*``
    (``team.inv*`` every action starting so)."""
    wanted = text.strip().casefold()
    action = col(AuditRecord.action)
    if wanted.endswith("*"):
        return action.startswith(wanted.rstrip("*"), autoescape=True)
    if "." not in wanted:
        return action.startswith(f"{wanted}.", autoescape=True)
    if wanted.endswith("."):
        return action.startswith(wanted, autoescape=True)
    return action == wanted


def _actor_is(text: str) -> ColumnElement[bool]:
    """A kind (``support``: every support agent, ``member``, ``freelancer``, ``system``),
    a prefix (``support:s*``) or one actor as records name it: an email or ``@username``
    (any case), ``support:AGENT``."""
    wanted = text.strip()
    actor = col(AuditRecord.actor)
    if wanted.casefold() in ACTOR_KINDS:
        return col(AuditRecord.actor_kind) == wanted.casefold()
    if wanted.endswith("*"):
        return actor.startswith(_label(wanted.rstrip("*")), autoescape=True)
    return actor == _label(wanted)


def _label(text: str) -> str:
    """Emails and usernames are stored case-folded; an agent's name is kept as typed."""
    head, sep, agent = text.partition(":")
    if sep and head.casefold() == ActorKind.SUPPORT:
        return f"support:{agent}"
    return text.casefold()


def _target_is(ctx: Context, text: str) -> ColumnElement[bool]:
    """The records of one object, ``KIND:ID``: those whose target starts with it (an
    order's notes, comments, hours and cancellation requests are ``order:27 note:3``…),
    and the approval requests about it (``approval:1 invitation:4``). An account is named
    by its id or its slug, as its records use both."""
    found = _TARGET.fullmatch(text.strip().casefold())
    if found is None:
        raise InvalidInput(
            f"{text!r} is not a target: give KIND:ID",
            hint="for example --target order:27, --target invitation:4 or --target account:acme",
        )
    kind, ident = found.groups()
    names = _account_names(ctx, ident) if kind == "account" else [f"{kind}:{ident}"]
    target = col(AuditRecord.target)
    chosen: list[Any] = []
    for name in names:
        chosen += [target == name, target.startswith(f"{name} ", autoescape=True)]
        chosen.append(
            and_(
                target.startswith("approval:", autoescape=True),
                target.endswith(f" {name}", autoescape=True),
            )
        )
    return or_(*chosen)


def _account_names(ctx: Context, ident: str) -> list[str]:
    """``account:1`` and ``account:acme`` both name the account acme."""
    names = {f"account:{ident}"}
    number = as_id(ident)
    named = col(Account.slug) == ident
    query = select(Account.id, Account.slug).where(
        named if number is None else or_(named, col(Account.id) == number)
    )
    for account_id, slug in ctx.session.exec(query):
        names |= {f"account:{account_id}", f"account:{slug}"}
    return sorted(names)
