"""Invitations to join an account's team."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from fpctl.store.tables.base import partial_index, when, word
from fpctl.store.tables.conditions import OPEN_INVITATION


class Invitation(SQLModel, table=True):
    __table_args__ = (
        partial_index(
            "uq_invitation_open_email",
            "account_id",
            "email",
            unique=True,
            where=OPEN_INVITATION,
        ),
        Index("ix_invitation_status_expiry", "status", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    email: str
    role: str = word()
    status: str = word()
    token: str = Field(unique=True)
    invited_by_id: int | None = Field(default=None, foreign_key="member.id")
    invited_by: str  # the inviter's label (email, or support:agent) as shown
    created_at: datetime = when()
    sent_at: datetime | None = when(nullable=True)
    expires_at: datetime = when()
    resent_count: int = 0
    closed_at: datetime | None = when(nullable=True)
    member_id: int | None = Field(default=None, foreign_key="member.id")
    superseded_by_id: int | None = Field(default=None, foreign_key="invitation.id")
