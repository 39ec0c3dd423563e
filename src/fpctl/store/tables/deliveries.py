"""Deliveries that came with files, and the files themselves, bytes included: a backup,
``db copy`` and a PostgreSQL store carry them like every other row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, LargeBinary
from sqlmodel import Field, SQLModel

from fpctl.store.tables.base import when


class Delivery(SQLModel, table=True):
    """One ``order deliver --file …``: the files it brought, and which delivery it was."""

    __tablename__ = "delivery"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    revision: int  # revisions asked for before it: 0 is the first delivery
    milestone: int | None = None  # the milestone's position, for a milestone order
    delivered_by: str  # the freelancer's label (@username)
    delivered_at: datetime = when()


class DeliveryFile(SQLModel, table=True):
    """A delivered file: its cleaned base name, size, SHA-256 and bytes."""

    __tablename__ = "delivery_file"
    __table_args__ = (Index("ix_delivery_file_order", "order_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="delivery.id", index=True)
    order_id: int = Field(foreign_key="orders.id")  # the delivery's, to list without a join
    name: str
    size_bytes: int
    sha256: str  # hex
    media_type: str
    content: bytes = Field(sa_type=LargeBinary)
    created_at: datetime = when()
