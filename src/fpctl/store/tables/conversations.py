"""Conversations between an account and a freelancer, their messages, and who read what."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from fpctl.store.tables.base import when, word


class Conversation(SQLModel, table=True):
    """One per account and freelancer, opened by the first message or the first order."""

    __tablename__ = "conversation"
    __table_args__ = (
        Index("uq_conversation_account_freelancer", "account_id", "freelancer_id", unique=True),
        Index("ix_conversation_freelancer", "freelancer_id", "last_activity_at"),
        Index("ix_conversation_account_activity", "account_id", "last_activity_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    freelancer_id: int = Field(foreign_key="freelancer.id")
    opened_by: str  # `order:ID`, or the label of whoever wrote first
    created_at: datetime = when()
    last_activity_at: datetime = when()  # the last message, else the opening: inbox order
    freelancer_read_id: int = 0  # the last message id the freelancer has read


class ConversationMessage(SQLModel, table=True):
    """A message: from the buyer side (a member or support) or from the freelancer."""

    __tablename__ = "conversation_message"
    __table_args__ = (Index("ix_conversation_message_thread", "conversation_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id")
    side: str = word()  # `buyer` or `freelancer`
    author: str  # the writer's label (email, support:agent, @username)
    author_id: int | None = Field(default=None, foreign_key="member.id")
    text: str
    created_at: datetime = when()


class ConversationRead(SQLModel, table=True):
    """How far a member has read a conversation (the freelancer's is on the conversation)."""

    __tablename__ = "conversation_read"
    __table_args__ = (
        Index("uq_conversation_read_member", "conversation_id", "member_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    last_read_id: int = 0
    read_at: datetime = when()
