"""Reviews, the guarantee refund and `order next` at the service level (SPEC §1.5, §1.6)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from fpctl import clock
from fpctl.errors import InvalidInput, PermissionDenied, RuleViolation
from fpctl.services.orders import checkout, lifecycle, next_steps, refunds, reviews
from fpctl.store.tables import Order
from tests.conftest import NOW

ADA = "ada@acme.test"
Work = Callable[..., Any]


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def completed(work: Work, **extra: Any) -> int:
    request = checkout.OrderRequest(freelancer="lena", **(extra or {"service_id": 1}))
    with work(as_=ADA) as ctx:
        order_id = checkout.place(ctx, request).order.id
        lifecycle.submit_requirements(ctx, order_id, "a logo")
    with work(as_="@lena") as ctx:
        lifecycle.deliver(ctx, order_id)
    with work(as_=ADA) as ctx:
        lifecycle.accept(ctx, order_id)
    return int(order_id)


def test_the_guarantee_window_ends_14_days_after_completion(work: Work, shop: Any) -> None:
    fixed = completed(work)
    hourly = completed(work, hourly=True, rate="20", estimate=10)

    with work(write=False, account="acme") as ctx:
        ends = refunds.guarantee_ends(ctx.session.get(Order, fixed))
        assert ends == clock.parse_instant(NOW) + timedelta(days=14)
        assert refunds.guarantee_ends(ctx.session.get(Order, hourly)) is None


def test_a_refund_changes_nothing_when_refused(work: Work, shop: Any) -> None:
    order_id = completed(work)
    late = clock.parse_instant(NOW) + timedelta(days=14, seconds=1)

    support = work(as_="support", account="acme", reason="ticket", now=late)
    with pytest.raises(RuleViolation) as refused, support as ctx:
        refunds.refund(ctx, order_id)
    assert refused.value.code == "guarantee_expired"
    with work(write=False, account="acme") as ctx:
        assert ctx.session.get(Order, order_id).refunded_cents == 0
        assert ctx.the_account.balance_cents == 0


def test_a_partial_refund_leaves_the_rest_refundable(work: Work, shop: Any) -> None:
    order_id = completed(work)

    with work(as_="support", account="acme", reason="ticket") as ctx:
        done = refunds.refund(ctx, order_id, amount="25.50")
        assert done.amount_cents == 2550
        assert done.invoice is not None and done.invoice.kind == "credit"
    with work(write=False, account="acme") as ctx:
        assert ctx.the_account.balance_cents == 2550
        assert ctx.session.get(Order, order_id).status == "completed"


def test_the_rating_is_checked_before_anything_else(work: Work, shop: Any) -> None:
    with pytest.raises(InvalidInput), work(as_="@lena") as ctx:
        reviews.review(ctx, 99, rating=9)
    with pytest.raises(PermissionDenied), work(as_="@lena") as ctx:
        reviews.review(ctx, 99, rating=3)


def test_blank_review_text_is_kept_as_none(work: Work, shop: Any) -> None:
    order_id = completed(work)

    with work(as_=ADA) as ctx:
        entry = reviews.review(ctx, order_id, rating=3, text="   ")
        assert entry.text is None


def test_a_rejected_order_has_nothing_next(work: Work, shop: Any) -> None:
    from fpctl.services import approvals
    from fpctl.services.team import policies

    with work(as_=ADA) as ctx:
        policies.add(ctx, policies.PolicySpec("order-approval", over="50"))
    with work(as_="mia@acme.test") as ctx:
        placed = checkout.place(ctx, checkout.OrderRequest(freelancer="lena", service_id=1))
        assert placed.approval is not None
        order_id, request_id = placed.order.id, placed.approval.id
    with work(as_=ADA) as ctx:
        approvals.reject(ctx, request_id, None)

    with work(write=False, account="acme") as ctx:
        found = next_steps.next_steps(ctx, order_id)
    assert found.steps == []
    assert found.note == f"order {order_id} is rejected: nothing more can happen"
