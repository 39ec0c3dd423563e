"""fpctl inbox list | show | send: conversations between the account and its freelancers
(issue 14; docs/conversations.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from fpctl.cli.completion import complete_conversations, complete_recipients
from fpctl.cli.invocation import Invocation
from fpctl.cli.numbers import ID
from fpctl.cli.options import command, group

if TYPE_CHECKING:
    from fpctl.services.conversations.inbox import Shown

T = TypeVar("T")

app = group(
    "inbox",
    "Conversations with freelancers: the inbox, reading and sending messages.",
)

ConversationId = Annotated[
    int,
    typer.Argument(
        metavar="ID",
        parser=ID,
        help="The conversation's id (`fpctl inbox list`).",
        autocompletion=complete_conversations,
    ),
]
Unread = Annotated[bool, typer.Option("--unread", help="Only what you have not read yet.")]


@command(
    app,
    "list",
    lists=True,
    examples=(
        "fpctl inbox list --as mia@acme.test",
        "fpctl inbox list --unread --as @lena -o json",
    ),
)
def list_(run: Invocation, unread: Unread = False) -> None:
    """List the conversations you see, latest activity first, with the last message and
    how many messages you have not read. A member sees the account's; a freelancer
    (--as @USERNAME) their own, in every account."""
    from fpctl.services import notification_reads
    from fpctl.services.conversations import inbox
    from fpctl.views.conversations import INBOX_COLUMNS, inbox_row

    with run.work(write=False) as ctx:
        rows = inbox.inbox(ctx, unread_only=unread).map(inbox_row)
        notices = notification_reads.unread_count(ctx)
        title = _title(ctx.actor.label, unread, notices)
        run.emit(rows, table_columns=INBOX_COLUMNS, title=title)


def _title(label: str, unread: bool, notifications: int | None) -> str:
    """The list's title; a member's unread notifications sit in it (the rows are
    conversations, so JSON has no place for them: `account show` counts them)."""
    title = ("Unread conversations" if unread else "Conversations") + f" ({label})"
    if notifications:
        title += f" · {notifications} unread notification" + ("s" if notifications > 1 else "")
    return title


class _Seen:
    """The last message a reader was shown (what reading marks read, and no further)."""

    def __init__(self) -> None:
        self.last: int | None = None

    def track(self, shape: Callable[[Shown], T]) -> Callable[[Shown], T]:
        def shaped(shown: Shown) -> T:
            self.last = max(self.last or 0, shown.message.id or 0)
            return shape(shown)

        return shaped


@command(
    app,
    "show",
    lists=True,
    examples=(
        "fpctl inbox show 4 --as mia@acme.test",
        "fpctl inbox show 4 --unread --as @lena -o json",
    ),
)
def show(run: Invocation, conversation_id: ConversationId, unread: Unread = False) -> None:
    """Show a conversation's messages, oldest first, and mark those shown as read for you
    (`new` says which you had not read). Support and reads with no --as mark nothing."""
    from fpctl.domain.actors import kind_of
    from fpctl.domain.enums import ActorKind
    from fpctl.services.conversations import inbox
    from fpctl.views.conversations import MESSAGE_COLUMNS, shown_view

    marks = kind_of(run.as_) in (ActorKind.MEMBER, ActorKind.FREELANCER)
    seen = _Seen()
    with run.work(write=marks) as ctx:
        thread = inbox.read(ctx, conversation_id, unread_only=unread)
        rows = thread.messages.map(
            seen.track(lambda shown: shown_view(shown, thread.account, thread.freelancer))
        )
        title = f"Conversation {conversation_id}: {thread.account} and @{thread.freelancer}"
        run.emit(rows, table_columns=MESSAGE_COLUMNS, title=title)
        inbox.mark_read(ctx, thread.conversation, seen.last)


@command(
    app,
    "send",
    writes=True,
    examples=(
        'fpctl inbox send @lena "Could you start on Monday?" --as mia@acme.test',
        'fpctl inbox send 4 "Sure, Monday it is." --as @lena',
    ),
)
def send(
    run: Invocation,
    to: Annotated[
        str,
        typer.Argument(
            metavar="TO",
            help="A conversation id, or (buyer side) a freelancer's @USERNAME: the "
            "account's conversation with them, opened by this message if there is none.",
            autocompletion=complete_recipients,
        ),
    ],
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The message (stored as given).")],
) -> None:
    """Send a message in a conversation: as a member (the whole team's conversation with
    the freelancer) or as the freelancer (--as @USERNAME, in a conversation the client
    opened by writing or ordering)."""
    from fpctl.services.conversations import messages
    from fpctl.views.conversations import message_view

    with run.work(write=True) as ctx:
        sent = messages.send(ctx, to, text)
        view = message_view(sent.message, sent.account, sent.freelancer, None)
    if sent.opened:
        run.note(f"opened conversation {sent.conversation.id} with @{view['freelancer']}")
    run.emit(view, title="Message sent")
