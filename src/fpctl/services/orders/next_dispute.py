"""``order next`` for the dispute manager: the requests either side may make on an open
order, and the answers to an open one (``disputes``)."""

from __future__ import annotations

from fpctl.clock import iso
from fpctl.domain.money import format_cents
from fpctl.domain.orders import OrderStatus
from fpctl.services.money import order_payments
from fpctl.services.orders import disputes
from fpctl.services.orders.cancellations import BUYER, SELLER
from fpctl.services.orders.next_cancellation import answers
from fpctl.services.orders.next_plan import BUYER_WHO, FREELANCER_WHO, Plan
from fpctl.store.tables import OrderDispute

_PROPOSALS = {
    disputes.MORE_TIME: (["--more-time", "--due", "DATE"], "ask for a later due date"),
    disputes.MODIFICATION: (["--modification", "TEXT"], "ask for a modification of the work"),
    disputes.REFUND: (["--refund", "AMOUNT"], "propose a partial refund"),
}


def proposals(plan: Plan) -> None:
    """What each side may propose now (none on an order awaiting approval)."""
    order = plan.order
    if order.status == OrderStatus.AWAITING_APPROVAL:
        return
    left = order_payments.refundable_cents(order)
    for kind, (flags, what) in _PROPOSALS.items():
        if order.status not in disputes.STATUSES[kind] or (kind == disputes.REFUND and left <= 0):
            continue
        note = f"{what} (up to {format_cents(left)})" if kind == disputes.REFUND else what
        for side, who, actor in (
            (BUYER, BUYER_WHO, plan.buyer),
            (SELLER, FREELANCER_WHO, plan.seller),
        ):
            if side in disputes.SIDES[kind]:
                plan.add(
                    "dispute",
                    who,
                    argv=[*plan.order_argv("dispute"), *flags, "--reason", "TEXT", *actor],
                    note=f"{note}; the other side answers within 48 h, else it expires",
                )


def open_request(plan: Plan, dispute: OrderDispute) -> None:
    """On hold: the other side answers, the requester may withdraw, or it expires."""
    answers(
        plan,
        dispute,
        verb="dispute",
        accepted=f"{disputes.summary(dispute)} asked by {dispute.requested_by}: accept it, "
        f"and {disputes.outcome(dispute)}",
        back=f"the order goes on as {dispute.order_status}",
        by_time=(
            "dispute-expire",
            "unanswered by then, the request expires: nothing is agreed, the order goes on",
        ),
    )


def held(dispute: OrderDispute) -> str:
    return (
        f"{dispute.requested_by} asked for {disputes.summary(dispute)}; only the request can "
        f"move until {iso(dispute.expires_at)}"
    )
