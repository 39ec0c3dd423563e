"""Who is told what: the notifications a change writes for the members it concerns
(docs/notifications.md has the table).

A notification is a consequence of a change, written in the change's transaction by the
service that makes it (one call each), so a refused or dry-run change leaves none. It is
not audited on its own: the change's audit record says what happened, and who is told
follows from it by the rules here. Only active members are told, never the member who
made the change; nothing leaves the store.

Writing is set-based: ``notify_many`` reads which of the members are active in one query
and inserts every row in one more, however many orders or invitations a command made.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from fpctl.domain.actors import Actor
from fpctl.domain.enums import ActorKind, MemberStatus, Role
from fpctl.domain.money import format_cents
from fpctl.domain.orders import OrderStatus
from fpctl.services import memo
from fpctl.services.context import Context
from fpctl.store.bulk import insert_rows
from fpctl.store.rows import table_of
from fpctl.store.tables import Member, Notification, ProjectMember

if TYPE_CHECKING:  # the services that notify hand these over
    from fpctl.store.tables import (
        ApprovalRequest,
        Conversation,
        ConversationMessage,
        Offer,
        Order,
        OrderCancellation,
        OrderComment,
        Project,
    )

INVITATION_APPROVAL = "invitation.approval"
ORDER_APPROVAL = "order.approval"
ORDER_PLACED = "order.placed"
CANCEL_REQUEST = "order.cancel_request"
DISPUTE_REQUEST = "order.dispute_request"
OFFER = "offer"
MENTION = "order.mention"
DELIVERED = "order.delivered"
MESSAGE = "message"
REQUEST_ANSWERED = "order.request_answered"
APPROVAL_DECIDED = "approval.decided"
#: Every kind, in the order docs/notifications.md lists them.
KINDS = (
    INVITATION_APPROVAL,
    ORDER_APPROVAL,
    ORDER_PLACED,
    CANCEL_REQUEST,
    DISPUTE_REQUEST,
    OFFER,
    MENTION,
    DELIVERED,
    MESSAGE,
    REQUEST_ANSWERED,
    APPROVAL_DECIDED,
)

#: How much of a comment, message or reason a notification quotes (its first line).
QUOTE_CHARS = 80


@dataclass(frozen=True)
class Notice:
    """One thing to tell some members: each of ``member_ids`` that is active and is not
    ``author`` (the member who made the change) gets a row."""

    member_ids: Collection[int | None]
    kind: str
    subject: str
    text: str
    actor: str | None = None
    author: int | None = None


def quote(text: str) -> str:
    """The first line of ``text``, at most ``QUOTE_CHARS`` characters (cut with "…")."""
    lines = text.strip().splitlines()
    first = lines[0] if lines else ""
    more = len(first) > QUOTE_CHARS or len(lines) > 1
    return first[: QUOTE_CHARS - 1] + "…" if more else first


def notify_many(session: Session, notices: Iterable[Notice], now: datetime) -> int:
    """Write each notice for its active members but its author: one query, one insert.
    How many rows were written."""
    notices = list(notices)
    wanted = {m for n in notices for m in n.member_ids if m is not None and m != n.author}
    if not wanted:
        return 0
    active = memo.remember(  # in a batch, until a member's status changes
        session,
        ("active members", frozenset(wanted)),
        {"member": frozenset({"status"})},
        lambda: _active(session, wanted),
    )
    rows = [
        {
            "member_id": member,
            "kind": notice.kind,
            "subject": notice.subject,
            "text": notice.text,
            "actor": notice.actor,
            "created_at": now,
            "read_at": None,
        }
        for notice in notices
        for member in dict.fromkeys(notice.member_ids)  # each member once, in order
        if member in active and member != notice.author
    ]
    insert_rows(session.connection(), table_of(Notification), rows)
    return len(rows)


def _active(session: Session, wanted: set[int]) -> set[int]:
    """Which of ``wanted`` are active members."""
    found = session.exec(
        select(Member.id)
        .where(col(Member.id).in_(sorted(wanted)))
        .where(Member.status == MemberStatus.ACTIVE)
    ).all()
    return {member for member in found if member is not None}


def notify(
    session: Session,
    member_ids: Collection[int | None],
    now: datetime,
    *,
    kind: str,
    subject: str,
    text: str,
    actor: str | None = None,
    author: int | None = None,
) -> int:
    """One notice (see ``notify_many``)."""
    return notify_many(session, [Notice(member_ids, kind, subject, text, actor, author)], now)


def admins_of(session: Session, account_ids: Collection[int]) -> dict[int, int]:
    """Each account's active admin (by account id); in a batch, kept until a member's role
    or status changes."""
    return memo.remember(
        session,
        ("active admins", frozenset(account_ids)),
        {"member": frozenset({"role", "status"})},
        lambda: _admins_of(session, account_ids),
    )


def _admins_of(session: Session, account_ids: Collection[int]) -> dict[int, int]:
    rows = session.exec(
        select(Member.account_id, Member.id)
        .where(col(Member.account_id).in_(sorted(account_ids)))
        .where(Member.role == Role.ADMIN)
        .where(Member.status == MemberStatus.ACTIVE)
    ).all()
    return {account: member for account, member in rows if member is not None}


def members_of(session: Session, account_id: int) -> list[int]:
    """The account's active members, oldest first."""
    ids = session.exec(
        select(Member.id)
        .where(Member.account_id == account_id)
        .where(Member.status == MemberStatus.ACTIVE)
        .order_by(col(Member.id))  # ids in the order they are told, on every backend
    ).all()
    return [member for member in ids if member is not None]


# -- what each change tells ----------------------------------------------------------------


def invitations_to_approve(ctx: Context, invitations: Sequence[tuple[int, str, str]]) -> int:
    """Invitations (id, email, role) held for approval: the admin is asked."""
    if not invitations:
        return 0
    account = ctx.the_account.id
    assert account is not None
    admin = admins_of(ctx.session, [account]).get(account)
    by, author = ctx.actor.label, ctx.actor.member_id
    notices = [
        Notice(
            [admin],
            INVITATION_APPROVAL,
            f"invitation:{number}",
            f"{by} invited {email} as {role}: awaiting your approval",
            by,
            author,
        )
        for number, email, role in invitations
    ]
    return notify_many(ctx.session, notices, ctx.now)


@dataclass(frozen=True)
class PlacedOrder:
    """An order checkout wrote: who placed it, in which project, held or not."""

    order: Order
    project: Project
    by: str  # the placer's label
    now: datetime


def orders_placed(session: Session, placed: Sequence[PlacedOrder]) -> int:
    """New orders: the admin is asked to approve the held ones; the project's owner and
    collaborators hear of each (the placer never hears of their own)."""
    if not placed:
        return 0
    admins = admins_of(session, {p.order.account_id for p in placed})
    project_ids = sorted({p.project.id for p in placed if p.project.id is not None})
    people: dict[int, list[int]] = {}
    for project_id, member_id in session.exec(
        select(ProjectMember.project_id, ProjectMember.member_id)
        .where(col(ProjectMember.project_id).in_(project_ids))
        .order_by(col(ProjectMember.project_id), col(ProjectMember.member_id))
    ).all():
        people.setdefault(project_id, []).append(member_id)
    notices: list[tuple[Notice, datetime]] = []
    for p in placed:
        order, project = p.order, p.project
        author = order.placed_by_id
        what = f"order {order.id}: {quote(order.title)} ({format_cents(order.total_cents)})"
        subject = f"order:{order.id}"
        admin = admins.get(order.account_id)
        held = order.status == OrderStatus.AWAITING_APPROVAL
        if held:
            text = f"{p.by} placed {what}: awaiting your approval"
            notices.append((Notice([admin], ORDER_APPROVAL, subject, text, p.by, author), p.now))
        told = [project.owner_id, *people.get(project.id or 0, [])]
        if held:  # the admin was asked already: one notification of one order
            told = [member for member in told if member != admin]
        text = f"{p.by} placed {what} in project {quote(project.name)}"
        notices.append((Notice(told, ORDER_PLACED, subject, text, p.by, author), p.now))
    written = 0
    for now in dict.fromkeys(when for _, when in notices):  # one clock in practice
        written += notify_many(session, [n for n, when in notices if when == now], now)
    return written


def _tell(ctx: Context, notice: Notice) -> int:
    return notify_many(ctx.session, [notice], ctx.now)


def cancellation_requested(ctx: Context, order: Order, request: OrderCancellation) -> int:
    """A mutual-cancellation request: the order's placer hears of it (unless they made it)."""
    by = request.requested_by
    text = f"{by} asks to cancel order {order.id}: {quote(request.reason)}"
    subject = f"order:{order.id} cancellation:{request.id}"
    return _tell(
        ctx, Notice([order.placed_by_id], CANCEL_REQUEST, subject, text, by, ctx.actor.member_id)
    )


def dispute_requested(ctx: Context, order: Order, request_id: int, proposal: str) -> int:
    """A dispute request (``proposal``: what it proposes, in a few words): the order's
    placer hears of it, unless they made it."""
    by = ctx.actor.label
    text = f"{by} proposes {proposal} on order {order.id}"
    subject = f"order:{order.id} dispute:{request_id}"
    return _tell(
        ctx, Notice([order.placed_by_id], DISPUTE_REQUEST, subject, text, by, ctx.actor.member_id)
    )


def offer_sent(ctx: Context, offer: Offer, username: str) -> int:
    """A custom offer: the member it is addressed to, else every active member."""
    told = [offer.member_id] if offer.member_id else members_of(ctx.session, offer.account_id)
    money = format_cents(offer.total_cents)
    text = f"@{username} sent you custom offer {offer.id}: {quote(offer.title)} ({money})"
    return _tell(ctx, Notice(told, OFFER, f"offer:{offer.id}", text, f"@{username}"))


def mentioned(ctx: Context, order: Order, comment: OrderComment, member_ids: list[int]) -> int:
    """The members a comment mentions (those the mention counted for; not its author)."""
    by = ctx.actor.label
    text = f"{by} mentioned you on order {order.id}: {quote(comment.text)}"
    subject = f"order:{order.id} comment:{comment.id}"
    return _tell(ctx, Notice(member_ids, MENTION, subject, text, by, comment.author_id))


def delivered(ctx: Context, order: Order) -> int:
    """A delivery: the order's placer."""
    by = ctx.actor.label
    text = f"{by} delivered order {order.id}: {quote(order.title)}"
    return _tell(ctx, Notice([order.placed_by_id], DELIVERED, f"order:{order.id}", text, by))


def message_sent(ctx: Context, conversation: Conversation, message: ConversationMessage) -> int:
    """A message: the account's active members who did not write it."""
    told = members_of(ctx.session, conversation.account_id)
    text = f"{message.author} wrote in conversation {conversation.id}: {quote(message.text)}"
    subject = f"conversation:{conversation.id} message:{message.id}"
    return _tell(ctx, Notice(told, MESSAGE, subject, text, message.author, message.author_id))


def request_answered(
    session: Session,
    actor: Actor,
    now: datetime,
    *,
    requester: int | None,
    what: str,
    order_id: int,
    subject: str,
    status: str,
) -> int:
    """A cancellation or dispute request answered by the other side, or settled by the
    clock: the member who made it hears how (a withdrawal is their own act: nobody)."""
    if actor.kind is ActorKind.SYSTEM:
        text = f"your {what} on order {order_id} went unanswered for 48 hours: {status}"
    else:
        text = f"{actor.label} {status} your {what} on order {order_id}"
    notice = Notice([requester], REQUEST_ANSWERED, subject, text, actor.label, actor.member_id)
    return notify_many(session, [notice], now)


def approval_decided(
    session: Session, actor: Actor, now: datetime, request: ApprovalRequest, status: str
) -> int:
    """An approval request approved, rejected or expired: the member who asked hears of it
    (their order or invitation goes ahead, or does not)."""
    what = f"{request.kind} {request.subject_id}"
    if actor.kind is ActorKind.SYSTEM:
        text = f"approval request {request.id} for your {what} expired: 7 days undecided"
    else:
        text = f"{actor.label} {status} your {what} (approval request {request.id})"
    subject = f"approval:{request.id} {request.kind}:{request.subject_id}"
    notice = Notice(
        [request.requested_by_id], APPROVAL_DECIDED, subject, text, actor.label, actor.member_id
    )
    return notify_many(session, [notice], now)
