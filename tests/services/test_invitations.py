"""services.invitations: the rules of SPEC §1.3 on a real store."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from fpctl.clock import parse_instant
from fpctl.errors import EmailTaken, InvitationInvalid, PermissionDenied
from fpctl.services.context import Context
from fpctl.services.team import invitations, inviting
from fpctl.services.team.inviting import InviteRequest
from fpctl.store.tables import ApprovalRequest, AuditRecord, Invitation

ADA = "ada@acme.test"
SENT = parse_instant("2026-11-01T10:00:00Z")


def invite(work: Any, actor: str, *requests: InviteRequest, **kw: Any) -> list[Any]:
    with work(as_=actor, **kw) as ctx:
        return [
            (r.email, r.role, r.result, r.error and r.error.code)
            for r in inviting.invite_many(ctx, list(requests))
        ]


def all_invitations(work: Any) -> list[tuple[Any, ...]]:
    with work(write=False) as ctx:
        rows = ctx.session.exec(select(Invitation).order_by(Invitation.id)).all()
        return [(i.id, i.email, i.role, i.status, i.superseded_by_id) for i in rows]


def test_supersede_in_one_step_links_old_to_new(work: Any, team: Any) -> None:
    invite(work, "mia@acme.test", InviteRequest("zed@x.test"))
    result = invite(work, ADA, InviteRequest("zed@x.test", "billing_manager"))
    assert result == [("zed@x.test", "billing_manager", "invited", None)]
    assert all_invitations(work)[-2:] == [
        (4, "zed@x.test", "member", "superseded", 5),
        (5, "zed@x.test", "billing_manager", "pending", None),
    ]


def test_variants_of_an_address_are_one_address(work: Any, acme: str) -> None:
    result = invite(
        work,
        ADA,
        InviteRequest("Zed@X.test"),
        InviteRequest("  zed@x.TEST  "),
        InviteRequest("zed@x.test", "billing_manager"),
    )
    assert result == [
        ("zed@x.test", "member", "invited", None),
        ("zed@x.test", "member", "unchanged", None),
        ("zed@x.test", "billing_manager", "failed", "duplicate_row"),
    ]
    assert [row[1:4] for row in all_invitations(work)] == [("zed@x.test", "member", "pending")]


def test_rows_fail_alone(work: Any, team: Any) -> None:
    result = invite(
        work,
        "bill@acme.test",
        InviteRequest("a@x.test"),
        InviteRequest("b@x.test", "billing_manager"),
        InviteRequest("c@x.test", "admin"),
        InviteRequest("@x.test"),
        InviteRequest("mia@acme.test"),
    )
    assert result == [
        ("a@x.test", "member", "invited", None),
        ("b@x.test", "billing_manager", "failed", "permission_denied"),
        ("c@x.test", "admin", "failed", "invalid_role"),
        ("@x.test", "member", "failed", "invalid_email"),
        ("mia@acme.test", "member", "failed", "already_member"),
    ]


def test_pending_invitations_expire_30_days_after_sending(work: Any, acme: str) -> None:
    invite(work, ADA, InviteRequest("zed@x.test"))
    almost = SENT + timedelta(days=29, hours=23, minutes=59)
    with work(now=almost) as ctx:
        assert invitations.expire_due(Context.system(ctx.session, almost)) == 0
    due = SENT + timedelta(days=30)
    with work(write=True) as ctx:
        assert invitations.expire_due(Context.system(ctx.session, due)) == 1
        assert invitations.expire_due(Context.system(ctx.session, due)) == 0
    assert [row[3] for row in all_invitations(work)] == ["expired"]


def test_invitations_expire_in_the_order_they_were_made(work: Any, acme: str) -> None:
    invite(work, ADA, *(InviteRequest(f"z{n}@x.test") for n in range(3)))
    due = SENT + timedelta(days=30)
    with work(write=True) as ctx:
        assert invitations.expire_due(Context.system(ctx.session, due)) == 3
    with work(write=False) as ctx:
        targets = ctx.session.exec(
            select(AuditRecord.target)
            .where(AuditRecord.action == "invitation.expire")
            .order_by(col(AuditRecord.id))
        ).all()
    assert [target.split()[1] for target in targets] == ["z0@x.test", "z1@x.test", "z2@x.test"]


def test_resend_moves_the_expiry(work: Any, acme: str) -> None:
    invite(work, ADA, InviteRequest("zed@x.test"))
    later = SENT + timedelta(days=10)
    with work(as_=ADA, now=later) as ctx:
        invitation = invitations.resend(ctx, "zed@x.test")
        assert (invitation.sent_at, invitation.expires_at) == (later, later + timedelta(days=30))
    with work(now=SENT + timedelta(days=39, hours=23)):
        pass  # settles what is due: not this one
    assert [row[3] for row in all_invitations(work)] == ["pending"]
    with work(now=later + timedelta(days=30)):
        pass
    assert [row[3] for row in all_invitations(work)] == ["expired"]


def test_accept_rechecks_email_ownership(work: Any, acme: str, cli: Any) -> None:
    invite(work, ADA, InviteRequest("zed@x.test"))
    created = cli("account", "create", "Zed Co", "--admin", "zed@x.test", "--slug", "zed")
    assert created.exit_code == 0, created.stderr
    with work() as ctx:
        token = ctx.session.exec(select(Invitation.token)).one()
        with pytest.raises(EmailTaken):
            invitations.accept(ctx, token, "Zed")


def test_accept_a_closed_invitation(work: Any, acme: str) -> None:
    invite(work, ADA, InviteRequest("zed@x.test"))
    with work(as_=ADA) as ctx:
        invitation, unchanged = invitations.withdraw(ctx, "zed@x.test")
        changed = unchanged is None
        assert changed
    with work() as ctx, pytest.raises(InvitationInvalid, match="no longer valid"):
        invitations.accept(ctx, invitation.token, "Zed")


def test_withdraw_is_the_inviters_or_the_admins(work: Any, team: Any) -> None:
    invite(work, "mia@acme.test", InviteRequest("zed@x.test"))
    with work(as_="max@acme.test") as ctx, pytest.raises(PermissionDenied):
        invitations.withdraw(ctx, "zed@x.test")
    with work(as_="mia@acme.test") as ctx:
        assert invitations.withdraw(ctx, "zed@x.test")[1] is None


def test_superseding_a_waiting_invitation_closes_its_request(work: Any, team: Any) -> None:
    from fpctl.services.team import policies

    with work(as_=ADA) as ctx:
        policies.add(ctx, policies.PolicySpec(kind="invite-approval"))
    invite(work, "mia@acme.test", InviteRequest("zed@x.test"))
    invite(work, ADA, InviteRequest("zed@x.test", "billing_manager"))
    with work(write=False) as ctx:
        statuses = ctx.session.exec(select(ApprovalRequest.status)).all()
    assert statuses == ["withdrawn"]


def test_token_visibility(work: Any, team: Any) -> None:
    invite(work, "mia@acme.test", InviteRequest("zed@x.test"))
    seen = {}
    for actor in (ADA, "mia@acme.test", "max@acme.test", "bill@acme.test"):
        with work(as_=actor, write=False) as ctx:
            (invitation,) = invitations.list_invitations(ctx, status="pending")
            seen[actor] = invitations.token_visible(ctx, invitation)
    assert seen == {
        ADA: True,
        "mia@acme.test": True,
        "max@acme.test": False,
        "bill@acme.test": False,
    }
