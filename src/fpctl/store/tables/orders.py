"""Orders and what a one-order read shows with them: milestones and the open requests
(cancellations, disputes). Hours are in ``order_work``, notes, comments and reviews in
``order_talk``: a read of one order builds only these classes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from fpctl.store.tables.base import partial_index, when, word
from fpctl.store.tables.conditions import OPEN_CANCELLATION, OPEN_DISPUTE


class Order(SQLModel, table=True):
    __tablename__ = "orders"  # "order" is an SQL keyword
    __table_args__ = (
        Index("ix_orders_account_status", "account_id", "status"),
        Index("ix_orders_status_auto_complete", "status", "auto_complete_at"),
        Index("ix_orders_account_id", "account_id", "id"),  # one account's orders by id
        # covers the rewards' 365-day spend: the sum is read from the index alone
        Index(
            "ix_orders_account_spend", "account_id", "completed_at", "paid_cents", "refunded_cents"
        ),
        # covers a member's month of orders (purchase limits): read from the index alone
        Index("ix_orders_placed_by_month", "placed_by_id", "created_at", "status", "total_cents"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    freelancer_id: int = Field(foreign_key="freelancer.id", index=True)
    service_id: int | None = Field(default=None, foreign_key="freelancer_service.id")
    title: str
    kind: str = word("fixed")
    status: str = word()
    placed_by_id: int | None = Field(default=None, foreign_key="member.id")
    placed_by: str  # the placer's label (email, or support:agent)
    project_id: int = Field(foreign_key="project.id", index=True)
    quantity: int = 1
    unit_price_cents: int
    total_cents: int
    paid_cents: int = 0  # everything charged for the order, credits included
    paid_credits_cents: int = 0  # the part paid with Pro credits (refunded as credits)
    refunded_cents: int = 0
    revisions_included: int = 0
    revisions_used: int = 0
    hourly_rate_cents: int | None = None
    weekly_limit_hours: int | None = None
    estimate_hours: int | None = None
    due_at: datetime | None = when(nullable=True)
    requirements: str | None = None
    requirements_at: datetime | None = when(nullable=True)
    delivered_at: datetime | None = when(nullable=True)
    auto_complete_at: datetime | None = when(nullable=True)  # while delivered
    completed_at: datetime | None = when(nullable=True)
    closed_at: datetime | None = when(nullable=True)  # cancelled or rejected
    shared: bool = False  # shared with all members of the account (one-way)
    created_at: datetime = when()
    updated_at: datetime = when()


class OrderMilestone(SQLModel, table=True):
    __tablename__ = "order_milestone"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    position: int  # 1-based
    title: str
    amount_cents: int
    charged_at: datetime | None = when(nullable=True)
    delivered_at: datetime | None = when(nullable=True)
    accepted_at: datetime | None = when(nullable=True)


class OrderCancellation(SQLModel, table=True):
    """A mutual-cancellation request; at most one open per order."""

    __tablename__ = "order_cancellation"
    __table_args__ = (
        partial_index(
            "uq_order_cancellation_open",
            "order_id",
            unique=True,
            where=OPEN_CANCELLATION,
        ),
        Index("ix_order_cancellation_status_expiry", "status", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    side: str = word()  # buyer | seller
    requested_by: str
    requested_by_id: int | None = Field(default=None, foreign_key="member.id")
    reason: str
    status: str = word("open")
    order_status: str  # what the order goes back to on decline or withdraw
    created_at: datetime = when()
    expires_at: datetime = when()
    closed_at: datetime | None = when(nullable=True)
    closed_by: str | None = None


class OrderDispute(SQLModel, table=True):
    """A dispute-manager request (more time, a modification, a partial refund); at most one
    open per order, and none while a cancellation request is open (services check that)."""

    __tablename__ = "order_dispute"
    __table_args__ = (
        partial_index("uq_order_dispute_open", "order_id", unique=True, where=OPEN_DISPUTE),
        Index("ix_order_dispute_status_expiry", "status", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    kind: str = word()  # more_time | modification | refund
    side: str = word()  # buyer | seller
    requested_by: str
    requested_by_id: int | None = Field(default=None, foreign_key="member.id")
    reason: str
    due_at: datetime | None = when(nullable=True)  # more_time: the new due date
    modification: str | None = None  # modification: what the buyer wants changed
    amount_cents: int | None = None  # refund: how much goes back
    status: str = word("open")  # open | accepted | declined | withdrawn | expired
    order_status: str  # what the order goes back to when the request closes
    created_at: datetime = when()
    expires_at: datetime = when()
    closed_at: datetime | None = when(nullable=True)
    closed_by: str | None = None
