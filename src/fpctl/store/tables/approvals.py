"""Spending and invitation policies, and the approval requests they raise."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from fpctl.store.tables.base import when, word


class Policy(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    kind: str = word()
    applies_to: str | None = word()
    member_id: int | None = Field(default=None, foreign_key="member.id")
    over_cents: int | None = None
    amount_cents: int | None = None
    period: str | None = word()
    mode: str | None = word()
    created_by: str
    created_at: datetime = when()
    removed_at: datetime | None = when(nullable=True)  # kept: waiting requests refer to it


class ApprovalRequest(SQLModel, table=True):
    __table_args__ = (
        Index("ix_approval_status_expiry", "status", "expires_at"),
        Index("ix_approval_subject", "kind", "subject_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    kind: str = word()
    subject_id: int
    policy_id: int | None = Field(default=None, foreign_key="policy.id")
    requested_by_id: int | None = Field(default=None, foreign_key="member.id")
    requested_by: str
    status: str = word("pending")
    amount_cents: int | None = None
    created_at: datetime = when()
    expires_at: datetime = when()
    decided_at: datetime | None = when(nullable=True)
    decided_by: str | None = None
    reason: str | None = None
