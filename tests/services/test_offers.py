"""services.orders.offers and offer_answers: custom offers sent by a freelancer, accepted
through checkout with every policy, declined, withdrawn, or expired by the clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from fpctl.clock import parse_instant
from fpctl.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from fpctl.services import settle
from fpctl.services.orders import offer_answers, offers
from fpctl.services.orders.offers import OfferSpec
from fpctl.store.tables import AuditRecord, Offer, Order, OrderMilestone
from tests.conftest import changes_nothing
from tests.services.test_checkout import add_policy, counts, fund, order_invoices

AT = parse_instant("2026-11-01T10:00:00Z")
SECOND = timedelta(seconds=1)
LENA = {"as_": "@lena", "account": "acme"}
OTTO = {"as_": "@otto"}
ADA = {"as_": "ada@acme.test"}
BILL = {"as_": "bill@acme.test"}
MIA = {"as_": "mia@acme.test"}
MAX = {"as_": "max@acme.test"}
SUPPORT = {"as_": "support", "account": "acme", "reason": "ticket 7"}


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def send(work: Any, actor: dict[str, Any] = LENA, now: Any = AT, **spec: Any) -> Offer:
    if not {"amount", "milestones", "hourly"} & spec.keys():
        spec.setdefault("amount", "120")
    if "hourly" not in spec:
        spec.setdefault("days", 5)
    with work(**actor, now=now) as ctx:
        offer = offers.send(ctx, OfferSpec(**spec))
        ctx.session.flush()
        ctx.session.expunge(offer)
        return offer


def answer(work: Any, verb: str, offer_id: int, actor: dict[str, Any], now: Any = AT) -> Offer:
    with work(**actor, now=now) as ctx:
        done = getattr(offer_answers, verb)(ctx, offer_id)
        offer = done[0] if isinstance(done, tuple) else done
        ctx.session.flush()
        ctx.session.expunge(offer)
        return offer


def load(work: Any, table: Any, row_id: int | None, now: Any = AT) -> Any:
    with work(write=False, now=now) as ctx:
        row = ctx.session.get(table, row_id)
        ctx.session.expunge_all()
        return row


def actions(work: Any, prefix: str) -> list[tuple[str, str, str]]:
    with work(write=False) as ctx:
        rows = ctx.session.exec(select(AuditRecord).order_by(AuditRecord.id)).all()
        return [(r.action, r.actor, r.target) for r in rows if r.action.startswith(prefix)]


# -- sending -------------------------------------------------------------------------------


def test_an_offer_to_the_account_and_one_to_a_member(shop: Any, work: Any) -> None:
    offer = send(work, title="Logo pack", description="three logos", revisions=2)
    assert (offer.status, offer.kind, offer.total_cents, offer.member_id) == (
        "pending",
        "fixed",
        12000,
        None,
    )
    assert (offer.title, offer.delivery_days, offer.revisions) == ("Logo pack", 5, 2)
    assert offer.expires_at == AT + timedelta(days=14)
    # a member's email alone names the account
    addressed = send(work, {"as_": "@lena"}, member="MIA@acme.test", expires_in=3)
    assert load(work, Offer, addressed.id).expires_at == AT + timedelta(days=3)
    assert actions(work, "offer.") == [
        ("offer.send", "@lena", f"offer:{offer.id}"),
        ("offer.send", "@lena", f"offer:{addressed.id}"),
    ]


def test_who_may_send_and_to_whom(shop: Any, work: Any) -> None:
    for actor in (MIA, ADA, SUPPORT):
        with pytest.raises(PermissionDenied):
            send(work, actor)
    with pytest.raises(InvalidInput):  # no account named
        send(work, {"as_": "@lena"})
    with pytest.raises(NotFound):
        send(work, member="nobody@acme.test")
    with work(**ADA) as ctx:
        from fpctl.services.team import members

        members.deactivate(ctx, "max@acme.test")
    with pytest.raises(RuleViolation) as raised:
        send(work, member="max@acme.test")
    assert raised.value.code == "member_inactive"
    with pytest.raises(RuleViolation) as raised:  # otto is not a Pro freelancer
        send(work, {"as_": "@otto", "account": "acme"}, hourly=True, rate="40", estimate=10)
    assert raised.value.code == "pro_only"


def test_a_switched_account_receives_no_offers(shop: Any, work: Any) -> None:
    with work(**ADA) as ctx:
        ctx.the_account.status = "switched"
        ctx.session.add(ctx.the_account)
    with pytest.raises(RuleViolation) as raised:
        send(work)
    assert raised.value.code == "account_switched"


# -- accepting: checkout with every policy --------------------------------------------------


def test_accepting_places_the_offers_order(shop: Any, work: Any) -> None:
    offer = send(work, title="Logo pack", revisions=2, days=5)
    accepted = answer(work, "accept", offer.id, MIA, now=AT + timedelta(hours=1))
    assert (accepted.status, accepted.closed_by) == ("accepted", "mia@acme.test")
    order = load(work, Order, accepted.order_id)
    assert (order.status, order.kind, order.title, order.total_cents, order.paid_cents) == (
        "awaiting_requirements",
        "fixed",
        "Logo pack",
        12000,
        12000,
    )
    assert (order.placed_by, order.revisions_included) == ("mia@acme.test", 2)
    assert order.due_at == AT + timedelta(days=5, hours=1)
    assert order_invoices(work, order.id) == [("invoice", 12000)]
    assert [a for a, _, _ in actions(work, "o")] == ["offer.send", "order.place", "offer.accept"]


def test_milestone_and_hourly_offers_become_such_orders(shop: Any, work: Any) -> None:
    staged = send(work, milestones=["Sketch=30", "Final=70.50"], days=10)
    order = load(work, Order, answer(work, "accept", staged.id, MIA).order_id)
    assert (order.kind, order.total_cents, order.paid_cents) == ("milestones", 10050, 3000)
    with work(write=False) as ctx:
        rows = ctx.session.exec(
            select(OrderMilestone)
            .where(OrderMilestone.order_id == order.id)
            .order_by(col(OrderMilestone.position))
        )
        assert [(m.title, m.amount_cents) for m in rows] == [("Sketch", 3000), ("Final", 7050)]
    hourly = send(work, hourly=True, rate="60", weekly_limit=10, estimate=20)
    order = load(work, Order, answer(work, "accept", hourly.id, MIA).order_id)
    assert (order.kind, order.hourly_rate_cents, order.weekly_limit_hours) == ("hourly", 6000, 10)
    assert (order.estimate_hours, order.paid_cents, order.due_at) == (20, 500, None)


def test_an_approval_policy_holds_the_accepted_offers_order(shop: Any, work: Any) -> None:
    add_policy(work, "order-approval", over="100")
    offer = answer(work, "accept", send(work).id, MIA)
    assert offer.status == "accepted"
    order = load(work, Order, offer.order_id)
    assert (order.status, order.paid_cents) == ("awaiting_approval", 0)
    # the admin is never held
    assert (
        load(work, Order, answer(work, "accept", send(work).id, ADA).order_id).paid_cents == 12000
    )


def test_a_refusing_purchase_limit_leaves_the_offer_pending(shop: Any, work: Any) -> None:
    add_policy(
        work, "purchase-limit", amount="100", per="order", applies_to="members", advanced=True
    )
    offer = send(work)
    before = counts(work)
    with changes_nothing(), pytest.raises(RuleViolation) as raised:
        answer(work, "accept", offer.id, MIA)
    assert raised.value.code == "purchase_limit_exceeded"
    assert counts(work) == before
    assert load(work, Offer, offer.id).status == "pending"


def test_a_purchase_limit_in_approval_mode_holds_the_order(shop: Any, work: Any) -> None:
    add_policy(work, "purchase-limit", amount="100", per="order", applies_to="members",
               mode="approval", advanced=True)  # fmt: skip
    offer = answer(work, "accept", send(work).id, MIA)
    assert load(work, Order, offer.order_id).status == "awaiting_approval"


def test_a_failed_payment_leaves_the_offer_pending(shop: Any, work: Any) -> None:
    fund(work, card=False)
    offer = send(work)
    with changes_nothing(), pytest.raises(RuleViolation) as raised:
        answer(work, "accept", offer.id, MIA)
    assert raised.value.code == "insufficient_funds"
    assert load(work, Offer, offer.id).status == "pending"


def test_the_order_goes_in_the_project_named(shop: Any, work: Any) -> None:
    from fpctl.services.team import projects

    with work(**MIA) as ctx:
        project_id = projects.create(ctx, "Brand", private=True).id
    offer_id = send(work).id
    with work(**MIA) as ctx:
        _, placed = offer_answers.accept(ctx, offer_id, project_id=project_id)
        assert placed.order.project_id == project_id


# -- who answers ----------------------------------------------------------------------------


def test_an_addressed_offer_is_accepted_by_its_member_only(shop: Any, work: Any) -> None:
    offer = send(work, member="mia@acme.test")
    with pytest.raises(NotFound):  # another member does not see it
        answer(work, "accept", offer.id, MAX)
    for actor in (ADA, BILL, SUPPORT):
        with pytest.raises(PermissionDenied) as raised:
            answer(work, "accept", offer.id, actor)
        assert raised.value.code == "not_addressee"
    with pytest.raises(PermissionDenied):
        answer(work, "decline", offer.id, BILL)
    assert answer(work, "accept", offer.id, MIA).status == "accepted"


def test_the_admin_and_support_may_decline_an_addressed_offer(shop: Any, work: Any) -> None:
    for actor in (ADA, SUPPORT, MIA):
        offer = send(work, member="mia@acme.test")
        declined = answer(work, "decline", offer.id, actor)
        assert (declined.status, declined.closed_by) == ("declined", load_label(actor))


def load_label(actor: dict[str, Any]) -> str:
    return "support:sam" if actor["as_"] == "support" else actor["as_"]


def test_decline_keeps_its_reason_and_closes_the_offer(shop: Any, work: Any) -> None:
    offer = send(work)
    with pytest.raises(PermissionDenied):  # the freelancer does not decline their own
        answer(work, "decline", offer.id, LENA)
    with work(**MIA) as ctx:
        offer_answers.decline(ctx, offer.id, "over budget")
    declined = load(work, Offer, offer.id)
    assert (declined.status, declined.decline_reason, declined.closed_at) == (
        "declined",
        "over budget",
        AT,
    )
    for verb, actor in (("accept", MIA), ("decline", MAX), ("withdraw", LENA)):
        with pytest.raises(RuleViolation) as raised:
            answer(work, verb, offer.id, actor)
        assert raised.value.code == "offer_closed"


def test_only_its_freelancer_withdraws_a_pending_offer(shop: Any, work: Any) -> None:
    offer = send(work)
    with pytest.raises(NotFound):
        answer(work, "withdraw", offer.id, OTTO)
    with pytest.raises(PermissionDenied):
        answer(work, "withdraw", offer.id, MIA)
    assert answer(work, "withdraw", offer.id, LENA).status == "withdrawn"
    with pytest.raises(RuleViolation) as raised:
        answer(work, "accept", offer.id, MIA)
    assert raised.value.code == "offer_closed"
    assert "withdrawn" in str(raised.value)


# -- who sees what --------------------------------------------------------------------------


def ids_seen(work: Any, actor: dict[str, Any]) -> list[int]:
    with work(**actor, write=False) as ctx:
        return [o.id for o in offers.list_offers(ctx)]


def test_visibility(shop: Any, work: Any) -> None:
    to_all = send(work).id
    to_mia = send(work, member="mia@acme.test").id
    to_max = send(work, member="max@acme.test").id
    by_otto = send(work, {"as_": "@otto", "account": "acme"}).id
    everything = [to_all, to_mia, to_max, by_otto]
    for actor in (ADA, BILL, SUPPORT, {"account": "acme"}):
        assert ids_seen(work, actor) == everything
    assert ids_seen(work, MIA) == [to_all, to_mia, by_otto]
    assert ids_seen(work, {"as_": "@lena"}) == [to_all, to_mia, to_max]
    assert ids_seen(work, OTTO) == [by_otto]
    with work(**MIA, write=False) as ctx, pytest.raises(NotFound):
        offers.find(ctx, to_max)
    with work(**OTTO, write=False) as ctx, pytest.raises(NotFound):
        offers.find(ctx, to_all)


def test_another_accounts_offer_is_not_found(shop: Any, work: Any) -> None:
    from fpctl.services.team import accounts

    with work(**SUPPORT) as ctx:
        accounts.create(ctx, name="Beta", admin_email="bea@beta.test", slug="beta")
    offer = send(work, {"as_": "@lena", "account": "beta"})
    for actor in (ADA, MIA, SUPPORT, LENA):
        with work(**actor, write=False) as ctx, pytest.raises(NotFound):
            offers.find(ctx, offer.id)
    for actor in (ADA, MIA, SUPPORT):
        with pytest.raises(NotFound):
            answer(work, "decline", offer.id, actor)
    assert ids_seen(work, ADA) == []


# -- the clock -------------------------------------------------------------------------------


def test_a_pending_offer_expires_at_its_expiry(shop: Any, work: Any) -> None:
    offer = send(work, expires_in=2)
    expiry = AT + timedelta(days=2)
    with work(now=expiry - SECOND) as ctx:
        assert settle.settle_due(ctx.session, ctx.now)["offer.expire"] == 0
    last_second = send(work, expires_in=2).id
    assert answer(work, "accept", last_second, MIA, now=expiry - SECOND).status == "accepted"
    with pytest.raises(RuleViolation) as raised:  # the unit of work settled it first
        answer(work, "accept", offer.id, MIA, now=expiry)
    assert raised.value.code == "offer_closed"
    assert "is expired" in str(raised.value)
    # the refused change rolled back with what it settled; a read settles it for good
    expired = load(work, Offer, offer.id, now=expiry)
    assert (expired.status, expired.closed_at, expired.closed_by) == ("expired", expiry, "system")
    assert actions(work, "offer.expire") == [("offer.expire", "system", f"offer:{offer.id}")]
    with work(now=expiry + timedelta(days=1)) as ctx:
        assert settle.settle_due(ctx.session, ctx.now)["offer.expire"] == 0  # once only


def test_answered_offers_never_expire(shop: Any, work: Any) -> None:
    declined = send(work, expires_in=1)
    answer(work, "decline", declined.id, MIA)
    with work(now=AT + timedelta(days=30)) as ctx:
        assert settle.settle_due(ctx.session, ctx.now)["offer.expire"] == 0
    assert load(work, Offer, declined.id).status == "declined"
