"""``account show``: the account dashboard — the account's details plus what needs attention.

Every figure is one SQL count (grouped where several come from one table), so the dashboard
costs a handful of queries whatever the size of the account. Each figure counts only what
the actor could list with the matching command, so a dashboard never reveals more than the
lists do:

- members and invitations: every reader sees the whole team (``team list``, ``team
  invitations``);
- orders and their open cancellation requests: the orders the actor sees (``order list``);
- pending approvals: the admin, support and no actor see all, others their own requests
  (``approvals list``);
- recent activity: only those who may read the audit trail (``audit list``: the admin,
  support, no actor); for anyone else it is None;
- projects: the active projects the actor sees (``project list``);
- recently viewed freelancers (seed 001: "les profils des freelances que vous avez consultés
  récemment"): a member's own views, the account's latest view of each for support and no
  actor (``network list --viewed``), newest first;
- money (balance, credits, credits set aside): only those who may see billing (SPEC §1.8:
  "Members cannot see billing history"; ``billing show``: the admin, billing managers,
  support, no actor). For the others ``shows_billing`` is False and the view leaves the
  keys in place, null;
- unread notifications: a member's own (``notifications list --unread``); None for support
  and no actor, who have none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import column, func, table
from sqlmodel import Session, col, select

from fpctl.clock import as_utc
from fpctl.domain.enums import (
    OPEN_INVITATION_STATUSES,
    ApprovalStatus,
    MemberStatus,
    Role,
)
from fpctl.domain.orders import OPEN_STATUSES
from fpctl.domain.permissions import Action, allows
from fpctl.services.context import Context
from fpctl.services.team.accounts import show as find_shown_account
from fpctl.store.tables import Member
from fpctl.store.tables.base import UTCDateTime

if TYPE_CHECKING:
    from fpctl.store.tables import Account, AuditRecord

# The counts read these tables' columns through SQLAlchemy Core: the same SQL as their table
# classes would give, without building those classes (orders, approvals…) for a dashboard
# whose actor sees every order. An actor who sees only some asks services.orders.visibility.
_ORDERS = table("orders", column("id"), column("account_id"), column("status"))
_CANCELLATIONS = table("order_cancellation", column("order_id"), column("status"))
_DISPUTES = table("order_dispute", column("order_id"), column("status"))
_INVITATIONS = table("invitation", column("account_id"), column("status"))
_APPROVALS = table(
    "approvalrequest", column("account_id"), column("status"), column("requested_by_id")
)
_PROJECTS = table("project", column("id"), column("account_id"), column("archived_at"))
_VIEWS = table(
    "freelancer_view",
    column("account_id"),
    column("member_id"),
    column("freelancer_id"),
    column("viewed_at", UTCDateTime),
)
_NOTIFICATIONS = table("notification", column("member_id"), column("read_at"))
_FREELANCERS = table("freelancer", column("id"), column("username"), column("name"), column("pro"))

#: How many recently viewed freelancers the dashboard shows, newest first.
RECENTLY_VIEWED = 5

#: How many audit records the dashboard shows, newest first.
RECENT_ACTIVITY = 5
#: The roles and statuses always present in the counts (zero when nobody has them).
ROLES = tuple(role.value for role in Role)
MEMBER_STATUSES = tuple(status.value for status in MemberStatus)
SEAT_STATUSES = (MemberStatus.ACTIVE.value, MemberStatus.DEACTIVATED.value)


@dataclass(frozen=True)
class Viewed:
    """A freelancer the actor (or, for support and no actor, the account) viewed."""

    username: str
    name: str
    pro: bool
    viewed_at: datetime


@dataclass(frozen=True)
class Dashboard:
    account: Account
    members_by_role: dict[str, int]  # seats: active and deactivated members
    members_by_status: dict[str, int]  # everyone who ever joined
    open_orders: int
    open_cancellation_requests: int
    open_invitations: int
    open_dispute_requests: int
    pending_approvals: int
    recent_activity: list[AuditRecord] | None  # None: the actor may not read the audit trail
    projects: int  # active projects the actor sees
    recently_viewed: list[Viewed]
    shows_billing: bool  # False: balance and credits are not the actor's to see
    unread_notifications: int | None = None  # None: the actor is no member

    @property
    def seats(self) -> int:
        return sum(self.members_by_role.values())


def show(ctx: Context, slug: str | None = None) -> Dashboard:
    """The dashboard of the account ``slug`` (default: the one the command works on)."""
    account = find_shown_account(ctx, slug)  # who may read it, and exit 3 for another's
    assert account.id is not None
    by_role, by_status = _member_counts(ctx.session, account.id)
    activity = (
        _recent_activity(ctx.session, account.id) if allows(ctx.actor, Action.AUDIT_READ) else None
    )
    cancellations, disputes = _open_requests(ctx, account.id)
    return Dashboard(
        account=account,
        members_by_role=by_role,
        members_by_status=by_status,
        open_orders=_open_orders(ctx, account.id),
        open_cancellation_requests=cancellations,
        open_invitations=_open_invitations(ctx.session, account.id),
        open_dispute_requests=disputes,
        pending_approvals=_pending_approvals(ctx, account.id),
        recent_activity=activity,
        projects=_active_projects(ctx, account.id),
        recently_viewed=_recently_viewed(ctx, account.id),
        shows_billing=allows(ctx.actor, Action.BILLING_INVOICES),
        unread_notifications=_unread_notifications(ctx),
    )


def _member_counts(session: Session, account_id: int) -> tuple[dict[str, int], dict[str, int]]:
    """Seats per role and members per status, from one grouped query."""
    rows = session.exec(
        select(Member.role, Member.status, func.count())
        .where(Member.account_id == account_id)
        .group_by(Member.role, Member.status)
    ).all()
    by_role = dict.fromkeys(ROLES, 0)
    by_status = dict.fromkeys(MEMBER_STATUSES, 0)
    for role, status, count in rows:
        by_status[status] = by_status.get(status, 0) + count
        if status in SEAT_STATUSES:
            by_role[role] = by_role.get(role, 0) + count
    return by_role, by_status


def _visible_order_ids(ctx: Context, account_id: int) -> Any:
    """The ids of the account's orders the actor sees, as a subquery."""
    if _sees_all_orders(ctx):
        return select(_ORDERS.c.id).where(_ORDERS.c.account_id == account_id)
    from fpctl.services.orders import visibility
    from fpctl.store.tables import Order

    return visibility.visible(ctx).with_only_columns(col(Order.id))


def _sees_all_orders(ctx: Context) -> bool:
    """``visibility.sees_all_orders`` without importing the orders' services and tables
    (tests/services/test_dashboard.py holds the two to the same answer)."""
    return ctx.actor.sees_everything or ctx.actor.role in (Role.ADMIN, Role.BILLING_MANAGER)


def _open_orders(ctx: Context, account_id: int) -> int:
    query = select(func.count()).select_from(_ORDERS)
    if _sees_all_orders(ctx):
        query = query.where(_ORDERS.c.account_id == account_id)
    else:
        query = query.where(_ORDERS.c.id.in_(_visible_order_ids(ctx, account_id)))
    return ctx.session.exec(query.where(_ORDERS.c.status.in_(OPEN_STATUSES))).one()


def _open_requests(ctx: Context, account_id: int) -> tuple[int, int]:
    """Open cancellation and dispute requests on the orders the actor sees, in one query."""
    seen = _visible_order_ids(ctx, account_id)
    counts = [
        select(func.count())
        .select_from(requests)
        .where(requests.c.status == "open")
        .where(requests.c.order_id.in_(seen))
        .scalar_subquery()
        for requests in (_CANCELLATIONS, _DISPUTES)
    ]
    cancellations, disputes = ctx.session.execute(select(*counts)).one()
    return int(cancellations), int(disputes)


def _open_invitations(session: Session, account_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(_INVITATIONS)
        .where(_INVITATIONS.c.account_id == account_id)
        .where(_INVITATIONS.c.status.in_(OPEN_INVITATION_STATUSES))
    ).one()


def _pending_approvals(ctx: Context, account_id: int) -> int:
    """All pending requests for those who decide them; a requester's own otherwise."""
    query = (
        select(func.count())
        .select_from(_APPROVALS)
        .where(_APPROVALS.c.account_id == account_id)
        .where(_APPROVALS.c.status == ApprovalStatus.PENDING)
    )
    if not (ctx.actor.sees_everything or ctx.actor.is_admin):
        query = query.where(_APPROVALS.c.requested_by_id == ctx.actor.member_id)
    return ctx.session.exec(query).one()


def _recent_activity(session: Session, account_id: int) -> list[AuditRecord]:
    from fpctl.store.tables import AuditRecord

    return list(
        session.exec(
            select(AuditRecord)
            .where(AuditRecord.account_id == account_id)
            .order_by(col(AuditRecord.id).desc())
            .limit(RECENT_ACTIVITY)
        ).all()
    )


def _active_projects(ctx: Context, account_id: int) -> int:
    """The account's projects not archived that the actor sees: who sees every order sees
    every project (``services.team.projects``); a member, those ``project list`` shows."""
    query = (
        select(func.count())
        .select_from(_PROJECTS)
        .where(_PROJECTS.c.account_id == account_id)
        .where(_PROJECTS.c.archived_at.is_(None))
    )
    if not _sees_all_orders(ctx):
        from fpctl.services.team import projects

        query = query.where(_PROJECTS.c.id.in_(projects.seen_by_member(ctx.actor)))
    return ctx.session.exec(query).one()


def _recently_viewed(ctx: Context, account_id: int) -> list[Viewed]:
    """``network list --viewed``'s rule: a member's own views; support's and no actor's,
    the account's latest view of each freelancer. Newest first, at most RECENTLY_VIEWED."""
    last = func.max(_VIEWS.c.viewed_at)
    who = (_FREELANCERS.c.id, _FREELANCERS.c.username, _FREELANCERS.c.name, _FREELANCERS.c.pro)
    query = (
        select(*who[1:], last)
        .select_from(_VIEWS.join(_FREELANCERS, _FREELANCERS.c.id == _VIEWS.c.freelancer_id))
        .where(_VIEWS.c.account_id == account_id)
        .group_by(*who)
        .order_by(last.desc(), _FREELANCERS.c.username)
        .limit(RECENTLY_VIEWED)
    )
    if ctx.actor.is_member:
        query = query.where(_VIEWS.c.member_id == ctx.actor.member_id)
    return [
        Viewed(username, name, bool(pro), as_utc(at))
        for username, name, pro, at in ctx.session.exec(query).all()
    ]


def _unread_notifications(ctx: Context) -> int | None:
    """The actor's own unread notifications (``notification_reads.unread_count`` without
    building the notifications' table)."""
    if not ctx.actor.is_member or ctx.actor.member_id is None:
        return None
    return ctx.session.exec(
        select(func.count())
        .select_from(_NOTIFICATIONS)
        .where(_NOTIFICATIONS.c.member_id == ctx.actor.member_id)
        .where(_NOTIFICATIONS.c.read_at.is_(None))
    ).one()
