"""services.rewards: the 365-day spend window, points at the tier before, clawbacks capped,
the tier review, and redemptions on a switched account (SPEC §1.9)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from fpctl.clock import parse_instant
from fpctl.errors import RuleViolation
from fpctl.services.context import Context
from fpctl.services.money import redemptions, rewards
from fpctl.store.tables import Account, Order, RewardEntry
from tests.conftest import NOW, Cli

AT = parse_instant(NOW)
ADA = ("--as", "ada@acme.test")
LENA = ("--as", "@lena")


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.stderr
    return result


def placed(cli: Cli, *args: str, now: str = NOW) -> str:
    result = cli("order", "place", "--freelancer", "lena", *args, *ADA, "--now", now, "-o", "json")
    return str(ok(result).json["id"])


def completed(cli: Cli, amount: str, *, now: str = NOW) -> int:
    order_id = placed(cli, "--amount", amount, now=now)
    for step, actor in (("requirements", ADA), ("deliver", LENA), ("accept", ADA)):
        extra = ("brief",) if step == "requirements" else ()
        ok(cli("order", step, order_id, *extra, *actor, "--now", now))
    return int(order_id)


def acme(ctx: Any) -> Account:
    account = ctx.session.exec(select(Account).where(Account.slug == "acme")).one()
    return account


def entries(ctx: Any) -> list[RewardEntry]:
    return list(ctx.session.exec(select(RewardEntry).order_by(RewardEntry.id)).all())


def test_the_window_is_the_last_365_days_up_to_now(cli: Cli, work: Any, shop: Any) -> None:
    completed(cli, "1000")
    with work(write=False) as ctx:
        account = acme(ctx)
        year = timedelta(days=365)
        assert rewards.spend_365d(ctx.session, account, AT) == 100_000
        assert rewards.spend_365d(ctx.session, account, AT - timedelta(seconds=1)) == 0
        assert rewards.spend_365d(ctx.session, account, AT + year - timedelta(seconds=1)) == 100_000
        assert rewards.spend_365d(ctx.session, account, AT + year) == 0
        assert (account.tier, account.tier_review_at) == ("gold", AT + year)


def test_a_silver_account_has_no_tier_review(cli: Cli, work: Any, shop: Any) -> None:
    completed(cli, "999.99")
    with work(write=False) as ctx:
        assert (acme(ctx).tier, acme(ctx).tier_review_at) == ("silver", None)


def test_the_review_recomputes_once_and_moves_to_the_next_order(
    cli: Cli, work: Any, shop: Any
) -> None:
    completed(cli, "700")
    second = AT + timedelta(days=30)
    completed(cli, "700", now="2026-12-01T10:00:00Z")
    completed(cli, "700", now="2027-01-01T10:00:00Z")
    year = timedelta(days=365)
    with work(write=False, now=AT + timedelta(days=40)) as ctx:
        assert (acme(ctx).tier, acme(ctx).tier_review_at) == ("gold", AT + year)
    with work(now=AT) as ctx:
        assert rewards.review_due(Context.system(ctx.session, AT + year)) == 1
        assert rewards.review_due(Context.system(ctx.session, AT + year)) == 0
        account = acme(ctx)
        assert (account.tier, account.tier_review_at) == ("gold", second + year)
        assert rewards.review_due(Context.system(ctx.session, second + year)) == 1
        assert (account.tier, account.tier_review_at) == ("silver", None)


def test_an_auto_completed_order_earns_points_by_the_system(cli: Cli, work: Any, shop: Any) -> None:
    order_id = placed(cli, "--amount", "250")
    ok(cli("order", "requirements", order_id, "brief", *ADA))
    ok(cli("order", "deliver", order_id, *LENA))
    ok(cli("tick", "--now", "2026-11-04T10:00:01Z"))
    with work(write=False, now="2026-11-04T10:00:01Z") as ctx:
        [entry] = entries(ctx)
        assert (entry.kind, entry.points, entry.by, entry.order_id) == (
            "order",
            250,
            "system",
            int(order_id),
        )


def test_a_milestone_order_earns_on_everything_paid_when_it_completes(
    cli: Cli, work: Any, shop: Any
) -> None:
    order_id = placed(cli, "--milestone", "Sketch=600", "--milestone", "Final=500.50")
    ok(cli("order", "requirements", order_id, "brief", *ADA))
    ok(cli("order", "deliver", order_id, *LENA))
    ok(cli("order", "accept", order_id, *ADA))  # first milestone accepted: no points yet
    with work(write=False) as ctx:
        assert entries(ctx) == []
    ok(cli("order", "deliver", order_id, *LENA))
    ok(cli("order", "accept", order_id, *ADA))
    with work(write=False) as ctx:
        [entry] = entries(ctx)
        assert (entry.points, entry.tier, acme(ctx).tier) == (1_100, "silver", "gold")


def test_the_clawback_follows_the_orders_net_points_and_forgives_a_shortfall(
    cli: Cli, work: Any, shop: Any
) -> None:
    order_id = completed(cli, "150.99")
    with work() as ctx:
        account = acme(ctx)
        order = ctx.session.get(Order, order_id)
        account.points = 40  # as if most were redeemed
        order.refunded_cents += 5_050  # 150.99 -> 100.49: the order's points 150 -> 100
        assert rewards.on_refund(ctx.session, order, 5_050, AT) == 40  # capped: never negative
        account.points = 500  # points earned elsewhere since
        order.refunded_cents += 5_050  # 100.49 -> 49.99: 100 -> 49
        assert (
            rewards.on_refund(ctx.session, order, 5_050, AT) == 51
        )  # the shortfall stays forgiven
        order.refunded_cents += 4_999
        assert rewards.on_refund(ctx.session, order, 4_999, AT) == 49
        assert account.points == 500 - 51 - 49
        clawed = [e.points for e in entries(ctx) if e.kind == "clawback"]
        assert clawed == [-40, -51, -49]


def test_a_switched_account_cannot_redeem(cli: Cli, work: Any, shop: Any) -> None:
    completed(cli, "1000")
    with work() as ctx:
        acme(ctx).status = "switched"
    with work(as_="ada@acme.test") as ctx:
        with pytest.raises(RuleViolation) as refused:
            redemptions.redeem(ctx, 1_000, "credits")
        assert refused.value.code == "account_switched"
        assert (acme(ctx).points, acme(ctx).credits_cents) == (1_000, 0)
        assert [e.kind for e in entries(ctx)] == ["order"]
