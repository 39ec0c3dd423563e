"""Members and roles (SPEC §1.2): one admin, email ownership, deactivate, remove, leave."""

from __future__ import annotations

from sqlalchemy import or_, text
from sqlmodel import col, select

from fpctl.domain.enums import MemberStatus, Role
from fpctl.domain.permissions import Action
from fpctl.errors import EmailTaken, FpctlError, PermissionDenied, RuleViolation
from fpctl.services.context import Context
from fpctl.services.listing import Listing
from fpctl.services.lookups import current_admin, find_member, require_pro
from fpctl.store.rows import id_of
from fpctl.store.tables import HELD_EMAIL, Account, Member

TERMINAL = (MemberStatus.REMOVED, MemberStatus.CLOSED)


def target(member: Member) -> str:
    return f"member:{member.id} {member.email}"


def holder_refusal(email: str, holder: Member, account_id: int | None) -> FpctlError:
    """Why ``email``, held by ``holder``, cannot join the account ``account_id``."""
    if holder.account_id != account_id:
        return EmailTaken(f"{email} belongs to another Pro account")
    if holder.status == MemberStatus.CLOSED:
        return EmailTaken(f"{email} closed their account here; the email cannot be reused")
    return RuleViolation(f"{email} is already a member of this account", code="already_member")


def ensure_email_free(ctx: Context, email: str, account: Account | None = None) -> None:
    """Refuse an email held by any account (or a seat in ``account`` itself)."""
    holder = ctx.session.exec(
        select(Member)
        .where(Member.email == email)
        .where(text(HELD_EMAIL))  # active, deactivated or closed: uses the partial index
    ).first()
    if holder is None:
        return
    account_id = account.id if account is not None else None
    refusal = holder_refusal(email, holder, account_id)
    if holder.account_id != account_id:
        refusal.hint = "someone can be in several Pro teams only with different emails"
    raise refusal


def authorize(ctx: Context, action: Action, email: str) -> Member:
    """The member ``action`` acts on (their current seat), once the actor may do it (SPEC
    §2). Every member command starts here, and ``auth can-i ACTION EMAIL`` asks this."""
    ctx.require(action)
    return find_member(ctx, email)


def add_member(ctx: Context, account: Account, *, email: str, name: str, role: Role) -> Member:
    from fpctl.services.team import projects

    member = Member(
        account_id=id_of(account),
        email=email,
        name=name,
        role=role,
        status=MemberStatus.ACTIVE,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(member)
    ctx.session.flush()
    projects.open_personal(ctx.session, member, ctx.now)
    return member


def _admin_seats(ctx: Context, *, besides: Member) -> list[Member]:
    """Every other seat with the admin role: the active admin, or an unusable one (say,
    imported deactivated) that an appointment must demote so one admin remains."""
    return list(
        ctx.session.exec(
            select(Member)
            .where(Member.account_id == ctx.the_account.id)
            .where(Member.role == Role.ADMIN)
            .where(Member.id != besides.id)
            .order_by(col(Member.id))
        ).all()
    )


def list_members(
    ctx: Context, *, role: str | None = None, status: str | None = None
) -> Listing[Member]:
    ctx.require(Action.TEAM_READ)
    query = select(Member).where(Member.account_id == ctx.the_account.id)
    if role:
        query = query.where(Member.role == Role(role))
    if status:
        query = query.where(Member.status == MemberStatus(status))
    return Listing(ctx.session, query.order_by(col(Member.id)))


def _change(ctx: Context, member: Member, action: str, **after: str) -> None:
    changes = {
        key: (getattr(member, key), value)
        for key, value in after.items()
        if getattr(member, key) != value
    }
    for key, value in after.items():
        setattr(member, key, value)
    member.updated_at = ctx.now
    ctx.session.add(member)
    ctx.record(
        action=action,
        target=target(member),
        account_id=member.account_id,
        changes=changes,
    )


def _refuse_terminal(member: Member) -> None:
    if member.status in TERMINAL:
        raise RuleViolation(
            f"{member.email} was {member.status}: that cannot be undone", code="member_gone"
        )


def set_role(ctx: Context, email: str, role: str) -> tuple[Member, str | None]:
    """Set a role; making someone admin demotes the previous admin in the same transaction."""
    new_role = Role(role)
    # The actor first: someone who may not set roles learns nothing about who is a member
    # (whoever may appoint an admin may set roles).
    ctx.require(Action.ROLE_SET)
    admin = current_admin(ctx)
    appointing = new_role is Role.ADMIN and admin is None
    member = authorize(ctx, Action.ADMIN_APPOINT if appointing else Action.ROLE_SET, email)
    _refuse_terminal(member)
    if member.role == new_role:
        return member, f"{member.email} is already {member.role}: nothing changed"
    if member.role == Role.ADMIN:
        raise RuleViolation(
            f"{member.email} is the admin and cannot be demoted",
            hint="transfer the role instead: fpctl role set OTHER-EMAIL admin",
            code="admin_required",
        )
    if new_role is Role.ADMIN:
        if member.status != MemberStatus.ACTIVE:
            raise RuleViolation(
                f"{member.email} is {member.status}: only active members can "
                "receive the admin role",
                code="member_inactive",
            )
        for previous in _admin_seats(ctx, besides=member):
            _change(ctx, previous, Action.ROLE_SET, role=Role.MEMBER)
    _change(ctx, member, Action.ADMIN_APPOINT if appointing else Action.ROLE_SET, role=new_role)
    return member, None


#: Status changes a switched account cannot make (SPEC §1.7), and how the refusal says it.
_PRO_ONLY = {Action.TEAM_REACTIVATE: "reactivate members"}


def _checked_status_change(
    ctx: Context,
    email: str,
    action: Action,
    status: MemberStatus,
    *,
    allowed_from: tuple[MemberStatus, ...],
) -> tuple[Member, str | None]:
    """The member, and why the change would do nothing (None: it would do something);
    raises if it is not allowed."""
    member = authorize(ctx, action, email)
    if action in _PRO_ONLY:
        require_pro(ctx.the_account, _PRO_ONLY[action])
    if member.status == status:
        return member, f"{member.email} is already {member.status}: nothing changed"
    _refuse_terminal(member)
    if member.role == Role.ADMIN:
        raise RuleViolation(
            f"{member.email} is the admin and cannot be {status}",
            hint="transfer the admin role first: fpctl role set OTHER-EMAIL admin",
            code="admin_required",
        )
    if member.status not in allowed_from:
        raise RuleViolation(f"{member.email} is {member.status}", code="invalid_status")
    return member, None


def _set_status(
    ctx: Context,
    email: str,
    action: Action,
    status: MemberStatus,
    *,
    allowed_from: tuple[MemberStatus, ...],
) -> tuple[Member, str | None]:
    member, unchanged = _checked_status_change(
        ctx, email, action, status, allowed_from=allowed_from
    )
    if unchanged is None:
        _change(ctx, member, action, status=status)
    return member, unchanged


_REMOVABLE = (MemberStatus.ACTIVE, MemberStatus.DEACTIVATED)


def deactivate(ctx: Context, email: str) -> tuple[Member, str | None]:
    return _set_status(
        ctx,
        email,
        Action.TEAM_DEACTIVATE,
        MemberStatus.DEACTIVATED,
        allowed_from=(MemberStatus.ACTIVE,),
    )


def reactivate(ctx: Context, email: str) -> tuple[Member, str | None]:
    return _set_status(
        ctx,
        email,
        Action.TEAM_REACTIVATE,
        MemberStatus.ACTIVE,
        allowed_from=(MemberStatus.DEACTIVATED,),
    )


def check_remove(ctx: Context, email: str) -> bool:
    """Raise if removing ``email`` is not allowed; whether it would change anything (asked
    before the confirmation prompt, so nobody confirms what would be refused)."""
    unchanged = _checked_status_change(
        ctx, email, Action.TEAM_REMOVE, MemberStatus.REMOVED, allowed_from=_REMOVABLE
    )[1]
    return unchanged is None


def remove(ctx: Context, email: str) -> tuple[Member, str | None]:
    """Terminal: the seat closes and the email is released (it may be invited anywhere).
    The member's orders stay with the account, shared with all its members (SPEC §1.5)."""
    member, unchanged = _set_status(
        ctx, email, Action.TEAM_REMOVE, MemberStatus.REMOVED, allowed_from=_REMOVABLE
    )
    if unchanged is None:
        _share_orders_of(ctx, member)
    return member, unchanged


def check_leave(ctx: Context) -> None:
    """Raise if the actor may not leave (asked before the confirmation prompt)."""
    if ctx.actor.is_member and ctx.actor.role is Role.ADMIN:
        raise PermissionDenied(
            f"{ctx.actor.label} is the admin and cannot leave",
            hint="transfer the admin role first (fpctl role set OTHER-EMAIL admin), or switch "
            "the whole account to the regular marketplace",
        )
    ctx.require(Action.TEAM_LEAVE)


def leave(ctx: Context) -> Member:
    """The acting member closes their own account; the email stays registered forever."""
    check_leave(ctx)
    member = ctx.session.get(Member, ctx.actor.member_id)
    assert member is not None
    _change(ctx, member, Action.TEAM_LEAVE, status=MemberStatus.CLOSED)
    _share_orders_of(ctx, member)  # they stay with the account, shared
    return member


def _share_orders_of(ctx: Context, member: Member) -> int:
    """A member who is removed or leaves: their orders (those they placed, and those support
    placed in their my-project) become shared with all members, each change audited."""
    from fpctl.services import order_audit
    from fpctl.store.tables import Order, Project

    session = ctx.session
    personal = select(Project.id).where(Project.kind == "my").where(Project.owner_id == member.id)
    theirs = or_(col(Order.placed_by_id) == member.id, col(Order.project_id).in_(personal))
    found = session.exec(
        select(Order).where(theirs).where(col(Order.shared).is_(False)).order_by(col(Order.id))
    ).all()
    for order in found:
        order.shared = True
        order_audit.record_change(ctx, order, Action.ORDER_SHARE, {"shared": (False, True)})
    return len(found)
