"""Freelancers, their services, and the account's freelancer network (SPEC §1.6)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from fpctl.store.tables.base import partial_index, when


class Freelancer(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True)
    name: str
    pro: bool = False
    created_at: datetime = when()


class FreelancerService(SQLModel, table=True):
    """A service in the catalogue: what an order is placed for (title, price, revisions)."""

    __tablename__ = "freelancer_service"

    id: int | None = Field(default=None, primary_key=True)
    freelancer_id: int = Field(foreign_key="freelancer.id", index=True)
    title: str
    price_cents: int
    revisions: int = 0
    created_at: datetime = when()


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
    saved_at: datetime = when()


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
    viewed_at: datetime = when()


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
    created_at: datetime = when()


class NetworkListItem(SQLModel, table=True):
    """A freelancer on a list, or one of their services (service_id set)."""

    __tablename__ = "network_list_item"
    __table_args__ = (
        # Once per list: a freelancer on their own, and each service.
        partial_index(
            "uq_network_list_item_freelancer",
            "list_id",
            "freelancer_id",
            unique=True,
            where="service_id IS NULL",
        ),
        partial_index(
            "uq_network_list_item_service",
            "list_id",
            "service_id",
            unique=True,
            where="service_id IS NOT NULL",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="network_list.id")
    freelancer_id: int = Field(foreign_key="freelancer.id")
    service_id: int | None = Field(default=None, foreign_key="freelancer_service.id")
    added_by: str
    added_at: datetime = when()


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
    shared_at: datetime = when()
