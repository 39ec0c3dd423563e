"""Projects (SPEC §1.6): every member's my-project, public and private projects.

An order belongs to one project: the placer's my-project unless another is named.

Who sees a project (``can_see``):

- the admin and billing managers see every project of their account, my-projects
  included (they see every order of the account, §1.5, so they see where the orders are);
- a member sees their own my-project, every public project, and the private projects they
  own or collaborate on, or that were shared with all members;
- support and reads with no actor see every project of the account named; freelancers see
  none.

A project the actor cannot see behaves as not found (exit 3), as does another account's.

Who changes a project (docs/projects.md has the table): any active member creates public
and private projects; any active member adds any active member to a public project (joining
is adding yourself); a project's owner, the admin and support manage it: they add a private
project's collaborators and share it with all members (one-way), remove collaborators,
rename, archive and unarchive it (the admin "gère les projets", seed 002: every project of
the account, other members' private ones included). A my-project has no collaborators, is
never shared, keeps its name and is never archived.

An archived project keeps its orders (they go on as before) and is shown as archived; it
takes no new order, no new collaborator and no sharing until it is unarchived.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from fpctl.domain.actors import Actor
from fpctl.domain.enums import ActorKind, MemberStatus, ProjectStatus, Role
from fpctl.domain.permissions import Action
from fpctl.domain.text import require_text
from fpctl.errors import NotFound, PermissionDenied, RuleViolation
from fpctl.services.context import Context
from fpctl.services.listing import Listing
from fpctl.services.lookups import find_member
from fpctl.store.tables import Member, Order, Project, ProjectMember

MY, PUBLIC, PRIVATE = "my", "public", "private"
MY_PROJECT_NAME = "my-project"
_SEES_ALL_ROLES = (Role.ADMIN, Role.BILLING_MANAGER)


# -- every member's my-project -------------------------------------------------------------


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


# -- who sees what ---------------------------------------------------------------------------


def target(project: Project) -> str:
    """How audit records name a project: ``project:7 Launch``."""
    return f"project:{project.id} {project.name}"


def status_of(project: Project) -> ProjectStatus:
    return ProjectStatus.ACTIVE if project.archived_at is None else ProjectStatus.ARCHIVED


def _require_active(project: Project, takes: str) -> None:
    """An archived project takes no ``takes`` (exit 5, ``project_archived``)."""
    if project.archived_at is not None:
        raise RuleViolation(
            f"project {project.id} ({project.name}) is archived: it takes no {takes}",
            hint=f"unarchive it first: fpctl project unarchive {project.id}",
            code="project_archived",
        )


def collaborator_ids(session: Session, project_id: int) -> set[int]:
    rows = session.exec(
        select(ProjectMember.member_id).where(ProjectMember.project_id == project_id)
    ).all()
    return set(rows)


def _visible(project: Project, actor: Actor, collaborators: set[int]) -> bool:
    """``can_see`` with the project's collaborator ids already known."""
    if actor.kind is ActorKind.FREELANCER:
        return False
    if not actor.is_member:
        return True  # support, the system, and reads with no actor
    if actor.account_id != project.account_id:
        return False
    if actor.role in _SEES_ALL_ROLES:
        return True
    if project.kind == MY:
        return project.owner_id == actor.member_id
    if project.kind == PUBLIC:
        return True
    return _is_insider(project, actor, collaborators) or project.shared_with_all


def _is_insider(project: Project, actor: Actor, collaborators: set[int]) -> bool:
    """The owner or a collaborator of the project."""
    member_id = actor.member_id
    return member_id is not None and (project.owner_id == member_id or member_id in collaborators)


def can_see(session: Session, project: Project, actor: Actor) -> bool:
    """Whether ``actor`` sees ``project`` (the rules in this module's docstring).

    The admin and billing managers see every project of their account, my-projects
    included; support, the system and nobody see everything; freelancers see nothing."""
    if not actor.is_member or actor.role in _SEES_ALL_ROLES or project.kind != PRIVATE:
        return _visible(project, actor, set())
    assert project.id is not None
    return _visible(project, actor, collaborator_ids(session, project.id))


def seen_by_member(actor: Actor) -> Any:
    """``can_see`` in SQL for a member who does not see every project (not the admin or a
    billing manager): the ids of the projects of their account they see, as a subquery."""
    mine = col(Project.owner_id) == actor.member_id
    joined = col(Project.id).in_(
        select(ProjectMember.project_id).where(ProjectMember.member_id == actor.member_id)
    )
    return (
        select(Project.id)
        .where(Project.account_id == actor.account_id)
        .where(
            or_(
                col(Project.kind) == PUBLIC,
                and_(col(Project.kind) == MY, mine),
                and_(col(Project.kind) == PRIVATE, or_(mine, joined, col(Project.shared_with_all))),
            )
        )
    )


def _not_found(project_id: int) -> NotFound:
    return NotFound(
        f"no project {project_id} in this account", hint="`fpctl project list` shows them"
    )


def find(ctx: Context, project_id: int) -> Project:
    """A project of ctx's account that ctx.actor can see; NotFound otherwise."""
    project = ctx.session.get(Project, project_id)
    if project is None or project.account_id != ctx.the_account.id:
        raise _not_found(project_id)
    if not can_see(ctx.session, project, ctx.actor):
        raise _not_found(project_id)
    return project


def order_may_go_in(ctx: Context, project: Project) -> None:
    """Raise if ctx.actor may not place an order in ``project``.

    Someone else's my-project is refused (exit 5, ``personal_project``); a private project
    the actor neither owns nor collaborates on (and not shared with all) is not found
    (exit 3), even for the admin and billing managers, who see it. Support may place in any
    project of the account. An archived project takes no order (exit 5,
    ``project_archived``), whoever asks."""
    actor = ctx.actor
    if project.account_id != ctx.the_account.id or actor.kind is ActorKind.FREELANCER:
        raise _not_found(project.id or 0)
    if actor.is_member:
        _member_may_place(ctx, project)
    _require_active(project, "new orders")


def _member_may_place(ctx: Context, project: Project) -> None:
    actor = ctx.actor
    if project.kind == MY and project.owner_id != actor.member_id:
        raise _personal_refusal(project, "only its owner places orders in it")
    if project.kind != PRIVATE or project.shared_with_all:
        return
    assert project.id is not None
    if not _is_insider(project, actor, collaborator_ids(ctx.session, project.id)):
        if can_see(ctx.session, project, actor):
            raise NotFound(
                f"project {project.id} is private and {actor.label} is not a collaborator",
                hint=f"its owner can add you: fpctl project add-member {project.id} EMAIL",
            )
        raise _not_found(project.id)


_WORK_WITH_OTHERS = "create a project to work with others: fpctl project create NAME [--private]"


def _personal_refusal(
    project: Project, why: str, hint: str | None = _WORK_WITH_OTHERS
) -> RuleViolation:
    return RuleViolation(
        f"project {project.id} is {project.owner}'s my-project: {why}",
        hint=hint,
        code="personal_project",
    )


# -- orders and spend --------------------------------------------------------------------------


def orders_and_spend(session: Session, project_id: int) -> tuple[int, int]:
    """The number of the project's orders, and its spend: paid minus refunded, in cents."""
    spend = func.coalesce(func.sum(col(Order.paid_cents) - col(Order.refunded_cents)), 0)
    row = session.exec(
        select(func.count(col(Order.id)), spend).where(Order.project_id == project_id)
    ).one()
    return int(row[0]), int(row[1])


def order_ids(session: Session, project_id: int) -> list[int]:
    query = select(Order.id).where(Order.project_id == project_id).order_by(col(Order.id))
    return [order_id for order_id in session.exec(query).all() if order_id is not None]


def _orders_by_project(session: Session, account_id: int) -> dict[int, tuple[int, int]]:
    spend = func.coalesce(func.sum(col(Order.paid_cents) - col(Order.refunded_cents)), 0)
    query = (
        select(Order.project_id, func.count(col(Order.id)), spend)
        .where(Order.account_id == account_id)
        .group_by(col(Order.project_id))
    )
    return {row[0]: (int(row[1]), int(row[2])) for row in session.exec(query).all()}


# -- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """A project with what `project list` shows about it."""

    project: Project
    collaborators: int
    orders: int
    spend_cents: int


@dataclass(frozen=True)
class Detail:
    """A project with what `project show` (and every change) shows about it."""

    project: Project
    collaborators: list[str]
    orders: int
    spend_cents: int
    order_ids: list[int]


def collaborators(session: Session, project_id: int) -> list[Member]:
    """The project's collaborators in the order they were added."""
    query = (
        select(Member)
        .join(ProjectMember, col(ProjectMember.member_id) == col(Member.id))
        .where(ProjectMember.project_id == project_id)
        .order_by(col(ProjectMember.added_at), col(Member.id))
    )
    return list(session.exec(query).all())


def detail(session: Session, project: Project) -> Detail:
    assert project.id is not None
    orders, spend = orders_and_spend(session, project.id)
    emails = [member.email for member in collaborators(session, project.id)]
    return Detail(project, emails, orders, spend, order_ids(session, project.id))


def show(ctx: Context, project_id: int) -> Detail:
    ctx.require(Action.PROJECT_READ)
    return detail(ctx.session, find(ctx, project_id))


def _collaborators_by_project(session: Session, account_id: int) -> dict[int, set[int]]:
    query = (
        select(ProjectMember.project_id, ProjectMember.member_id)
        .join(Project, col(Project.id) == col(ProjectMember.project_id))
        .where(Project.account_id == account_id)
    )
    found: dict[int, set[int]] = {}
    for project_id, member_id in session.exec(query).all():
        found.setdefault(project_id, set()).add(member_id)
    return found


def list_projects(ctx: Context, status: ProjectStatus | None = None) -> Iterator[Summary]:
    """The account's projects that the actor sees, oldest first (all of them with no actor),
    in ``status`` (None: active and archived alike), streamed: only each project's
    collaborator ids and order totals are held."""
    ctx.require(Action.PROJECT_READ)
    account_id = ctx.the_account.id
    assert account_id is not None
    query = select(Project).where(Project.account_id == account_id).order_by(col(Project.id))
    if status is ProjectStatus.ACTIVE:
        query = query.where(col(Project.archived_at).is_(None))
    elif status is ProjectStatus.ARCHIVED:
        query = query.where(col(Project.archived_at).is_not(None))
    team = _collaborators_by_project(ctx.session, account_id)
    orders = _orders_by_project(ctx.session, account_id)

    def seen() -> Iterator[Summary]:
        for project in Listing[Project](ctx.session, query):
            insiders = team.get(project.id or 0, set())
            if _visible(project, ctx.actor, insiders):
                count, spend = orders.get(project.id or 0, (0, 0))
                yield Summary(project, len(insiders), count, spend)

    return seen()


# -- changes ----------------------------------------------------------------------------------


def _record(ctx: Context, project: Project, action: str, changes: dict[str, Any]) -> None:
    ctx.record(
        action=action,
        target=target(project),
        account_id=project.account_id,
        changes=changes,
    )


def create(ctx: Context, name: str, *, private: bool = False) -> Project:
    """A public project (or a private one) owned by the actor (support owns none)."""
    ctx.require(Action.PROJECT_CREATE)
    cleaned = _name(name)
    account_id = ctx.the_account.id
    assert account_id is not None
    project = Project(
        account_id=account_id,
        name=cleaned,
        kind=PRIVATE if private else PUBLIC,
        owner_id=ctx.actor.member_id,
        owner=ctx.actor.label,
        created_at=ctx.now,
    )
    ctx.session.add(project)
    ctx.session.flush()
    changes = {"name": (None, project.name), "kind": (None, project.kind)}
    _record(ctx, project, Action.PROJECT_CREATE, changes)
    return project


def _name(name: str) -> str:
    cleaned = require_text(name, "the project name")
    if cleaned.casefold() == MY_PROJECT_NAME:
        raise RuleViolation(
            f"{MY_PROJECT_NAME!r} is the name of every member's personal project",
            hint="choose another name",
            code="reserved_name",
        )
    return cleaned


#: What a project's owner, the admin and support alone may do to any project…
_MANAGERS_DO = {
    Action.PROJECT_REMOVE_MEMBER: "remove collaborators from",
    Action.PROJECT_RENAME: "rename",
    Action.PROJECT_ARCHIVE: "archive",
    Action.PROJECT_UNARCHIVE: "unarchive",
}
#: …and to a private one (anyone adds to a public project; sharing one changes nothing).
_MANAGERS_DO_TO_PRIVATE = {
    Action.PROJECT_ADD_MEMBER: "add collaborators to",
    Action.PROJECT_SHARE: "share",
}


def authorize(ctx: Context, action: Action, project_id: int) -> Project:
    """The project ``action`` acts on, once the actor may: the role, a project they see,
    and where the action is a manager's, its owner, the admin or support.
    ``auth can-i ACTION ID`` asks this."""
    ctx.require(action)
    project = find(ctx, project_id)
    does = _MANAGERS_DO.get(action)
    if does is None and project.kind == PRIVATE:
        does = _MANAGERS_DO_TO_PRIVATE.get(action)
    if does is not None:
        _require_manager(ctx, project, does)
    return project


def _require_manager(ctx: Context, project: Project, does: str) -> None:
    """Only a project's owner, the admin and support may ``does``."""
    actor = ctx.actor
    if actor.is_support or actor.is_admin or project.owner_id == actor.member_id:
        return
    raise PermissionDenied(
        f"{actor.label} cannot {does} project {project.id}: "
        f"only its owner ({project.owner}), the admin and support can",
    )


def _active_member(ctx: Context, email: str) -> Member:
    member = find_member(ctx, email)
    if member.status != MemberStatus.ACTIVE:
        raise RuleViolation(
            f"{member.email} is {member.status}: only active members can join projects",
            code="member_inactive",
        )
    return member


def add_member(ctx: Context, project_id: int, email: str) -> tuple[Project, str | None]:
    """Add an active member of the account to a public or private project.

    Returns the project and, when nothing changed (already a collaborator, or the owner),
    the reason why; None when the member was added."""
    project = authorize(ctx, Action.PROJECT_ADD_MEMBER, project_id)
    if project.kind == MY:
        raise _personal_refusal(project, "it has no collaborators")
    _require_active(project, "new members")
    member = _active_member(ctx, email)
    assert project.id is not None and member.id is not None
    if member.id == project.owner_id:
        return project, f"{member.email} owns project {project.id}: nothing changed"
    if member.id in collaborator_ids(ctx.session, project.id):
        return project, f"{member.email} is already in project {project.id}: nothing changed"
    ctx.session.add(
        ProjectMember(
            project_id=project.id, member_id=member.id, added_by=ctx.actor.label, added_at=ctx.now
        )
    )
    _record(ctx, project, Action.PROJECT_ADD_MEMBER, {"collaborator": (None, member.email)})
    return project, None


def share(ctx: Context, project_id: int) -> tuple[Project, str | None]:
    """Share a private project with all members, one-way (there is no un-share).

    Returns the project and, when nothing changed (public, or already shared), the reason
    why; None when it was shared."""
    project = authorize(ctx, Action.PROJECT_SHARE, project_id)
    if project.kind == MY:
        raise _personal_refusal(project, "it cannot be shared")
    if project.kind == PUBLIC:
        return project, f"project {project.id} is public: every member sees it; nothing changed"
    if project.shared_with_all:
        return project, f"project {project.id} is already shared with all members: nothing changed"
    _require_active(project, "new members (sharing opens it to every member)")
    project.shared_with_all = True
    ctx.session.add(project)
    ctx.session.flush()
    _record(ctx, project, Action.PROJECT_SHARE, {"shared_with_all": (False, True)})
    return project, None


def remove_member(ctx: Context, project_id: int, email: str) -> tuple[Project, str | None]:
    """Take a collaborator off a project (whatever their status: a removed member's seat
    can be tidied away too). The owner is no collaborator and cannot be removed.

    Returns the project and, when nothing changed (not a collaborator), the reason why."""
    project = authorize(ctx, Action.PROJECT_REMOVE_MEMBER, project_id)
    if project.kind == MY:
        raise _personal_refusal(project, "it has no collaborators")
    member = find_member(ctx, email)
    if member.id == project.owner_id:
        raise RuleViolation(
            f"{member.email} owns project {project.id}: the owner cannot be removed from it",
            code="project_owner",
        )
    assert project.id is not None and member.id is not None
    seat = ctx.session.get(ProjectMember, (project.id, member.id))
    if seat is None:
        return project, f"{member.email} is not in project {project.id}: nothing changed"
    ctx.session.delete(seat)
    ctx.session.flush()
    _record(ctx, project, Action.PROJECT_REMOVE_MEMBER, {"collaborator": (member.email, None)})
    return project, None


def rename(ctx: Context, project_id: int, name: str) -> tuple[Project, str | None]:
    """Give a project a new name (a my-project keeps its own).

    Returns the project and, when nothing changed (the same name), the reason why."""
    project = authorize(ctx, Action.PROJECT_RENAME, project_id)
    cleaned = _name(name)
    if project.kind == MY:
        raise _personal_refusal(project, f"every member's personal project is {MY_PROJECT_NAME!r}")
    if cleaned == project.name:
        return project, f"project {project.id} is already named {cleaned!r}: nothing changed"
    before = project.name
    project.name = cleaned
    ctx.session.add(project)
    ctx.session.flush()
    _record(ctx, project, Action.PROJECT_RENAME, {"name": (before, cleaned)})
    return project, None


def archive(ctx: Context, project_id: int) -> tuple[Project, str | None]:
    """Archive a project: it keeps its orders and takes no new order or member.

    A my-project is never archived: it takes every order placed without ``--project``.
    Returns the project and, when nothing changed (already archived), the reason why."""
    project = authorize(ctx, Action.PROJECT_ARCHIVE, project_id)
    if project.kind == MY:
        raise _personal_refusal(
            project,
            "it takes every order placed without --project, so it is never archived",
            hint=None,
        )
    if project.archived_at is not None:
        return project, f"project {project.id} is already archived: nothing changed"
    return _set_archived(ctx, project, ctx.now, Action.PROJECT_ARCHIVE), None


def unarchive(ctx: Context, project_id: int) -> tuple[Project, str | None]:
    """Make an archived project active again. Returns the project and, when nothing
    changed (it was not archived), the reason why."""
    project = authorize(ctx, Action.PROJECT_UNARCHIVE, project_id)
    if project.archived_at is None:
        return project, f"project {project.id} is not archived: nothing changed"
    return _set_archived(ctx, project, None, Action.PROJECT_UNARCHIVE), None


def _set_archived(ctx: Context, project: Project, at: datetime | None, action: Action) -> Project:
    before = status_of(project)
    project.archived_at = at
    ctx.session.add(project)
    ctx.session.flush()
    _record(ctx, project, action, {"status": (before, status_of(project))})
    return project
