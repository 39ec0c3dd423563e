"""Each reader's inbox: the conversations they see with their last message and what they
have not read, and reading one conversation (which marks it read for them).

Unread, for a member: messages after the last one they read in that conversation,
written by anyone but themselves (a colleague's message is news too, the inbox being the
team's); for the freelancer: the buyer side's messages after the last one they read.
Support and a read with no actor have no unread count (``None``): they read for someone
else, so reading marks nothing either.

Marking read writes the reader's own mark (``conversation_read``, or the conversation's
``freelancer_read_id``) and only moves it forward. It is no change of the account's
business, so it writes no audit record (like a recorded freelancer view).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal, or_
from sqlalchemy import select as select_columns
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from fpctl.domain.enums import ActorKind
from fpctl.services.context import Context
from fpctl.services.conversations import threads
from fpctl.services.listing import Listing
from fpctl.store.rows import id_of
from fpctl.store.tables import (
    Account,
    Conversation,
    ConversationMessage,
    ConversationRead,
    Freelancer,
)


@dataclass(frozen=True)
class Summary:
    """One line of an inbox."""

    conversation: Conversation
    account: str  # slug
    freelancer: str  # username
    freelancer_name: str
    messages: int
    unread: int | None  # None: nobody whose unread count it is (support, no actor)
    last: ConversationMessage | None


@dataclass(frozen=True)
class Shown:
    """A message as one reader sees it: ``new`` when it was unread for them (None for a
    reader with no mark: support, no actor)."""

    message: ConversationMessage
    new: bool | None


@dataclass(frozen=True)
class Thread:
    conversation: Conversation
    account: str
    freelancer: str
    messages: Listing[Shown]


def _message_count() -> Any:
    return (
        select(func.count())
        .select_from(ConversationMessage)
        .where(ConversationMessage.conversation_id == Conversation.id)
        .correlate(Conversation)
        .scalar_subquery()
    )


def _not_read(ctx: Context) -> ColumnElement[bool] | None:
    """The condition for a message (of the conversation in the query) the actor has not
    read; None when the actor keeps no mark."""
    actor = ctx.actor
    if actor.kind is ActorKind.FREELANCER:
        return and_(
            col(ConversationMessage.side) == threads.BUYER,
            col(ConversationMessage.id) > Conversation.freelancer_read_id,
        )
    if actor.member_id is None:
        return None
    read_up_to = (
        select(ConversationRead.last_read_id)
        .where(ConversationRead.conversation_id == Conversation.id)
        .where(ConversationRead.member_id == actor.member_id)
        .correlate(Conversation)
        .scalar_subquery()
    )
    return and_(
        col(ConversationMessage.id) > func.coalesce(read_up_to, 0),
        or_(
            col(ConversationMessage.author_id).is_(None),
            col(ConversationMessage.author_id) != actor.member_id,
        ),
    )


def _unread_count(not_read: ColumnElement[bool]) -> Any:
    return (
        select(func.count())
        .select_from(ConversationMessage)
        .where(ConversationMessage.conversation_id == Conversation.id)
        .where(not_read)
        .correlate(Conversation)
        .scalar_subquery()
    )


def inbox(ctx: Context, *, unread_only: bool = False) -> Listing[Summary]:
    """The conversations the actor sees, latest activity first, streamed: a member's or
    support's are the account's; a freelancer's span every account (``--account`` narrows
    them)."""
    not_read = _not_read(ctx)
    unread = _unread_count(not_read) if not_read is not None else literal(None)
    last = aliased(ConversationMessage)
    last_id = (
        select(func.max(ConversationMessage.id))
        .where(ConversationMessage.conversation_id == Conversation.id)
        .correlate(Conversation)
        .scalar_subquery()
    )
    shown: list[Any] = [
        Conversation,
        Account.slug,
        Freelancer.username,
        Freelancer.name,
        _message_count(),
        unread,
        last,
    ]
    query = (
        select_columns(*shown)
        .join(Account, col(Account.id) == Conversation.account_id)
        .join(Freelancer, col(Freelancer.id) == Conversation.freelancer_id)
        .outerjoin(last, col(last.id) == last_id)
    )
    query = threads.scoped(ctx, query)
    if unread_only and not_read is not None:
        query = query.where(_unread_count(not_read) > 0)
    ordered = query.order_by(col(Conversation.last_activity_at).desc(), col(Conversation.id).desc())
    return Listing(ctx.session, ordered, lambda row: Summary(*row))


def read(ctx: Context, conversation_id: int, *, unread_only: bool = False) -> Thread:
    """A conversation's messages, oldest first (the order a thread is read in), each with
    whether it is new to the reader; ``unread_only``: only those."""
    conversation = threads.find(ctx, conversation_id)
    freelancer = ctx.session.get(Freelancer, conversation.freelancer_id)
    account = ctx.session.get(Account, conversation.account_id)
    assert freelancer is not None and account is not None
    not_read = _not_read(ctx)
    query = select(ConversationMessage, Conversation).join(
        Conversation, col(Conversation.id) == ConversationMessage.conversation_id
    )
    query = query.where(ConversationMessage.conversation_id == conversation.id)
    if unread_only and not_read is not None:
        query = query.where(not_read)
    shown = _new_flag(ctx, conversation)
    listing = Listing(
        ctx.session,
        query.order_by(col(ConversationMessage.id)),
        lambda row: Shown(row[0], shown(row[0])),
    )
    return Thread(conversation, account.slug, freelancer.username, listing)


def _new_flag(ctx: Context, conversation: Conversation) -> Callable[[Any], bool | None]:
    """Whether a message is new to the actor, from their mark as it was before reading."""
    actor = ctx.actor
    if actor.kind is ActorKind.FREELANCER:
        upto = conversation.freelancer_read_id
        return lambda m: m.side == threads.BUYER and m.id > upto
    if actor.member_id is None:
        return lambda _m: None
    member = actor.member_id
    upto = _member_mark(ctx, conversation, member)
    return lambda m: m.author_id != member and m.id > upto


def _member_mark(ctx: Context, conversation: Conversation, member_id: int) -> int:
    mark = ctx.session.exec(
        select(ConversationRead.last_read_id)
        .where(ConversationRead.conversation_id == conversation.id)
        .where(ConversationRead.member_id == member_id)
    ).first()
    return mark or 0


def keeps_a_mark(ctx: Context) -> bool:
    """Whether reading marks anything for the actor (a member or a freelancer)."""
    return ctx.actor.kind is ActorKind.FREELANCER or ctx.actor.member_id is not None


def mark_read(ctx: Context, conversation: Conversation, up_to: int | None) -> None:
    """The actor has read ``conversation`` up to message ``up_to`` (never moves back)."""
    if up_to is None or not keeps_a_mark(ctx):
        return
    actor = ctx.actor
    if actor.kind is ActorKind.FREELANCER:
        if up_to > conversation.freelancer_read_id:
            conversation.freelancer_read_id = up_to
            ctx.session.add(conversation)
        ctx.session.flush()
        return
    assert actor.member_id is not None
    mark = ctx.session.exec(
        select(ConversationRead)
        .where(ConversationRead.conversation_id == conversation.id)
        .where(ConversationRead.member_id == actor.member_id)
    ).first()
    if mark is None:
        mark = ConversationRead(
            conversation_id=id_of(conversation), member_id=actor.member_id, read_at=ctx.now
        )
    if up_to > mark.last_read_id:
        mark.last_read_id, mark.read_at = up_to, ctx.now
        ctx.session.add(mark)
    ctx.session.flush()
