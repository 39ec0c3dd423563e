"""Accounts and their members: all a read of the team builds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from fpctl.store.tables.base import partial_index, when, word
from fpctl.store.tables.conditions import HELD_EMAIL


class Account(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    name: str
    plan: str = word("basic")
    status: str = word("active")
    tier: str = word("silver")
    company: str | None = None
    website: str | None = None
    industry: str | None = None
    balance_cents: int = 0
    credits_cents: int = 0
    points: int = 0
    plan_started_at: datetime | None = when(nullable=True)
    created_at: datetime = when()
    # Added by migration 0005 (kept after created_at: the order a migrated store has).
    # The end of the paid Advanced cycle: the renewal is due then (settle: subscription.renew).
    plan_renews_at: datetime | None = when(nullable=True, index=True)
    switched_at: datetime | None = when(nullable=True)  # moved to the regular marketplace
    # Pro credits kept while switched (SPEC §1.7); the default fills the existing rows.
    credits_set_aside_cents: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # When the 365-day spend window next drops an order: the tier may fall then.
    tier_review_at: datetime | None = when(nullable=True, index=True)
    billing_full_name: str | None = None
    billing_company: str | None = None
    billing_address: str | None = None
    billing_country: str | None = None
    billing_tax_id: str | None = None


class Member(SQLModel, table=True):
    __table_args__ = (
        # An email is held by one account while active, deactivated or closed (SPEC §1.2).
        partial_index(
            "uq_member_held_email",
            "email",
            unique=True,
            where=HELD_EMAIL,
        ),
        Index("ix_member_account_status", "account_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    email: str
    name: str
    role: str = word()
    status: str = word("active")
    created_at: datetime = when()
    updated_at: datetime = when()
