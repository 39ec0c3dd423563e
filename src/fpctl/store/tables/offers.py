"""Custom offers: what a freelancer offers an account (or one of its members), before it
becomes an order."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from fpctl.store.tables.base import when, word


class Offer(SQLModel, table=True):
    """A freelancer's custom offer: its terms, and what became of it. An accepted offer
    names the order it placed (the order itself does not know it came from an offer)."""

    __tablename__ = "offer"
    __table_args__ = (
        Index("ix_offer_account_id", "account_id", "id"),  # one account's offers by id
        Index("ix_offer_status_expiry", "status", "expires_at"),  # the expiry probe
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    freelancer_id: int = Field(foreign_key="freelancer.id", index=True)
    member_id: int | None = Field(default=None, foreign_key="member.id")  # addressed to
    title: str
    description: str | None = None
    kind: str = word("fixed")  # fixed | milestones | hourly
    total_cents: int  # the amount, the milestones' sum, or rate times estimate
    milestones: str = "[]"  # JSON list of {"title", "amount_cents"}
    hourly_rate_cents: int | None = None
    weekly_limit_hours: int | None = None
    estimate_hours: int | None = None
    delivery_days: int | None = None
    revisions: int = 0
    status: str = word("pending")  # pending | accepted | declined | withdrawn | expired
    expires_at: datetime = when()
    created_at: datetime = when()
    closed_at: datetime | None = when(nullable=True)
    closed_by: str | None = None
    decline_reason: str | None = None
    order_id: int | None = Field(default=None, foreign_key="orders.id", unique=True)
