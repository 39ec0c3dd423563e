"""Sending a message: from the buyer side (any active member of the account, or support
for it) or from the conversation's freelancer (``--as @username``).

A message is stored as given (rendering makes it safe), at most ``MAX_MESSAGE``
characters, and must have visible text. A switched account's conversations are its
history: readable, but nobody writes in them until the account returns to Pro (exit 5,
``account_switched``). Each message is one audit record, ``message.send``, which holds its
text (the messages are the account's and the freelancer's record of what was agreed, so
the chain proves them as it proves team comments) and says when it opened the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass

from fpctl.domain.enums import ActorKind
from fpctl.domain.permissions import Action
from fpctl.domain.text import DOCUMENT_TEXT, has_visible_text
from fpctl.errors import InvalidInput
from fpctl.services import lookups, notifications
from fpctl.services.context import Context
from fpctl.services.conversations import threads
from fpctl.store.rows import id_of
from fpctl.store.tables import Conversation, ConversationMessage, Freelancer

#: As long as a team comment or the requirements of an order.
MAX_MESSAGE = DOCUMENT_TEXT


@dataclass(frozen=True)
class Sent:
    conversation: Conversation
    message: ConversationMessage
    opened: bool  # this message opened the conversation
    account: str  # slug
    freelancer: str  # username


def check_text(text: str) -> str:
    """The message as given, when it has something to read and is not too long (exit 2)."""
    if not has_visible_text(text):
        raise InvalidInput(
            "the message is empty", hint="write some text to send", code="empty_message"
        )
    if len(text) > MAX_MESSAGE:
        raise InvalidInput(
            f"the message is {len(text):,} characters long: at most {MAX_MESSAGE:,}",
            hint="split it into several messages",
            code="message_too_long",
        )
    return text


def send(ctx: Context, to: str, text: str) -> Sent:
    """Send ``text`` to TO: a conversation id, or (buyer side) a freelancer's @USERNAME."""
    recipient = threads.authorize(ctx, Action.MESSAGE_SEND, to)
    body = check_text(text)
    lookups.require_pro(recipient.account, "send messages")
    actor = ctx.actor
    opened = recipient.conversation is None
    conversation = recipient.conversation or threads.open_for(
        ctx.session,
        id_of(recipient.account),
        recipient.freelancer_id,
        ctx.now,
        opened_by=actor.label,
    )
    by_freelancer = actor.kind is ActorKind.FREELANCER
    message = ConversationMessage(
        conversation_id=id_of(conversation),
        side=threads.FREELANCER if by_freelancer else threads.BUYER,
        author=actor.label,
        author_id=actor.member_id,
        text=body,
        created_at=ctx.now,
    )
    ctx.session.add(message)
    conversation.last_activity_at = ctx.now
    ctx.session.add(conversation)
    ctx.session.flush()
    changes: dict[str, tuple[object, object]] = {
        "side": (None, message.side),
        "text": (None, body),
    }
    if opened:
        changes["conversation"] = (None, conversation.id)
    ctx.record(
        action=Action.MESSAGE_SEND,
        target=f"conversation:{conversation.id} message:{message.id}",
        account_id=conversation.account_id,
        changes=changes,
    )
    notifications.message_sent(ctx, conversation, message)
    freelancer = ctx.session.get(Freelancer, recipient.freelancer_id)
    assert freelancer is not None
    return Sent(conversation, message, opened, recipient.account.slug, freelancer.username)
