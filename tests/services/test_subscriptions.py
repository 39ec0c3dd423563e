"""services.subscriptions: cycles, renewals, lapses, refunds and the switch (SPEC §1.7)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from fpctl.clock import parse_instant
from fpctl.errors import RuleViolation
from fpctl.services.context import Context
from fpctl.services.due import SUBSCRIPTION_RENEW
from fpctl.services.money import ledger, marketplace, payment_methods, subscriptions
from fpctl.services.team import inviting
from fpctl.services.team.inviting import InviteRequest
from fpctl.store.bulk import driver_sql, instant_param
from fpctl.store.tables import (
    ApprovalRequest,
    AuditRecord,
    Invitation,
    Invoice,
    LedgerEntry,
    Member,
)

ADA = {"as_": "ada@acme.test"}
OPERATOR = {"account": "acme"}
AT = parse_instant("2026-11-01T10:00:00Z")


def at(text: str) -> Any:
    return parse_instant(text)


def subscribe_at(work: Any, when: str) -> subscriptions.Subscription:
    with work(**ADA, now=when) as ctx:
        return subscriptions.subscribe(ctx)


def renew(work: Any, when: str) -> int:
    """Run the renewal settler alone, as of ``when``."""
    with work(now=AT) as ctx:
        return subscriptions.renew_due(Context.system(ctx.session, at(when)))


def charges(work: Any) -> list[tuple[str, str, int]]:
    """(issued_at date, description, amount) of every subscription invoice, oldest first."""
    with work(**OPERATOR, now=AT, write=False) as ctx:
        found = ctx.session.exec(
            select(Invoice).where(Invoice.purpose == "subscription").order_by(col(Invoice.id))
        ).all()
        return [(i.issued_at.date().isoformat(), i.description, i.amount_cents) for i in found]


def current(work: Any) -> subscriptions.Subscription:
    with work(**OPERATOR, now=AT, write=False) as ctx:
        return subscriptions.show(ctx)


# -- renewals -------------------------------------------------------------------------------


def test_a_renewal_is_due_exactly_at_the_end_of_the_cycle(work: Any, shop: Any) -> None:
    subscribe_at(work, "2026-11-01T10:00:00Z")

    assert renew(work, "2026-12-01T09:59:59Z") == 0
    assert renew(work, "2026-12-01T10:00:00Z") == 1
    assert renew(work, "2026-12-01T10:00:00Z") == 0

    assert [c[0] for c in charges(work)] == ["2026-11-01", "2026-12-01"]
    assert current(work).renews_at == at("2027-01-01T10:00:00Z")


def test_the_due_probe_agrees_with_the_settler(work: Any, shop: Any) -> None:
    subscribe_at(work, "2026-11-01T10:00:00Z")
    with work(now=AT) as ctx:
        connection = ctx.session.connection()
        probe = driver_sql(connection, SUBSCRIPTION_RENEW)

        def due(at: str) -> Any:
            stamp = instant_param(connection, parse_instant(at))
            return connection.exec_driver_sql(probe, (stamp,)).first()

        assert due("2026-12-01T09:59:59Z") is None
        assert due("2026-12-01T10:00:00Z")


@pytest.mark.parametrize(
    ("start", "renewals"),
    [
        # 30-, 31- and 28-day months
        ("2026-11-10T08:00:00Z", ["2026-12-10", "2027-01-10", "2027-02-10", "2027-03-10"]),
        # a plan started on 31 January: 28 February, then 31 March (not 28 March)
        ("2027-01-31T12:00:00Z", ["2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"]),
        # the same in a leap year: 29 February
        ("2028-01-31T12:00:00Z", ["2028-02-29", "2028-03-31", "2028-04-30", "2028-05-31"]),
    ],
)
def test_cycles_follow_the_start_date(
    work: Any, shop: Any, start: str, renewals: list[str]
) -> None:
    subscribe_at(work, start)
    last = at(renewals[-1] + start[10:])

    assert renew(work, last.isoformat()) == len(renewals)  # missed cycles caught up

    assert [c[0] for c in charges(work)] == [start[:10], *renewals]


def test_a_plan_started_on_29_february_renews_on_the_29th_and_28th(work: Any, shop: Any) -> None:
    subscribe_at(work, "2028-02-29T09:00:00Z")

    renew(work, "2029-03-29T09:00:00Z")

    dates = [c[0] for c in charges(work)]
    assert dates[:3] == ["2028-02-29", "2028-03-29", "2028-04-29"]
    assert dates[-2:] == ["2029-02-28", "2029-03-29"]
    assert len(dates) == 14
    assert current(work).renews_at == at("2029-04-29T09:00:00Z")


def test_each_missed_cycle_is_charged_at_its_own_start(work: Any, shop: Any) -> None:
    subscribe_at(work, "2026-11-01T10:00:00Z")

    assert renew(work, "2027-02-15T00:00:00Z") == 3

    assert charges(work)[1:] == [
        ("2026-12-01", "Advanced plan, 2026-12-01 to 2027-01-01", 12900),
        ("2027-01-01", "Advanced plan, 2027-01-01 to 2027-02-01", 12900),
        ("2027-02-01", "Advanced plan, 2027-02-01 to 2027-03-01", 12900),
    ]
    with work(**OPERATOR, now=AT, write=False) as ctx:
        renewed = ctx.session.exec(
            select(AuditRecord).where(AuditRecord.action == "subscription.renew")
        ).all()
    assert [r.actor for r in renewed] == ["system"] * 3


def test_with_no_payment_method_the_plan_lapses(work: Any, shop: Any) -> None:
    subscribe_at(work, "2026-11-01T10:00:00Z")
    with work(**ADA) as ctx:
        payment_methods.remove(ctx, 1)

    assert renew(work, "2027-01-15T00:00:00Z") == 1

    lapsed = current(work)
    assert (lapsed.plan, lapsed.started_at, lapsed.renews_at) == ("basic", None, None)
    assert len(charges(work)) == 1
    with work(**OPERATOR, now=AT, write=False) as ctx:
        [record] = ctx.session.exec(
            select(AuditRecord).where(AuditRecord.action == "subscription.lapse")
        ).all()
    assert record.actor == "system"
    assert json.loads(record.changes)["plan"] == ["advanced", "basic"]


# -- subscribe and cancel -------------------------------------------------------------------


def test_subscribing_leaves_credits_and_balance_alone(work: Any, shop: Any) -> None:
    with work(**ADA) as ctx:
        account = ctx.the_account
        ledger.move_credits(ctx.session, account, 5000, kind="reward", now=AT, description="gift")
        card = payment_methods.default_method(ctx.session, account.id)
        assert card is not None
        ledger.deposit(ctx.session, account, 100_000, card, now=AT, description="deposit")
        ctx.record_on_account(ctx.the_account, action="test.money", changes={})  # covers it
    done = subscribe_at(work, "2026-11-01T10:00:00Z")
    with work(**OPERATOR, now=AT, write=False) as ctx:
        account = ctx.the_account
        entry = ctx.session.exec(select(LedgerEntry).order_by(col(LedgerEntry.id).desc())).first()
    assert (account.credits_cents, account.balance_cents) == (5000, 100_000)
    assert entry is not None
    assert (entry.credits_cents, entry.balance_cents, entry.method_cents) == (0, 0, 12900)
    assert done.invoice_id == entry.invoice_id


@pytest.mark.parametrize(
    ("when", "unused_seconds", "cycle_seconds"),
    [
        ("2026-11-16T10:00:00Z", 15 * 86400, 30 * 86400),
        ("2026-11-01T10:00:01Z", 30 * 86400 - 1, 30 * 86400),
        ("2026-11-30T10:00:00Z", 86400, 30 * 86400),
        # the second cycle (December: 31 days), ten days in
        ("2026-12-11T10:00:00Z", 21 * 86400, 31 * 86400),
    ],
)
def test_the_refund_is_the_unused_part_of_the_cycle_rounded_down(
    work: Any, shop: Any, when: str, unused_seconds: int, cycle_seconds: int
) -> None:
    subscribe_at(work, "2026-11-01T10:00:00Z")
    with work(**ADA, now=when) as ctx:
        done = subscriptions.cancel(ctx)
        balance = ctx.the_account.balance_cents

    assert done.refund_cents == 12900 * unused_seconds // cycle_seconds
    assert balance == done.refund_cents


# -- the switch -----------------------------------------------------------------------------


def _credits(work: Any, cents: int) -> None:
    with work(**ADA) as ctx:
        ledger.move_credits(
            ctx.session, ctx.the_account, cents, kind="reward", now=AT, description="credits"
        )
        ctx.record_on_account(ctx.the_account, action="test.money", changes={})  # covers it


def test_credits_are_set_aside_and_restored(work: Any, shop: Any) -> None:
    _credits(work, 7_500)
    with work(**ADA) as ctx:
        gone = marketplace.switch(ctx, "fiverr")
        assert (ctx.the_account.credits_cents, gone.credits_set_aside_cents) == (0, 7_500)
    with work(**ADA, now=AT + timedelta(days=3)) as ctx:
        back = marketplace.switch(ctx, "basic")
        assert (ctx.the_account.credits_cents, back.credits_set_aside_cents) == (7_500, 0)
    with work(**OPERATOR, now=AT, write=False) as ctx:
        kinds = ctx.session.exec(
            select(LedgerEntry.kind, LedgerEntry.credits_cents).order_by(col(LedgerEntry.id))
        ).all()
        records = ctx.session.exec(
            select(AuditRecord)
            .where(AuditRecord.action == "subscription.switch")
            .order_by(col(AuditRecord.id))
        ).all()
    assert list(kinds)[-2:] == [("set_aside", -7_500), ("restore", 7_500)]
    assert [json.loads(r.changes)["status"] for r in records] == [
        ["active", "switched"],
        ["switched", "active"],
    ]


def test_the_switch_withdraws_invitations_and_their_requests(work: Any, team: Any) -> None:
    from fpctl.services.team import policies
    from fpctl.services.team.policies import PolicySpec

    with work(**ADA) as ctx:
        policies.add(ctx, PolicySpec(kind="invite-approval"))
    with work(as_="mia@acme.test") as ctx:
        inviting.invite_many(ctx, [InviteRequest("held@x.test")])
    with work(**ADA) as ctx:
        done = marketplace.switch(ctx, "fiverr")
    assert done.invitations_withdrawn == 1
    with work(**OPERATOR, now=AT, write=False) as ctx:
        invitation = ctx.session.exec(select(Invitation).order_by(col(Invitation.id))).all()[-1]
        request = ctx.session.exec(select(ApprovalRequest)).one()
        still_active = ctx.session.exec(select(Member.email).where(Member.status == "active"))
        assert list(still_active) == ["ada@acme.test"]
    assert (invitation.email, invitation.status) == ("held@x.test", "withdrawn")
    assert request.status == "withdrawn"


def test_a_refused_switch_back_to_advanced_changes_nothing(work: Any, team: Any) -> None:
    with work(**ADA) as ctx:
        marketplace.switch(ctx, "fiverr")
    with pytest.raises(RuleViolation) as refused, work(**ADA) as ctx:
        marketplace.switch(ctx, "advanced")
    assert refused.value.code == "no_payment_method"
    assert current(work).status == "switched"
