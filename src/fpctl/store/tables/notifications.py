"""Notifications: what happened that concerns one member, kept in the store (nothing is
sent outside it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from fpctl.store.tables.base import when, word


class Notification(SQLModel, table=True):
    """One member's notice of a change made by someone else (docs/notifications.md)."""

    __tablename__ = "notification"
    __table_args__ = (
        # A member's notifications newest first, and their unread count.
        Index("ix_notification_member", "member_id", "read_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    kind: str = word()  # invitation.approval, order.approval, order.placed, …
    subject: str  # what it is about: `order:12`, `invitation:3`, `conversation:4 message:9`
    text: str  # one line, as shown (rendering makes it safe)
    actor: str | None = None  # the label of who made the change
    created_at: datetime = when()
    read_at: datetime | None = when(nullable=True)
