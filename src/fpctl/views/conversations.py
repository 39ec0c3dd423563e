"""Conversations and their messages as printed (SPEC §3.4 keys)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fpctl.clock import iso
from fpctl.views import View

if TYPE_CHECKING:  # only the results of the conversation services come here
    from fpctl.services.conversations.inbox import Shown, Summary
    from fpctl.store.tables import ConversationMessage

#: A table's columns, most important first (at 80 columns those that fit are shown).
INBOX_COLUMNS = ["id", "account", "freelancer", "unread", "last_message_at", "preview"]
MESSAGE_COLUMNS = ["id", "author", "text", "new", "created_at"]

#: How much of the last message an inbox line shows (its first line, cut with "…").
PREVIEW_CHARS = 60


def preview(text: str | None) -> str | None:
    """The first line of ``text``, at most ``PREVIEW_CHARS`` characters."""
    if text is None:
        return None
    first = text.strip().splitlines()[0] if text.strip() else ""
    more = len(first) > PREVIEW_CHARS or first != text.strip()
    return first[: PREVIEW_CHARS - 1] + "…" if more else first


def inbox_row(summary: Summary) -> View:
    conversation, last = summary.conversation, summary.last
    return {
        "id": conversation.id,
        "account": summary.account,
        "freelancer": summary.freelancer,
        "freelancer_name": summary.freelancer_name,
        "opened_by": conversation.opened_by,
        "messages": summary.messages,
        "unread": summary.unread,
        "last_message_id": last.id if last else None,
        "last_author": last.author if last else None,
        "last_message_at": iso(last.created_at) if last else None,
        "preview": preview(last.text) if last else None,
        "created_at": iso(conversation.created_at),
    }


def message_view(
    message: ConversationMessage, account: str, freelancer: str, new: bool | None
) -> View:
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "account": account,
        "freelancer": freelancer,
        "side": message.side,
        "author": message.author,
        "text": message.text,
        "new": new,
        "created_at": iso(message.created_at),
    }


def shown_view(shown: Shown, account: str, freelancer: str) -> View:
    return message_view(shown.message, account, freelancer, shown.new)
