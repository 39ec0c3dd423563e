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
  support, no actor); for anyone else it is None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import column, func, table
from sqlmodel import Session, col, select

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

if TYPE_CHECKING:
    from fpctl.store.tables import Account, AuditRecord

# The counts read these tables' columns through SQLAlchemy Core: the same SQL as their table
# classes would give, without building those classes (orders, approvals…) for a dashboard
# whose actor sees every order. An actor who sees only some asks services.orders.visibility.
_ORDERS = table("orders", column("id"), column("account_id"), column("status"))
_CANCELLATIONS = table("order_cancellation", column("order_id"), column("status"))
_INVITATIONS = table("invitation", column("account_id"), column("status"))
_APPROVALS = table(
    "approvalrequest", column("account_id"), column("status"), column("requested_by_id")
)

#: How many audit records the dashboard shows, newest first.
RECENT_ACTIVITY = 5
#: The roles and statuses always present in the counts (zero when nobody has them).
ROLES = tuple(role.value for role in Role)
MEMBER_STATUSES = tuple(status.value for status in MemberStatus)
SEAT_STATUSES = (MemberStatus.ACTIVE.value, MemberStatus.DEACTIVATED.value)


@dataclass(frozen=True)
class Dashboard:
    account: Account
    members_by_role: dict[str, int]  # seats: active and deactivated members
    members_by_status: dict[str, int]  # everyone who ever joined
    open_orders: int
    open_cancellation_requests: int
    open_invitations: int
    pending_approvals: int
    recent_activity: list[AuditRecord] | None  # None: the actor may not read the audit trail

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
    return Dashboard(
        account=account,
        members_by_role=by_role,
        members_by_status=by_status,
        open_orders=_open_orders(ctx, account.id),
        open_cancellation_requests=_open_cancellations(ctx, account.id),
        open_invitations=_open_invitations(ctx.session, account.id),
        pending_approvals=_pending_approvals(ctx, account.id),
        recent_activity=activity,
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


def _open_cancellations(ctx: Context, account_id: int) -> int:
    return ctx.session.exec(
        select(func.count())
        .select_from(_CANCELLATIONS)
        .where(_CANCELLATIONS.c.status == "open")
        .where(_CANCELLATIONS.c.order_id.in_(_visible_order_ids(ctx, account_id)))
    ).one()


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
