"""Money: payment methods, invoices, the ledger and rewards points."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from fpctl.store.tables.base import when, word


class PaymentMethod(SQLModel, table=True):
    """A card (last 4 digits and expiry only: the number is never kept) or a PayPal e-mail."""

    __tablename__ = "payment_method"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    kind: str = word()
    last4: str | None = None
    exp_month: int | None = None
    exp_year: int | None = None
    paypal_email: str | None = None
    is_default: bool = False
    created_at: datetime = when()
    removed_at: datetime | None = when(nullable=True)  # kept: invoices will refer to it


class Invoice(SQLModel, table=True):
    """One per payment, a credit invoice per refund. Issued invoices never change."""

    __table_args__ = (Index("ix_invoice_account_issued", "account_id", "issued_at"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    kind: str = word()  # invoice | credit
    purpose: str = word()  # order, milestone, hourly, deposit, subscription, refund
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    description: str
    amount_cents: int
    credits_cents: int = 0
    balance_cents: int = 0
    method_cents: int = 0
    payment_method: str | None = None  # how the method was shown when issued
    billed_to: str = "{}"  # JSON snapshot of the billing details when issued
    issued_at: datetime = when()


class LedgerEntry(SQLModel, table=True):
    """Every movement of the shared balance and of Pro credits, and every card charge."""

    __tablename__ = "ledger_entry"
    __table_args__ = (Index("ix_ledger_entry_account_at", "account_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    at: datetime = when()
    kind: str = word()  # deposit, charge, refund, …
    order_id: int | None = Field(default=None, foreign_key="orders.id")
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    payment_method_id: int | None = Field(default=None, foreign_key="payment_method.id")
    credits_cents: int = 0  # signed change of the account's credits
    balance_cents: int = 0  # signed change of the account's balance
    method_cents: int = 0  # charged to (positive) the payment method
    credits_after_cents: int
    balance_after_cents: int
    description: str


class RewardEntry(SQLModel, table=True):
    """Every change of the account's rewards points: earned, clawed back, redeemed."""

    __tablename__ = "reward_entry"
    __table_args__ = (Index("ix_reward_entry_account_at", "account_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    at: datetime = when()
    kind: str = word()  # order, deposit, clawback, redeem
    points: int  # signed change of the account's points
    points_after: int
    tier: str = word()  # the tier when it happened
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    reward: str | None = None  # redeemed for: credits, gift-card, donation
    charity: str | None = None
    value_cents: int | None = None  # what a redemption was worth
    by: str  # who earned or redeemed (label), or "system"
    description: str
