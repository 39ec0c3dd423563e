"""Projects (SPEC §1.6): every member's my-project, public and private projects.

An order belongs to one project: the placer's my-project unless another is named.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from fpctl.store.tables import Member, Project

MY, PUBLIC, PRIVATE = "my", "public", "private"
MY_PROJECT_NAME = "my-project"


def open_personal(session: Session, member: Member, now: datetime) -> Project:
    """The member's my-project, created with the member (no collaborators, never deleted)."""
    project = Project(
        account_id=member.account_id,
        name=MY_PROJECT_NAME,
        kind=MY,
        owner_id=member.id,
        owner=member.email,
        created_at=now,
    )
    session.add(project)
    return project


def personal(session: Session, member_id: int) -> Project:
    project = session.exec(
        select(Project).where(Project.owner_id == member_id).where(Project.kind == MY)
    ).one()
    return project
