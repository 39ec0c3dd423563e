"""Approval requests (SPEC §1.4): invitations and orders waiting for the admin.

Requests are decided by their own id, by the admin (or support), with an optional reason;
an undecided request expires after 7 days together with what it was holding back. Each
kind of subject registers how it is approved, rejected and expired in ``SUBJECTS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from fpctl.domain.enums import ApprovalKind, ApprovalStatus, InvitationStatus
from fpctl.domain.permissions import Action
from fpctl.domain.text import LONG_TEXT, within
from fpctl.errors import NotFound, RuleViolation
from fpctl.services import approval_requests, notifications
from fpctl.services.audit import Entry
from fpctl.services.context import Context
from fpctl.services.listing import Listing
from fpctl.services.orders import held
from fpctl.services.team import invitations
from fpctl.store.tables import ApprovalRequest, Invitation


@dataclass(frozen=True)
class Subject:
    """How one kind of request acts on its subject."""

    # approve/reject change the subject and return its audit entry (None: recorded already)
    approve: Callable[[Context, ApprovalRequest], Entry | None]
    reject: Callable[[Context, ApprovalRequest], Entry | None]
    expire: Callable[[Session, ApprovalRequest, datetime], Entry | None]
    describe: Callable[[Session, ApprovalRequest], str | None]


def _invitation(session: Session, request: ApprovalRequest) -> Invitation:
    invitation = session.get(Invitation, request.subject_id)
    assert invitation is not None
    return invitation


def _waiting_invitation(session: Session, request: ApprovalRequest) -> Invitation:
    invitation = _invitation(session, request)
    if invitation.status != InvitationStatus.AWAITING_APPROVAL:
        raise RuleViolation(
            f"approval request {request.id} cannot be decided: its invitation "
            f"{invitation.id} is {invitation.status}",
            code="request_closed",
        )
    return invitation


def _approve_invitation(ctx: Context, request: ApprovalRequest) -> Entry:
    invitation = _waiting_invitation(ctx.session, request)
    before = invitation.expires_at
    invitations.send_approved(ctx, invitation)
    return Entry(
        "invitation.send",
        invitations.target(invitation),
        invitation.account_id,
        {
            "status": (InvitationStatus.AWAITING_APPROVAL, invitation.status),
            "expires_at": (before, invitation.expires_at),
        },
    )


def _close_invitation(
    session: Session, request: ApprovalRequest, status: InvitationStatus, now: datetime
) -> Entry | None:
    invitation = _invitation(session, request)
    if invitation.status != InvitationStatus.AWAITING_APPROVAL:
        return None
    invitation.status = status
    invitation.closed_at = now
    session.add(invitation)
    return Entry(
        f"invitation.{'expire' if status == 'expired' else 'reject'}",
        invitations.target(invitation),
        invitation.account_id,
        {"status": (InvitationStatus.AWAITING_APPROVAL, status)},
    )


def _reject_invitation(ctx: Context, request: ApprovalRequest) -> Entry | None:
    _waiting_invitation(ctx.session, request)
    return _close_invitation(ctx.session, request, InvitationStatus.REJECTED, ctx.now)


def _expire_invitation(session: Session, request: ApprovalRequest, now: datetime) -> Entry | None:
    return _close_invitation(session, request, InvitationStatus.EXPIRED, now)


SUBJECTS: dict[str, Subject] = {
    ApprovalKind.INVITATION: Subject(
        approve=_approve_invitation,
        reject=_reject_invitation,
        expire=_expire_invitation,
        describe=lambda session, request: _invitation(session, request).email,
    ),
    ApprovalKind.ORDER: Subject(
        approve=held.approve_held,
        reject=held.reject_held,
        expire=held.expire_held,
        describe=held.describe_held,
    ),
}


target = approval_requests.target


def list_requests(ctx: Context, *, status: str | None = None) -> Listing[ApprovalRequest]:
    """The admin (and support, or no actor) see every request; others see their own."""
    ctx.require(Action.TEAM_READ)
    query = select(ApprovalRequest).where(ApprovalRequest.account_id == ctx.the_account.id)
    if status:
        query = query.where(ApprovalRequest.status == ApprovalStatus(status))
    if not (ctx.actor.sees_everything or ctx.actor.is_admin):
        query = query.where(ApprovalRequest.requested_by_id == ctx.actor.member_id)
    return Listing(ctx.session, query.order_by(col(ApprovalRequest.id)))


def describe(session: Session, request: ApprovalRequest) -> str | None:
    subject = SUBJECTS.get(request.kind)
    return subject.describe(session, request) if subject else None


def find(ctx: Context, request_id: int) -> ApprovalRequest:
    request = ctx.session.get(ApprovalRequest, request_id)
    if request is None or request.account_id != ctx.the_account.id:
        raise NotFound(
            f"no approval request {request_id} in this account",
            hint="`fpctl approvals list` shows them",
        )
    return request


def authorize(ctx: Context, action: Action, request_id: int) -> ApprovalRequest:
    """The request ``action`` (approve, reject) acts on, once the actor may (``auth can-i``)."""
    ctx.require(action)
    return find(ctx, request_id)


def _decide(
    ctx: Context, request_id: int, status: ApprovalStatus, reason: str | None
) -> tuple[ApprovalRequest, str | None]:
    action = (
        Action.APPROVAL_APPROVE if status is ApprovalStatus.APPROVED else Action.APPROVAL_REJECT
    )
    request = authorize(ctx, action, request_id)
    if reason is not None:
        within(reason, "the reason", LONG_TEXT)
    if request.status == status:
        return request, f"request {request.id} was already {request.status}: nothing changed"
    if request.status != ApprovalStatus.PENDING:
        raise RuleViolation(
            f"approval request {request.id} is already {request.status}", code="request_closed"
        )
    subject = SUBJECTS[request.kind]
    decided = (subject.approve if status is ApprovalStatus.APPROVED else subject.reject)(
        ctx, request
    )
    request.status = status
    request.decided_at = ctx.now
    request.decided_by = ctx.actor.label
    request.reason = reason
    ctx.session.add(request)
    entries = [
        Entry(
            action,
            target(request),
            request.account_id,
            {"status": (ApprovalStatus.PENDING, status), "reason": (None, reason)},
        )
    ]
    ctx.record_many(entries + ([decided] if decided else []))
    notifications.approval_decided(ctx.session, ctx.actor, ctx.now, request, status)
    return request, None


def approve(
    ctx: Context, request_id: int, reason: str | None = None
) -> tuple[ApprovalRequest, str | None]:
    return _decide(ctx, request_id, ApprovalStatus.APPROVED, reason)


def reject(
    ctx: Context, request_id: int, reason: str | None = None
) -> tuple[ApprovalRequest, str | None]:
    return _decide(ctx, request_id, ApprovalStatus.REJECTED, reason)


def expire_due(ctx: Context) -> int:
    """Requests undecided for 7 days expire, with the invitation or order they hold."""
    session, now = ctx.session, ctx.now
    due = session.exec(
        select(ApprovalRequest)
        .where(ApprovalRequest.status == ApprovalStatus.PENDING)
        .where(col(ApprovalRequest.expires_at) <= now)
        .order_by(col(ApprovalRequest.id))  # the records in one order on every backend
    ).all()
    entries = []
    for request in due:
        request.status = ApprovalStatus.EXPIRED
        request.decided_at = now
        session.add(request)
        entries.append(
            Entry(
                "approval.expire",
                target(request),
                request.account_id,
                {"status": (ApprovalStatus.PENDING, ApprovalStatus.EXPIRED)},
            )
        )
        subject_entry = SUBJECTS[request.kind].expire(session, request, now)
        if subject_entry is not None:
            entries.append(subject_entry)
        notifications.approval_decided(session, ctx.actor, now, request, request.status)
    ctx.record_many(entries)
    return len(due)
