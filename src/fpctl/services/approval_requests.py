"""Approval requests of every kind: how the audit trail names one, and closing those still
pending when what they hold back goes away (withdrawn, expired).

The decisions (approve, reject) and what each kind of request does are in ``approvals``;
this module imports no use case, so invitations, checkout and subscriptions close their
requests here, in one way.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from fpctl.domain.enums import ApprovalKind, ApprovalStatus
from fpctl.services.audit import Entry
from fpctl.store.tables import ApprovalRequest


def target(request: ApprovalRequest) -> str:
    return f"approval:{request.id} {request.kind}:{request.subject_id}"


def close(
    session: Session, request: ApprovalRequest, status: ApprovalStatus, now: datetime
) -> Entry:
    """Close a pending request (``withdrawn`` or ``expired``); the audit entry for it."""
    request.status = status
    request.decided_at = now
    session.add(request)
    action = "approval.expire" if status is ApprovalStatus.EXPIRED else "approval.withdraw"
    return Entry(
        action, target(request), request.account_id, {"status": (ApprovalStatus.PENDING, status)}
    )


def close_pending(
    session: Session,
    *,
    kind: ApprovalKind,
    subject_id: int | None,
    status: ApprovalStatus,
    now: datetime,
) -> Entry | None:
    """Close the pending request holding back this invitation or order, if there is one."""
    request = pending_for(session, kind, subject_id)
    return None if request is None else close(session, request, status, now)


def pending_for(
    session: Session, kind: ApprovalKind, subject_id: int | None
) -> ApprovalRequest | None:
    """The pending request holding back this invitation or order, if there is one."""
    return session.exec(
        select(ApprovalRequest)
        .where(ApprovalRequest.kind == kind)
        .where(ApprovalRequest.subject_id == subject_id)
        .where(ApprovalRequest.status == ApprovalStatus.PENDING)
    ).first()


def pending_of(session: Session, account_id: int | None) -> list[ApprovalRequest]:
    """Every request of the account still waiting for a decision, oldest first."""
    return list(
        session.exec(
            select(ApprovalRequest)
            .where(ApprovalRequest.account_id == account_id)
            .where(ApprovalRequest.status == ApprovalStatus.PENDING)
            .order_by(col(ApprovalRequest.id))
        ).all()
    )
