"""Reading the audit trail: who may, and the records a filter selects, streamed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, or_, type_coerce
from sqlalchemy import select as select_columns
from sqlmodel import col, select

from fpctl.domain.enums import ActorKind
from fpctl.domain.ids import as_id
from fpctl.domain.permissions import Action
from fpctl.domain.text import within
from fpctl.errors import InvalidInput
from fpctl.services.context import Context
from fpctl.services.driver_rows import iso_reader
from fpctl.store.rows import table_of
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
    query = _selected(ctx, where, select(AuditRecord, Account.slug))
    return iter(ctx.session.exec(query).yield_per(1000))


#: What ``list_rows`` gives for each record, in this order.
ROW_COLUMNS = (
    "id", "at", "actor", "actor_kind", "agent", "action", "target", "account", "reason",
    "changes", "prev_hash", "hash",
)  # fmt: skip


def list_rows(ctx: Context, where: AuditFilter) -> Iterator[tuple[Any, ...]]:
    """``list_records`` as plain rows (ROW_COLUMNS: ``at`` in its ISO form, ``changes`` the
    stored JSON text, ``account`` the slug), read without building an ORM object per
    record: a million records stream at the speed of the driver. Checked at the call."""
    record = table_of(AuditRecord).c
    chosen: dict[str, Any] = {name: record[name] for name in ROW_COLUMNS if name in record}
    chosen["at"] = type_coerce(record.at, String)  # as stored: read below, once per instant
    chosen["account"] = table_of(Account).c.slug
    query = _selected(ctx, where, select_columns(*(chosen[name] for name in ROW_COLUMNS)))
    connection = ctx.session.connection()
    rows = connection.execute(query, execution_options={"yield_per": 1000})
    return _with_instants(rows, iso_reader(connection.dialect))


def _with_instants(
    rows: Iterable[Sequence[Any]], iso_of: Callable[[Any], str | None]
) -> Iterator[tuple[Any, ...]]:
    """``at`` (second) as the ORM would read it, in its ISO form: the records of one change
    share their instant, read once."""
    stored: Any = object()
    at: str | None = None
    for row in rows:
        if row[1] != stored:
            stored, at = row[1], iso_of(row[1])
        yield (row[0], at, *row[2:])


def _selected(ctx: Context, where: AuditFilter, query: Any) -> Any:
    """``query`` (selecting from audit_record) joined to each record's account, narrowed to
    what the actor may read and the filter selects, in order."""
    ctx.require(Action.AUDIT_READ)
    query = query.join_from(
        AuditRecord, Account, col(AuditRecord.account_id) == Account.id, isouter=True
    )
    if ctx.account is not None:
        query = query.where(AuditRecord.account_id == ctx.account.id)
    for condition in _conditions(ctx, where):
        query = query.where(condition)
    order = col(AuditRecord.id).desc() if where.newest_first else col(AuditRecord.id)
    return query.order_by(order)


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
