"""Visibility and collaboration on orders (SPEC §1.5): sharing, private notes, team comments.

- ``share``: the buyer side opens an order to every member of the account, one-way; by its
  placer, its project's owner, the admin, billing managers or support (``_require_sharer``).
- Private notes: only their author sees them. A member's notes are matched by their seat
  (``author_id``), so someone re-invited with a released email does not inherit the notes
  of the removed seat; support's notes by their label (``support:AGENT``). Reading notes
  needs an actor: with none there is nobody whose notes they are (exit 2).
- Team comments: threads (``reply_to``, on the same order) with ``@email`` mentions, seen
  by everyone who sees the order — members, support, reads with no actor — and never by
  the freelancer (exit 4). A mention counts only for an active member of the account who
  sees the order; the others stay in the text and are reported as ignored.

Notes are private, so their audit records hold the note's id and length, never its text;
comments are the team's, so theirs hold the text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import col, select

from fpctl.domain.actors import Actor
from fpctl.domain.emails import normalize_email
from fpctl.domain.enums import ActorKind, MemberStatus
from fpctl.domain.permissions import Action
from fpctl.errors import InvalidInput, NotFound, PermissionDenied
from fpctl.services import notifications, order_audit
from fpctl.services.actors import member_actor
from fpctl.services.context import Context
from fpctl.services.orders import visibility
from fpctl.store.rows import id_of
from fpctl.store.tables import Member, Order, OrderComment, OrderNote

MAX_TEXT = 10_000

#: ``@local@domain`` at the start of a word; the email ends at whitespace. Trailing
#: punctuation (``@mia@acme.test,``) is trimmed before the address is normalized.
MENTION = re.compile(r"(?<![\w.@+-])@([^\s@]+@[^\s@]+)")
_TRAILING = ".,;:!?)]}>'\"…"


# -- sharing -------------------------------------------------------------------------------


def share(ctx: Context, order_id: int) -> tuple[Order, str | None]:
    """Share the order with all members of the account (one-way). Returns the order and
    whether it changed (an order already shared is left as it is)."""
    order = visibility.authorize(ctx, Action.ORDER_SHARE, order_id)
    if order.shared:
        return order, f"order {order.id} is already shared with all members: unchanged"
    order.shared = True
    order_audit.record_change(ctx, order, Action.ORDER_SHARE, {"shared": (False, True)})
    return order, None


# -- common --------------------------------------------------------------------------------


def _body(text: str, what: str) -> str:
    """Notes and comments are stored as given; only empty or huge ones are refused."""
    if not text.strip():
        raise InvalidInput(f"the {what} is empty")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"the {what} is longer than {MAX_TEXT:,} characters")
    return text


def _refuse_freelancer(actor: Actor, what: str) -> None:
    if actor.kind is ActorKind.FREELANCER:
        raise PermissionDenied(
            f"{actor.label} is the freelancer: {what} are the buyer team's and never "
            "shown to the freelancer",
        )


# -- private notes -------------------------------------------------------------------------


def add_note(ctx: Context, order_id: int, text: str) -> OrderNote:
    """A private note on an order the actor sees; only its author will see it."""
    _refuse_freelancer(ctx.actor, "notes")
    order = visibility.authorize(ctx, Action.ORDER_NOTE, order_id)
    note = OrderNote(
        order_id=id_of(order),
        author=ctx.actor.label,
        author_id=ctx.actor.member_id,
        text=_body(text, "note"),
        created_at=ctx.now,
    )
    ctx.session.add(note)
    ctx.session.flush()
    ctx.record(
        action=Action.ORDER_NOTE,
        target=f"{order_audit.target(order)} note:{note.id}",
        account_id=order.account_id,
        changes={"note": (None, note.id), "length": (None, len(note.text))},  # never the text
    )
    return note


def notes(ctx: Context, order_id: int) -> list[OrderNote]:
    """The actor's own notes on an order they see, oldest first."""
    actor = ctx.actor
    if actor.is_nobody:
        raise InvalidInput(
            "notes are private to their author: say who you are to read yours",
            hint="pass --as EMAIL (or --as support --account SLUG)",
            code="notes_private",
        )
    _refuse_freelancer(actor, "notes")
    order = visibility.find(ctx, order_id)
    query = select(OrderNote).where(OrderNote.order_id == order.id)
    if actor.member_id is not None:
        query = query.where(OrderNote.author_id == actor.member_id)
    else:
        query = query.where(col(OrderNote.author_id).is_(None), OrderNote.author == actor.label)
    return list(ctx.session.exec(query.order_by(col(OrderNote.id))))


# -- team comments -------------------------------------------------------------------------


@dataclass(frozen=True)
class Ignored:
    """A ``@mention`` that mentions nobody, and why."""

    text: str
    why: str


@dataclass
class Mentions:
    emails: list[str] = field(default_factory=list)
    member_ids: list[int] = field(default_factory=list)  # the members of ``emails``
    ignored: list[Ignored] = field(default_factory=list)


def mention_tokens(text: str) -> list[str]:
    """The ``@email`` tokens of a comment, in order, without the ``@`` and trailing
    punctuation; each once."""
    found: list[str] = []
    for match in MENTION.finditer(text):
        token = match.group(1).rstrip(_TRAILING)
        if token and token not in found:
            found.append(token)
    return found


def _sees(ctx: Context, member: Member, order: Order) -> bool:
    """Whether ``member`` would see ``order`` (the one rule in ``visibility.visible``)."""
    theirs = Context(
        session=ctx.session, actor=member_actor(member), now=ctx.now, account=ctx.account
    )
    return (
        ctx.session.exec(visibility.visible(theirs).where(Order.id == order.id)).first() is not None
    )


def resolve_mentions(ctx: Context, order: Order, text: str) -> Mentions:
    """Mentions that count: active members of the order's account who see the order."""
    result = Mentions()
    for token in mention_tokens(text):
        try:
            email = normalize_email(token)
        except InvalidInput:
            result.ignored.append(Ignored(token, "not an email address"))
            continue
        if email in result.emails:
            continue
        member = ctx.session.exec(
            select(Member)
            .where(Member.account_id == order.account_id)
            .where(Member.email == email)
            .where(Member.status == MemberStatus.ACTIVE)
        ).first()
        if member is None:
            result.ignored.append(Ignored(email, "not an active member of the account"))
        elif not _sees(ctx, member, order):
            result.ignored.append(Ignored(email, f"cannot see order {order.id}"))
        else:
            result.emails.append(email)
            result.member_ids.append(id_of(member))
    return result


def _parent(ctx: Context, order: Order, comment_id: int) -> OrderComment:
    parent = ctx.session.get(OrderComment, comment_id)
    if parent is None or parent.order_id != order.id:
        raise NotFound(
            f"no comment {comment_id} on order {order.id}",
            hint=f"`fpctl order comments {order.id}` shows them",
        )
    return parent


def add_comment(
    ctx: Context, order_id: int, text: str, *, reply_to: int | None = None
) -> tuple[OrderComment, Mentions]:
    """A team comment (or a reply to one on the same order) with its resolved mentions."""
    _refuse_freelancer(ctx.actor, "comments")
    order = visibility.authorize(ctx, Action.ORDER_COMMENT, order_id)
    body = _body(text, "comment")
    parent = _parent(ctx, order, reply_to) if reply_to is not None else None
    mentions = resolve_mentions(ctx, order, body)
    comment = OrderComment(
        order_id=id_of(order),
        author=ctx.actor.label,
        author_id=ctx.actor.member_id,
        text=body,
        reply_to_id=parent.id if parent else None,
        mentions=json.dumps(mentions.emails),
        created_at=ctx.now,
    )
    ctx.session.add(comment)
    ctx.session.flush()
    ctx.record(
        action=Action.ORDER_COMMENT,
        target=f"{order_audit.target(order)} comment:{comment.id}",
        account_id=order.account_id,
        changes={
            "text": (None, body),
            "reply_to": (None, comment.reply_to_id),
            "mentions": (None, mentions.emails),
        },
    )
    notifications.mentioned(ctx, order, comment, mentions.member_ids)
    return comment, mentions


def comments(ctx: Context, order_id: int) -> list[tuple[OrderComment, int]]:
    """The order's comments as threads, each with its depth (0 for a top-level comment).

    Order: top-level comments oldest first, each followed by its replies (depth first,
    oldest first at every level) — the order a thread is read in."""
    _refuse_freelancer(ctx.actor, "comments")
    order = visibility.find(ctx, order_id)
    rows = ctx.session.exec(
        select(OrderComment).where(OrderComment.order_id == order.id).order_by(col(OrderComment.id))
    ).all()
    return list(threaded(rows))


def depth_of(ctx: Context, comment: OrderComment) -> int:
    """How many replies deep ``comment`` is (0 for a top-level comment)."""
    depth, parent_id = 0, comment.reply_to_id
    while parent_id is not None:
        parent = ctx.session.get(OrderComment, parent_id)
        if parent is None:
            break
        depth, parent_id = depth + 1, parent.reply_to_id
    return depth


def threaded(rows: Iterable[OrderComment]) -> Iterable[tuple[OrderComment, int]]:
    """Comments (oldest first) in thread order, with their depth."""
    ordered = list(rows)
    known = {row.id for row in ordered}
    replies: dict[int | None, list[OrderComment]] = {}
    for row in ordered:
        parent = row.reply_to_id if row.reply_to_id in known else None
        replies.setdefault(parent, []).append(row)
    stack = [(row, 0) for row in reversed(replies.get(None, []))]
    while stack:
        row, depth = stack.pop()
        yield row, depth
        stack.extend((child, depth + 1) for child in reversed(replies.get(row.id, [])))


# -- views (SPEC §3.4: stable keys) ----------------------------------------------------------
