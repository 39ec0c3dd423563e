"""What people say about an order: private notes, team comments, reviews."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from fpctl.store.tables.base import when


class OrderNote(SQLModel, table=True):
    """A private note: only its author sees it."""

    __tablename__ = "order_note"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    author: str
    author_id: int | None = Field(default=None, foreign_key="member.id")
    text: str
    created_at: datetime = when()


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
    created_at: datetime = when()


class Review(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", unique=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    freelancer_id: int = Field(foreign_key="freelancer.id", index=True)
    author: str
    author_id: int | None = Field(default=None, foreign_key="member.id")
    rating: int
    text: str | None = None
    created_at: datetime = when()
