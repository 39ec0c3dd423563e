"""Conversations: opening one, who sees one, and finding the one a message goes to.

One conversation per account and freelancer. It opens at the account's first order with
the freelancer (``open_for``, called by checkout) or at the buyer side's first message. A
freelancer never opens one: the marketplace lets a freelancer write to a client only once
the client wrote or ordered (docs/conversations.md).

Who sees a conversation: every active member of its account (the account's conversations
are the team's, so they stay readable by the members who remain after someone is removed,
and by the admin after a switch to the regular marketplace), support and a read with no
actor (``--account``), and its freelancer — never another freelancer, never another
account's member: for them it is not found (exit 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlmodel import Session, col, select

from fpctl.domain.enums import ActorKind
from fpctl.domain.ids import as_id
from fpctl.domain.permissions import Action
from fpctl.errors import InvalidInput, NotFound, PermissionDenied
from fpctl.services import memo
from fpctl.services.context import Context
from fpctl.services.lookups import by_username
from fpctl.store.rows import id_of
from fpctl.store.tables import Account, Conversation

if TYPE_CHECKING:  # checkout hands its orders over; a read never builds the orders' table
    from fpctl.store.tables import Order

BUYER, FREELANCER = "buyer", "freelancer"
Q = TypeVar("Q", bound=Any)


def open_for(
    session: Session, account_id: int, freelancer_id: int, now: datetime, *, opened_by: str
) -> Conversation:
    """The account's conversation with the freelancer, opened now if there is none yet
    (``opened_by``: ``order:ID``, or the label of the first writer). Opening one is part
    of the change that opens it (the order or the message) and is audited with it."""
    found = session.exec(
        select(Conversation)
        .where(Conversation.account_id == account_id)
        .where(Conversation.freelancer_id == freelancer_id)
    ).first()
    if found is not None:
        return found
    opened = Conversation(
        account_id=account_id,
        freelancer_id=freelancer_id,
        opened_by=opened_by,
        created_at=now,
        last_activity_at=now,
    )
    session.add(opened)
    session.flush()
    return opened


def open_for_orders(session: Session, orders: Sequence[Order]) -> None:
    """The conversations ``orders`` need, opened set-based (one SELECT, one INSERT): one per
    account and freelancer that has none yet, opened by the first of its orders, at the
    time that order was placed. For checkout, after its orders are written."""
    wanted: dict[tuple[int, int], Order] = {}
    for order in orders:
        wanted.setdefault((order.account_id, order.freelancer_id), order)
    if not wanted:
        return
    pairs = frozenset(wanted)
    there = memo.remember(  # in a batch, until a conversation is opened
        session,
        ("conversations of", pairs),
        {"conversation": memo.ALL},
        lambda: _opened(session, pairs),
    )
    for pair in there:
        wanted.pop(pair, None)
    session.add_all(
        Conversation(
            account_id=account,
            freelancer_id=freelancer,
            opened_by=f"order:{order.id}",
            created_at=order.created_at,
            last_activity_at=order.created_at,
        )
        for (account, freelancer), order in wanted.items()
    )
    session.flush()


def _opened(session: Session, pairs: frozenset[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which of these (account, freelancer) pairs have a conversation."""
    accounts = {account for account, _ in pairs}
    freelancers = {freelancer for _, freelancer in pairs}
    rows = session.exec(
        select(Conversation.account_id, Conversation.freelancer_id)
        .where(col(Conversation.account_id).in_(accounts))
        .where(col(Conversation.freelancer_id).in_(freelancers))
    ).all()
    return {(account, freelancer) for account, freelancer in rows} & pairs


def scoped(ctx: Context, query: Q, *, by_id: bool = False) -> Q:
    """``query`` (over ``Conversation``) narrowed to the conversations the actor sees."""
    ctx.require(Action.INBOX_READ)  # an inactive member can read nothing (exit 4)
    actor = ctx.actor
    if actor.kind is ActorKind.FREELANCER:
        query = query.where(Conversation.freelancer_id == actor.freelancer_id)
        if ctx.account is not None:
            query = query.where(Conversation.account_id == ctx.account.id)
        return query
    if actor.is_nobody and ctx.account is None and by_id:
        return query  # an operator reading one conversation by id: its account follows
    return query.where(Conversation.account_id == ctx.the_account.id)


def find(ctx: Context, conversation_id: int) -> Conversation:
    """A conversation the actor sees; any other id is not found (exit 3)."""
    query = scoped(ctx, select(Conversation), by_id=True)
    found = ctx.session.exec(query.where(Conversation.id == conversation_id)).first()
    if found is None:
        raise NotFound(
            f"no conversation {conversation_id}",
            hint="`fpctl inbox list` shows the conversations you see",
        )
    if ctx.account is None:
        ctx.account = ctx.session.get(Account, found.account_id)
    return found


@dataclass(frozen=True)
class Recipient:
    """Where a message goes: a conversation, or the freelancer a first message opens one
    with (``conversation`` is then None)."""

    account: Account
    freelancer_id: int
    conversation: Conversation | None


def authorize(ctx: Context, action: Action, to: str) -> Recipient:
    """Whom ``action`` (sending) addresses, once the actor may send: TO is a conversation
    id (anyone who sees it) or, for the buyer side, ``@USERNAME``: the account's
    conversation with that freelancer, or a new one. ``auth can-i message.send TO`` asks
    exactly this."""
    ctx.require(action)
    number = as_id(to)
    if number is not None:
        conversation = find(ctx, number)
        return Recipient(ctx.the_account, conversation.freelancer_id, conversation)
    if not to.strip().startswith("@"):
        raise InvalidInput(
            f"{to!r} is neither a conversation id nor a freelancer's @USERNAME",
            hint="`fpctl inbox list` shows the conversations and their ids",
        )
    if ctx.actor.kind is ActorKind.FREELANCER:
        raise PermissionDenied(
            "a freelancer cannot write to a client first: answer in a conversation the "
            "client opened (by writing or ordering), by its id",
            hint=f"`fpctl inbox list --as {ctx.actor.label}` shows your conversations",
            code="freelancer_cannot_open",
        )
    account = ctx.the_account
    freelancer_id = id_of(by_username(ctx.session, to))
    existing = ctx.session.exec(
        select(Conversation)
        .where(Conversation.account_id == account.id)
        .where(Conversation.freelancer_id == freelancer_id)
    ).first()
    return Recipient(account, freelancer_id, existing)
