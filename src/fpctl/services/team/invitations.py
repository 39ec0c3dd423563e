"""Invitations once made (SPEC §1.3): find, accept, withdraw, resend, approve, expire.

Making them is ``inviting``: ``invite_many`` is the one code path for a single email and for
10,000 rows from a file (the rules checked in sets, rows inserted with executemany)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from fpctl.domain.actors import Actor
from fpctl.domain.emails import normalize_email
from fpctl.domain.enums import (
    OPEN_INVITATION_STATUSES,
    ApprovalKind,
    ApprovalStatus,
    InvitationStatus,
    Role,
)
from fpctl.domain.ids import as_id, is_digits
from fpctl.domain.permissions import Action, decide
from fpctl.errors import (
    InvitationInvalid,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from fpctl.services import approval_requests
from fpctl.services.actors import member_actor
from fpctl.services.audit import Entry
from fpctl.services.context import Context
from fpctl.services.listing import Listing
from fpctl.services.team.members import add_member, ensure_email_free
from fpctl.store.tables import (
    Account,
    Invitation,
    Member,
)

PENDING_DAYS = 30
APPROVAL_DAYS = 7


@dataclass(slots=True)
class NewInvitation:
    """An invitation this run inserts: the row's fields, without the cost of an ORM object
    per row (a bulk run of 10,000 spent most of its time building those)."""

    id: int
    account_id: int
    email: str
    role: str
    status: str
    token: str
    invited_by_id: int | None
    invited_by: str
    created_at: datetime
    sent_at: datetime | None
    expires_at: datetime
    resent_count: int = 0


def target(invitation: Invitation | NewInvitation) -> str:
    return f"invitation:{invitation.id} {invitation.email}"


def can_manage(ctx: Context, invitation: Invitation | NewInvitation, action: Action) -> bool:
    """Withdraw/resend: the admin and support any invitation; others their own."""
    decision = decide(ctx.actor, action)
    if not decision.allowed:
        return False
    return not decision.own_only or invitation.invited_by_id == ctx.actor.member_id


# -- acting on one invitation --------------------------------------------------------------


def find(ctx: Context, ref: str) -> Invitation:
    """An invitation of this account by id, or the open (else latest) one for an email."""
    account = ctx.the_account
    query = select(Invitation).where(Invitation.account_id == account.id)
    if is_digits(ref.strip()):
        number = as_id(ref)  # digits beyond any id: no such invitation
        invitation = (
            ctx.session.exec(query.where(Invitation.id == number)).first() if number else None
        )
    else:
        address = normalize_email(ref)
        candidates = ctx.session.exec(
            query.where(Invitation.email == address).order_by(col(Invitation.id).desc())
        ).all()
        open_ones = [i for i in candidates if i.status in OPEN_INVITATION_STATUSES]
        invitation = next(iter(open_ones or candidates), None)
    if invitation is None:
        raise NotFound(
            f"no invitation {ref!r} in this account", hint="`fpctl team invitations` lists them"
        )
    return invitation


def authorize(ctx: Context, action: Action, ref: str) -> Invitation:
    """The invitation ``action`` (withdraw, resend) acts on, once the actor may: the role,
    then the invitation found in the account, then its inviter or the admin. ``auth can-i``
    asks this."""
    ctx.require(action)
    invitation = find(ctx, ref)
    require_manage(ctx, invitation, action, action.split(".")[1])
    return invitation


def require_manage(ctx: Context, invitation: Invitation, action: Action, verb: str) -> None:
    ctx.require(action)
    if not can_manage(ctx, invitation, action):
        raise PermissionDenied(
            f"{ctx.actor.label} cannot {verb} invitation {invitation.id}: only its inviter "
            f"({invitation.invited_by}) or the admin can"
        )


def close_approval(
    session: Session, invitation: Invitation, status: ApprovalStatus, now: datetime
) -> Entry | None:
    """Close the pending request holding ``invitation`` back; the audit entry for it."""
    return approval_requests.close_pending(
        session, kind=ApprovalKind.INVITATION, subject_id=invitation.id, status=status, now=now
    )


def withdraw(ctx: Context, ref: str) -> tuple[Invitation, str | None]:
    invitation = authorize(ctx, Action.TEAM_WITHDRAW, ref)
    if invitation.status == InvitationStatus.WITHDRAWN:
        return invitation, (
            f"invitation {invitation.id} was already {invitation.status}: nothing changed"
        )
    if invitation.status not in OPEN_INVITATION_STATUSES:
        raise InvitationInvalid(
            f"invitation {invitation.id} is {invitation.status} and can no longer be withdrawn"
        )
    before = invitation.status
    entries = [
        Entry(
            Action.TEAM_WITHDRAW,
            target(invitation),
            invitation.account_id,
            {"status": (before, InvitationStatus.WITHDRAWN)},
        )
    ]
    if before == InvitationStatus.AWAITING_APPROVAL:
        closed = close_approval(ctx.session, invitation, ApprovalStatus.WITHDRAWN, ctx.now)
        entries += [closed] if closed else []
    invitation.status = InvitationStatus.WITHDRAWN
    invitation.closed_at = ctx.now
    ctx.session.add(invitation)
    ctx.record_many(entries)
    return invitation, None


def resend(ctx: Context, ref: str) -> Invitation:
    """Send the same invitation again; its 30-day expiry starts over."""
    invitation = authorize(ctx, Action.TEAM_RESEND, ref)
    if invitation.status == InvitationStatus.AWAITING_APPROVAL:
        raise RuleViolation(
            f"invitation {invitation.id} has not been sent yet: it awaits the admin's approval",
            code="awaiting_approval",
        )
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationInvalid(
            f"invitation {invitation.id} is {invitation.status}: invite the address again instead"
        )
    before = invitation.expires_at
    invitation.sent_at = ctx.now
    invitation.expires_at = ctx.now + timedelta(days=PENDING_DAYS)
    invitation.resent_count += 1
    ctx.session.add(invitation)
    ctx.record(
        action=Action.TEAM_RESEND,
        target=target(invitation),
        account_id=invitation.account_id,
        changes={"expires_at": (before, invitation.expires_at)},
    )
    return invitation


def send_approved(ctx: Context, invitation: Invitation) -> None:
    """The admin approved it: the invitation is sent now, with a full 30 days."""
    invitation.status = InvitationStatus.PENDING
    invitation.sent_at = ctx.now
    invitation.expires_at = ctx.now + timedelta(days=PENDING_DAYS)
    ctx.session.add(invitation)


def accept(ctx: Context, token: str, name: str) -> tuple[Member, Invitation]:
    """The invitee joins: a new active member with the invited role (no actor needed)."""
    from fpctl.domain.text import require_text

    name = require_text(name, "the name")
    invitation = ctx.session.exec(
        select(Invitation).where(Invitation.token == token.strip())
    ).first()
    if invitation is None:
        raise NotFound("no invitation with this token", hint="check the link or ask for a new one")
    if invitation.status == InvitationStatus.AWAITING_APPROVAL:
        raise InvitationInvalid("this invitation is waiting for the admin's approval")
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationInvalid(
            f"this invitation is no longer valid (it was {invitation.status})",
            hint="ask the account's admin for a new invitation",
        )
    account = ctx.session.get(Account, invitation.account_id)
    assert account is not None
    ensure_email_free(ctx, invitation.email, account)
    member = add_member(ctx, account, email=invitation.email, name=name, role=Role(invitation.role))
    invitation.status = InvitationStatus.ACCEPTED
    invitation.closed_at = ctx.now
    invitation.member_id = member.id
    ctx.session.add(invitation)
    ctx.account = account
    ctx.as_actor(member_actor(member)).record(
        action="team.accept",
        target=target(invitation),
        account_id=account.id,
        changes={
            "status": (InvitationStatus.PENDING, InvitationStatus.ACCEPTED),
            "member": (None, member.id),
        },
    )
    return member, invitation


def list_invitations(ctx: Context, *, status: str | None = None) -> Listing[Invitation]:
    ctx.require(Action.TEAM_READ)
    query = select(Invitation).where(Invitation.account_id == ctx.the_account.id)
    if status:
        query = query.where(Invitation.status == InvitationStatus(status))
    return Listing(ctx.session, query.order_by(col(Invitation.id)))


def token_visible(ctx: Context, invitation: Invitation | NewInvitation) -> bool:
    """Tokens are shown to whoever could send the link: the inviter, the admin, support."""
    return token_shown(ctx.actor)(invitation)


def token_shown(actor: Actor) -> Callable[[Invitation | NewInvitation], bool]:
    """``token_visible`` for ``actor``, asked once for many invitations (a bulk run's rows)."""
    if actor.sees_everything or actor.is_admin:
        return lambda invitation: True
    member_id = actor.member_id
    return lambda invitation: invitation.invited_by_id == member_id


# -- settling -----------------------------------------------------------------------------


def expire_due(ctx: Context) -> int:
    """Open invitations past their expiry become ``expired`` (30 days pending, 7 awaiting)."""
    session, now = ctx.session, ctx.now
    due = session.exec(
        select(Invitation)
        .where(col(Invitation.status).in_(OPEN_INVITATION_STATUSES))
        .where(Invitation.expires_at <= now)
        .order_by(col(Invitation.id))  # the records in one order on every backend
    ).all()
    entries = []
    for invitation in due:
        entries.append(
            Entry(
                "invitation.expire",
                target(invitation),
                invitation.account_id,
                {"status": (invitation.status, InvitationStatus.EXPIRED)},
            )
        )
        if invitation.status == InvitationStatus.AWAITING_APPROVAL:
            closed = close_approval(session, invitation, ApprovalStatus.EXPIRED, now)
            entries += [closed] if closed else []
        invitation.status = InvitationStatus.EXPIRED
        invitation.closed_at = now
        session.add(invitation)
    ctx.record_many(entries)
    return len(due)
