"""services.approvals: deciding and expiring invitation requests (SPEC §1.4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from fpctl.clock import parse_instant
from fpctl.errors import RuleViolation
from fpctl.services import approvals
from fpctl.services.context import Context
from fpctl.services.team import inviting, policies
from fpctl.services.team.inviting import InviteRequest
from fpctl.store.tables import ApprovalRequest, AuditRecord, Invitation

ADA = "ada@acme.test"
MADE = parse_instant("2026-11-01T10:00:00Z")


@pytest.fixture
def waiting(work: Any, team: Any) -> int:
    """mia's invitation of zed@x.test, held back by an invite-approval policy."""
    with work(as_=ADA) as ctx:
        policies.add(ctx, policies.PolicySpec(kind="invite-approval"))
    with work(as_="mia@acme.test") as ctx:
        (result,) = inviting.invite_many(ctx, [InviteRequest("zed@x.test")])
        assert result.result == "awaiting_approval"
    return 1


def state(work: Any) -> tuple[str, str]:
    with work(write=False) as ctx:
        request = ctx.session.get(ApprovalRequest, 1)
        invitation = ctx.session.get(Invitation, request.subject_id)
        return request.status, invitation.status


def test_approve_sends_it_now(work: Any, waiting: int) -> None:
    later = MADE + timedelta(days=2)
    with work(as_=ADA, now=later) as ctx:
        request, unchanged = approvals.approve(ctx, waiting)
        changed = unchanged is None
        invitation = ctx.session.get(Invitation, request.subject_id)
        assert changed
        assert (invitation.sent_at, invitation.expires_at) == (later, later + timedelta(days=30))
    assert state(work) == ("approved", "pending")


def test_reject_with_reason(work: Any, waiting: int) -> None:
    with work(as_=ADA) as ctx:
        request, _ = approvals.reject(ctx, waiting, "not now")
        assert request.reason == "not now"
    assert state(work) == ("rejected", "rejected")


def test_a_request_whose_invitation_closed_cannot_be_decided(work: Any, waiting: int) -> None:
    with work(as_=ADA) as ctx:
        invitation = ctx.session.exec(select(Invitation).where(Invitation.id == 4)).one()
        invitation.status = "withdrawn"  # as data written before requests were closed with it
        ctx.session.add(invitation)
    with work(as_=ADA) as ctx, pytest.raises(RuleViolation) as refused:
        approvals.approve(ctx, waiting)
    assert refused.value.code == "request_closed"


def test_expire_due_after_7_days(work: Any, waiting: int) -> None:
    with work(write=True) as ctx:
        assert (
            approvals.expire_due(Context.system(ctx.session, MADE + timedelta(days=7, seconds=-1)))
            == 0
        )
        assert approvals.expire_due(Context.system(ctx.session, MADE + timedelta(days=7))) == 1
        assert approvals.expire_due(Context.system(ctx.session, MADE + timedelta(days=7))) == 0
    assert state(work) == ("expired", "expired")
    with work(write=False) as ctx:
        actions = ctx.session.exec(
            select(AuditRecord.action)
            .where(AuditRecord.actor == "system")
            .order_by(col(AuditRecord.id))
        ).all()
    assert actions == ["approval.expire", "invitation.expire"]


def test_requests_are_listed_for_the_admin_and_the_requester(work: Any, waiting: int) -> None:
    seen = {}
    for actor in (ADA, "mia@acme.test", "max@acme.test"):
        with work(as_=actor, write=False) as ctx:
            seen[actor] = [r.id for r in approvals.list_requests(ctx)]
    assert seen == {ADA: [1], "mia@acme.test": [1], "max@acme.test": []}


def test_requests_expire_in_the_order_they_were_made(work: Any, team: Any) -> None:
    with work(as_=ADA) as ctx:
        policies.add(ctx, policies.PolicySpec(kind="invite-approval"))
    with work(as_="mia@acme.test") as ctx:
        inviting.invite_many(ctx, [InviteRequest(f"z{n}@x.test") for n in range(3)])
    with work(write=True) as ctx:
        assert approvals.expire_due(Context.system(ctx.session, MADE + timedelta(days=7))) == 3
    with work(write=False) as ctx:
        targets = ctx.session.exec(
            select(AuditRecord.target)
            .where(AuditRecord.action == "approval.expire")
            .order_by(col(AuditRecord.id))
        ).all()
    assert len(targets) == 3
    assert targets == sorted(targets, key=lambda target: int(target.split()[0].split(":")[1]))
