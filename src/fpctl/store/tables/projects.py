"""Projects orders are filed under, and their collaborators."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from fpctl.store.tables.base import partial_index, when, word


class Project(SQLModel, table=True):
    """``my`` (one per member, never shared with collaborators), ``public`` or ``private``."""

    __table_args__ = (
        partial_index(
            "uq_project_my_project",
            "owner_id",
            unique=True,
            where="kind = 'my'",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    name: str
    kind: str = word()
    owner_id: int | None = Field(default=None, foreign_key="member.id")
    owner: str  # the creator's label (email, or support:agent)
    shared_with_all: bool = False  # a private project opened to every member (one-way)
    created_at: datetime = when()
    archived_at: datetime | None = when(nullable=True)  # archived: no new orders or members


class ProjectMember(SQLModel, table=True):
    """A collaborator on a private (or joined public) project."""

    __tablename__ = "project_member"

    project_id: int = Field(foreign_key="project.id", primary_key=True)
    member_id: int = Field(foreign_key="member.id", primary_key=True, index=True)
    added_by: str
    added_at: datetime = when()
