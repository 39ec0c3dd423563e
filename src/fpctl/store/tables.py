"""SQLModel tables. Enum columns hold the CLI spellings (``billing_manager``) as plain text.

Every change to this module needs a migration in ``store/migrations/versions`` and a new
``HEAD`` in ``store/schema.py``; ``tests/store/test_migrations.py`` fails until both agree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, DateTime, Index, String, event, text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from fpctl.clock import as_utc


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC (what SQLite keeps), always handed back aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


def _when(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_type=UTCDateTime, nullable=nullable, index=index)


def _word(default: str | None = None, *, index: bool = False) -> Any:
    """An enum value column (text)."""
    if default is None:
        return Field(sa_type=String, index=index)
    return Field(default=default, sa_type=String, index=index)


# Partial-index conditions, as literal SQL. SQLite uses a partial index only when a query
# repeats its condition with the same constants (bound parameters do not count), so the
# queries that need these indexes use the very same text: ``where(text(HELD_EMAIL))``.
HELD_EMAIL = "status != 'removed'"  # active, deactivated, or closed forever (SPEC §1.2)
OPEN_INVITATION = "status IN ('awaiting_approval', 'pending')"


class Account(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    name: str
    plan: str = _word("basic")
    status: str = _word("active")
    tier: str = _word("silver")
    company: str | None = None
    website: str | None = None
    industry: str | None = None
    balance_cents: int = 0
    credits_cents: int = 0
    points: int = 0
    plan_started_at: datetime | None = _when(nullable=True)
    created_at: datetime = _when()


class Member(SQLModel, table=True):
    __table_args__ = (
        # An email is held by one account while active, deactivated or closed (SPEC §1.2).
        Index(
            "uq_member_held_email",
            "email",
            unique=True,
            sqlite_where=text(HELD_EMAIL),
        ),
        Index("ix_member_account_status", "account_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    email: str
    name: str
    role: str = _word()
    status: str = _word("active")
    created_at: datetime = _when()
    updated_at: datetime = _when()


class Freelancer(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True)
    name: str
    pro: bool = False
    created_at: datetime = _when()


class FreelancerService(SQLModel, table=True):
    """A service in the catalogue: what an order is placed for (title, price, revisions)."""

    __tablename__ = "freelancer_service"

    id: int | None = Field(default=None, primary_key=True)
    freelancer_id: int = Field(foreign_key="freelancer.id", index=True)
    title: str
    price_cents: int
    revisions: int = 0
    created_at: datetime = _when()


class PaymentMethod(SQLModel, table=True):
    """A card (last 4 digits and expiry only: the number is never kept) or a PayPal e-mail."""

    __tablename__ = "payment_method"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    kind: str = _word()
    last4: str | None = None
    exp_month: int | None = None
    exp_year: int | None = None
    paypal_email: str | None = None
    is_default: bool = False
    created_at: datetime = _when()
    removed_at: datetime | None = _when(nullable=True)  # kept: invoices will refer to it


class Invitation(SQLModel, table=True):
    __table_args__ = (
        Index(
            "uq_invitation_open_email",
            "account_id",
            "email",
            unique=True,
            sqlite_where=text(OPEN_INVITATION),
        ),
        Index("ix_invitation_status_expiry", "status", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    email: str
    role: str = _word()
    status: str = _word()
    token: str = Field(unique=True)
    invited_by_id: int | None = Field(default=None, foreign_key="member.id")
    invited_by: str  # the inviter's label (email, or support:agent) as shown
    created_at: datetime = _when()
    sent_at: datetime | None = _when(nullable=True)
    expires_at: datetime = _when()
    resent_count: int = 0
    closed_at: datetime | None = _when(nullable=True)
    member_id: int | None = Field(default=None, foreign_key="member.id")
    superseded_by_id: int | None = Field(default=None, foreign_key="invitation.id")


class Policy(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    kind: str = _word()
    applies_to: str | None = _word()
    member_id: int | None = Field(default=None, foreign_key="member.id")
    over_cents: int | None = None
    amount_cents: int | None = None
    period: str | None = _word()
    mode: str | None = _word()
    created_by: str
    created_at: datetime = _when()
    removed_at: datetime | None = _when(nullable=True)  # kept: waiting requests refer to it


class ApprovalRequest(SQLModel, table=True):
    __table_args__ = (
        Index("ix_approval_status_expiry", "status", "expires_at"),
        Index("ix_approval_subject", "kind", "subject_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    kind: str = _word()
    subject_id: int
    policy_id: int | None = Field(default=None, foreign_key="policy.id")
    requested_by_id: int | None = Field(default=None, foreign_key="member.id")
    requested_by: str
    status: str = _word("pending")
    amount_cents: int | None = None
    created_at: datetime = _when()
    expires_at: datetime = _when()
    decided_at: datetime | None = _when(nullable=True)
    decided_by: str | None = None
    reason: str | None = None


class AuditRecord(SQLModel, table=True):
    """Append-only and hash-chained; triggers refuse UPDATE and DELETE (RELIABILITY §7)."""

    __tablename__ = "audit_record"
    __table_args__ = (Index("ix_audit_account_action", "account_id", "action"),)

    id: int = Field(primary_key=True)
    at: datetime = _when()
    account_id: int | None = Field(default=None, foreign_key="account.id")
    actor: str
    actor_kind: str = _word()
    agent: str | None = None
    reason: str | None = None
    action: str = Field(index=True)
    target: str
    changes: str = "{}"  # canonical JSON of {"field": [before, after]}
    prev_hash: str
    hash: str


AUDIT_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS audit_record_no_update BEFORE UPDATE ON audit_record "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_record_no_delete BEFORE DELETE ON audit_record "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
)

for _statement in AUDIT_TRIGGERS:
    event.listen(AuditRecord.__table__, "after_create", DDL(_statement))  # type: ignore[attr-defined]

__all__ = [
    "AUDIT_TRIGGERS",
    "Account",
    "ApprovalRequest",
    "AuditRecord",
    "Freelancer",
    "FreelancerService",
    "Invitation",
    "Member",
    "PaymentMethod",
    "Policy",
]
