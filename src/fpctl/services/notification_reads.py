"""A member's own notifications: listing them, and marking them read.

Notifications are personal, like private notes: only the member they were written for
reads them (``--as EMAIL``). Nobody else does — not support (it reads the audit trail,
which says what happened; a notification only says who was told), not a freelancer, not a
read with no actor — and another member's notification is not found (exit 3), so ids cannot
be probed. Marking read moves the member's own mark, like reading a conversation: no
change of the account's business, so no audit record.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, func, select

from fpctl.domain.enums import MemberStatus
from fpctl.errors import InvalidInput, NotFound, PermissionDenied
from fpctl.services.context import Context
from fpctl.services.listing import Listing
from fpctl.store.rows import table_of
from fpctl.store.tables import Notification


def reader(ctx: Context) -> int:
    """The member whose notifications these are: the actor, an active member."""
    actor = ctx.actor
    if actor.is_nobody:
        raise InvalidInput(
            "notifications are a member's own: say whose",
            hint="pass --as EMAIL (or set FPCTL_AS)",
            code="notifications_personal",
        )
    if not actor.is_member or actor.member_id is None:
        raise PermissionDenied(
            f"{actor.label} has no notifications: they are each member's own",
            hint="the audit trail says what happened: fpctl audit list",
            code="notifications_personal",
        )
    if actor.status is not MemberStatus.ACTIVE:
        status = actor.status.value if actor.status else "inactive"
        raise PermissionDenied(f"{actor.label} is {status} and can do nothing")
    return actor.member_id


def notifications(ctx: Context, *, unread_only: bool = False) -> Listing[Notification]:
    """The actor's notifications, newest first, streamed."""
    query = select(Notification).where(Notification.member_id == reader(ctx))
    if unread_only:
        query = query.where(col(Notification.read_at).is_(None))
    return Listing(ctx.session, query.order_by(col(Notification.id).desc()))


def find(ctx: Context, notification_id: int) -> Notification:
    """One of the actor's notifications (anyone else's is not found)."""
    found = ctx.session.get(Notification, notification_id)
    if found is None or found.member_id != reader(ctx):
        raise NotFound(
            f"no notification {notification_id}",
            hint="`fpctl notifications list` shows yours",
        )
    return found


def read(ctx: Context, notification_id: int) -> tuple[Notification, str | None]:
    """Mark one notification read: it, and why nothing changed (already read) if so."""
    notification = find(ctx, notification_id)
    if notification.read_at is not None:
        return notification, f"notification {notification_id} was already read"
    notification.read_at = ctx.now
    ctx.session.add(notification)
    ctx.session.flush()
    return notification, None


def read_all(ctx: Context) -> int:
    """Mark every unread notification of the actor read: how many were."""
    member = reader(ctx)
    table = table_of(Notification)
    done = ctx.session.execute(
        update(table)
        .where(table.c.member_id == member)
        .where(table.c.read_at.is_(None))
        .values(read_at=ctx.now)
    )
    return int(done.rowcount)  # type: ignore[attr-defined]


def unread_count(ctx: Context) -> int | None:
    """The actor's unread notifications; None for anyone who has none of their own."""
    actor = ctx.actor
    if not actor.is_member or actor.member_id is None:
        return None
    return ctx.session.exec(
        select(func.count())
        .select_from(Notification)
        .where(Notification.member_id == actor.member_id)
        .where(col(Notification.read_at).is_(None))
    ).one()
