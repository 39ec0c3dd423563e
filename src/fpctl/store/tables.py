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
from fpctl.store.rows import table_of


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
OPEN_CANCELLATION = "status = 'open'"


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
    # Added by migration 0005 (kept after created_at: the order a migrated store has).
    # The end of the paid Advanced cycle: the renewal is due then (settle: subscription.renew).
    plan_renews_at: datetime | None = _when(nullable=True, index=True)
    switched_at: datetime | None = _when(nullable=True)  # moved to the regular marketplace
    # Pro credits kept while switched (SPEC §1.7); the default fills the existing rows.
    credits_set_aside_cents: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # When the 365-day spend window next drops an order: the tier may fall then.
    tier_review_at: datetime | None = _when(nullable=True, index=True)
    billing_full_name: str | None = None
    billing_company: str | None = None
    billing_address: str | None = None
    billing_country: str | None = None
    billing_tax_id: str | None = None


class Member(SQLModel, table=True):
    __table_args__ = (
        # An email is held by one account while active, deactivated or closed (SPEC §1.2).
        Index(
            "uq_member_held_email",
            "email",
            unique=True,
            sqlite_where=text(HELD_EMAIL),
            postgresql_where=text(HELD_EMAIL),
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
            postgresql_where=text(OPEN_INVITATION),
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


class Project(SQLModel, table=True):
    """``my`` (one per member, never shared with collaborators), ``public`` or ``private``."""

    __table_args__ = (
        Index(
            "uq_project_my_project",
            "owner_id",
            unique=True,
            sqlite_where=text("kind = 'my'"),
            postgresql_where=text("kind = 'my'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    name: str
    kind: str = _word()
    owner_id: int | None = Field(default=None, foreign_key="member.id")
    owner: str  # the creator's label (email, or support:agent)
    shared_with_all: bool = False  # a private project opened to every member (one-way)
    created_at: datetime = _when()


class ProjectMember(SQLModel, table=True):
    """A collaborator on a private (or joined public) project."""

    __tablename__ = "project_member"

    project_id: int = Field(foreign_key="project.id", primary_key=True)
    member_id: int = Field(foreign_key="member.id", primary_key=True, index=True)
    added_by: str
    added_at: datetime = _when()


class Order(SQLModel, table=True):
    __tablename__ = "orders"  # "order" is an SQL keyword
    __table_args__ = (
        Index("ix_orders_account_status", "account_id", "status"),
        Index("ix_orders_status_auto_complete", "status", "auto_complete_at"),
        Index("ix_orders_account_completed", "account_id", "completed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    freelancer_id: int = Field(foreign_key="freelancer.id", index=True)
    service_id: int | None = Field(default=None, foreign_key="freelancer_service.id")
    title: str
    kind: str = _word("fixed")
    status: str = _word()
    placed_by_id: int | None = Field(default=None, foreign_key="member.id", index=True)
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
    due_at: datetime | None = _when(nullable=True)
    requirements: str | None = None
    requirements_at: datetime | None = _when(nullable=True)
    delivered_at: datetime | None = _when(nullable=True)
    auto_complete_at: datetime | None = _when(nullable=True)  # while delivered
    completed_at: datetime | None = _when(nullable=True)
    closed_at: datetime | None = _when(nullable=True)  # cancelled or rejected
    shared: bool = False  # shared with all members of the account (one-way)
    created_at: datetime = _when()
    updated_at: datetime = _when()


class OrderMilestone(SQLModel, table=True):
    __tablename__ = "order_milestone"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    position: int  # 1-based
    title: str
    amount_cents: int
    charged_at: datetime | None = _when(nullable=True)
    delivered_at: datetime | None = _when(nullable=True)
    accepted_at: datetime | None = _when(nullable=True)


class OrderCancellation(SQLModel, table=True):
    """A mutual-cancellation request; at most one open per order."""

    __tablename__ = "order_cancellation"
    __table_args__ = (
        Index(
            "uq_order_cancellation_open",
            "order_id",
            unique=True,
            sqlite_where=text(OPEN_CANCELLATION),
            postgresql_where=text(OPEN_CANCELLATION),
        ),
        Index("ix_order_cancellation_status_expiry", "status", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    side: str = _word()  # buyer | seller
    requested_by: str
    requested_by_id: int | None = Field(default=None, foreign_key="member.id")
    reason: str
    status: str = _word("open")
    order_status: str  # what the order goes back to on decline or withdraw
    created_at: datetime = _when()
    expires_at: datetime = _when()
    closed_at: datetime | None = _when(nullable=True)
    closed_by: str | None = None


class OrderHours(SQLModel, table=True):
    """Hours a freelancer logged on an hourly order for one ISO week."""

    __tablename__ = "order_hours"
    __table_args__ = (Index("ix_order_hours_charge_due", "charged_at", "week_ends_at"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    week: str  # 2026-W47
    week_ends_at: datetime = _when()  # the next Monday, 00:00 UTC: the week is charged then
    hundredths: int  # hours times 100
    description: str
    logged_at: datetime = _when()
    charged_at: datetime | None = _when(nullable=True)
    charged_cents: int | None = None
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id")


class OrderNote(SQLModel, table=True):
    """A private note: only its author sees it."""

    __tablename__ = "order_note"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    author: str
    author_id: int | None = Field(default=None, foreign_key="member.id")
    text: str
    created_at: datetime = _when()


class OrderComment(SQLModel, table=True):
    """A team comment: every member who sees the order sees it; never the freelancer."""

    __tablename__ = "order_comment"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    author: str
    author_id: int | None = Field(default=None, foreign_key="member.id")
    text: str
    reply_to_id: int | None = Field(default=None, foreign_key="order_comment.id")
    mentions: str = "[]"  # JSON list of the mentioned members' emails
    created_at: datetime = _when()


class Review(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", unique=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    freelancer_id: int = Field(foreign_key="freelancer.id", index=True)
    author: str
    author_id: int | None = Field(default=None, foreign_key="member.id")
    rating: int
    text: str | None = None
    created_at: datetime = _when()


class Invoice(SQLModel, table=True):
    """One per payment, a credit invoice per refund. Issued invoices never change."""

    __table_args__ = (Index("ix_invoice_account_issued", "account_id", "issued_at"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    kind: str = _word()  # invoice | credit
    purpose: str = _word()  # order, milestone, hourly, deposit, subscription, refund
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    description: str
    amount_cents: int
    credits_cents: int = 0
    balance_cents: int = 0
    method_cents: int = 0
    payment_method: str | None = None  # how the method was shown when issued
    billed_to: str = "{}"  # JSON snapshot of the billing details when issued
    issued_at: datetime = _when()


class LedgerEntry(SQLModel, table=True):
    """Every movement of the shared balance and of Pro credits, and every card charge."""

    __tablename__ = "ledger_entry"
    __table_args__ = (Index("ix_ledger_entry_account_at", "account_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    at: datetime = _when()
    kind: str = _word()  # deposit, charge, refund, …
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
    at: datetime = _when()
    kind: str = _word()  # order, deposit, clawback, redeem
    points: int  # signed change of the account's points
    points_after: int
    tier: str = _word()  # the tier when it happened
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    reward: str | None = None  # redeemed for: credits, gift-card, donation
    charity: str | None = None
    value_cents: int | None = None  # what a redemption was worth
    by: str  # who earned or redeemed (label), or "system"
    description: str


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
    # The money and points rows the change wrote, with a digest of their content (migration
    # 0007; services/money_seal.py): a ledger row no record covers was not written by fpctl.
    covers: str | None = None


AUDIT_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS audit_record_no_update BEFORE UPDATE ON audit_record "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_record_no_delete BEFORE DELETE ON audit_record "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
)
#: The same refusal on PostgreSQL: one trigger function, two triggers.
AUDIT_TRIGGERS_POSTGRES = (
    "CREATE OR REPLACE FUNCTION audit_record_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$",
    "CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_record "
    "FOR EACH ROW EXECUTE FUNCTION audit_record_append_only()",
    "CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record "
    "FOR EACH ROW EXECUTE FUNCTION audit_record_append_only()",
)

for _statement in AUDIT_TRIGGERS:
    event.listen(
        table_of(AuditRecord), "after_create", DDL(_statement).execute_if(dialect="sqlite")
    )
for _statement in AUDIT_TRIGGERS_POSTGRES:
    event.listen(
        table_of(AuditRecord), "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )


# -- the freelancer network (SPEC §1.6; migration 0006) ---------------------------------------


class SavedFreelancer(SQLModel, table=True):
    """A freelancer saved to the account's network; the saver is recorded (once per account)."""

    __tablename__ = "saved_freelancer"
    __table_args__ = (
        Index("uq_saved_freelancer_account", "account_id", "freelancer_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    freelancer_id: int = Field(foreign_key="freelancer.id", index=True)
    saved_by_id: int | None = Field(default=None, foreign_key="member.id")
    saved_by: str  # the saver's label (email, or support:agent)
    saved_at: datetime = _when()


class FreelancerView(SQLModel, table=True):
    """The latest time a member viewed a freelancer (`freelancer show --as EMAIL`)."""

    __tablename__ = "freelancer_view"
    __table_args__ = (
        Index("uq_freelancer_view_member", "member_id", "freelancer_id", unique=True),
        Index("ix_freelancer_view_account", "account_id", "freelancer_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    member_id: int = Field(foreign_key="member.id")
    freelancer_id: int = Field(foreign_key="freelancer.id")
    viewed_at: datetime = _when()


class NetworkList(SQLModel, table=True):
    """A named list of freelancers and services, owned by the member who created it."""

    __tablename__ = "network_list"
    # Names are the owner's own: two members may both keep a "Designers" list.
    __table_args__ = (
        Index("uq_network_list_owner_name", "account_id", "owner", "name", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    owner_id: int | None = Field(default=None, foreign_key="member.id")
    owner: str  # the creator's label (email, or support:agent)
    name: str
    created_at: datetime = _when()


class NetworkListItem(SQLModel, table=True):
    """A freelancer on a list, or one of their services (service_id set)."""

    __tablename__ = "network_list_item"
    __table_args__ = (
        # Once per list: a freelancer on their own, and each service.
        Index(
            "uq_network_list_item_freelancer",
            "list_id",
            "freelancer_id",
            unique=True,
            sqlite_where=text("service_id IS NULL"),
            postgresql_where=text("service_id IS NULL"),
        ),
        Index(
            "uq_network_list_item_service",
            "list_id",
            "service_id",
            unique=True,
            sqlite_where=text("service_id IS NOT NULL"),
            postgresql_where=text("service_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="network_list.id")
    freelancer_id: int = Field(foreign_key="freelancer.id")
    service_id: int | None = Field(default=None, foreign_key="freelancer_service.id")
    added_by: str
    added_at: datetime = _when()


class NetworkListShare(SQLModel, table=True):
    """A list shared with a member of its account, or (read-only) with another Pro account."""

    __tablename__ = "network_list_share"
    __table_args__ = (
        Index("ix_network_list_share_list", "list_id"),
        Index("ix_network_list_share_member", "member_id"),
        Index("ix_network_list_share_account", "account_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="network_list.id")
    member_id: int | None = Field(default=None, foreign_key="member.id")
    account_id: int | None = Field(default=None, foreign_key="account.id")
    shared_by: str
    shared_at: datetime = _when()


# -- the store's own settings (migration 0007) --------------------------------------------------


class StoreSetting(SQLModel, table=True):
    """One named value about the store itself, such as how its clock is used (``clock``)."""

    __tablename__ = "store_setting"

    key: str = Field(primary_key=True)
    value: str


__all__ = [
    "AUDIT_TRIGGERS",
    "Account",
    "ApprovalRequest",
    "AuditRecord",
    "Freelancer",
    "FreelancerService",
    "FreelancerView",
    "Invitation",
    "Invoice",
    "LedgerEntry",
    "Member",
    "NetworkList",
    "NetworkListItem",
    "NetworkListShare",
    "Order",
    "OrderCancellation",
    "OrderComment",
    "OrderHours",
    "OrderMilestone",
    "OrderNote",
    "PaymentMethod",
    "Policy",
    "Project",
    "ProjectMember",
    "Review",
    "RewardEntry",
    "SavedFreelancer",
    "StoreSetting",
]
