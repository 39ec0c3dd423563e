"""services.settle: one pass settles everything due, and a second pass nothing (SPEC §3.6)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fpctl.clock import parse_instant
from fpctl.services import settle
from fpctl.services.team import invitations, inviting
from fpctl.services.team.inviting import InviteRequest

AT = parse_instant("2026-11-01T10:00:00Z")


ORDER_RULES_IDLE = {
    "order.cancel_auto_accept": 0,
    "order.auto_complete": 0,
    "order.hours_charge": 0,
    "offer.expire": 0,
    "subscription.renew": 0,
    "rewards.tier_review": 0,
    "order.dispute_expire": 0,
    "order.hours_auto_approve": 0,
}


def test_settle_due_reports_each_settler(work: Any, acme: str) -> None:
    with work(as_="ada@acme.test") as ctx:
        inviting.invite_many(ctx, [InviteRequest("a@x.test"), InviteRequest("b@x.test")])
    with work() as ctx:
        assert settle.settle_due(ctx.session, AT + timedelta(days=29)) == {
            "approval.expire": 0,
            "invitation.expire": 0,
            **ORDER_RULES_IDLE,
        }
        assert settle.settle_due(ctx.session, AT + timedelta(days=30)) == {
            "approval.expire": 0,
            "invitation.expire": 2,
            **ORDER_RULES_IDLE,
        }
        assert settle.settle_due(ctx.session, AT + timedelta(days=31)) == {
            "approval.expire": 0,
            "invitation.expire": 0,
            **ORDER_RULES_IDLE,
        }


def test_lazy_settlement_happens_in_every_unit_of_work(work: Any, acme: str) -> None:
    with work(as_="ada@acme.test") as ctx:
        inviting.invite_many(ctx, [InviteRequest("a@x.test")])
    with work(as_="ada@acme.test", now=AT + timedelta(days=30), write=False) as ctx:
        assert [i.status for i in invitations.list_invitations(ctx)] == ["expired"]
