"""``order next`` for cancellation: the buyer's lone cancel and the mutual cancellation
request, open or to be made (SPEC §1.5)."""

from __future__ import annotations

from fpctl.clock import iso
from fpctl.domain.enums import MemberStatus
from fpctl.domain.orders import (
    OrderStatus,
    buyer_may_cancel_alone,
)
from fpctl.services.orders.cancellations import BUYER
from fpctl.services.orders.next_plan import (
    BUYER_WHO,
    FREELANCER_WHO,
    TIME_WHO,
    Plan,
)
from fpctl.services.orders.visibility import Hold
from fpctl.store.tables import (
    Member,
    OrderCancellation,
)


def cancel_alone(plan: Plan) -> None:
    order = plan.order
    if not buyer_may_cancel_alone(order.status, order.due_at, plan.now):
        return
    why = (
        "before the requirements are submitted"
        if order.status in (OrderStatus.AWAITING_APPROVAL, OrderStatus.AWAITING_REQUIREMENTS)
        else "the order is 24 hours or more past its due date"
    )
    plan.add(
        "cancel",
        BUYER_WHO,
        argv=[*plan.order_argv("cancel"), *plan.buyer],
        note=f"the buyer may cancel alone ({why}); everything paid is refunded",
    )


def cancel_requests(plan: Plan) -> None:
    if plan.order.status == OrderStatus.AWAITING_APPROVAL:
        return  # nothing charged or started: the admin rejects it instead (cancellations)
    note = "ask the other side to cancel; unanswered for 48 h it is accepted on its own"
    for who, flags_ in ((BUYER_WHO, plan.buyer), (FREELANCER_WHO, plan.seller)):
        plan.add(
            "cancel-request",
            who,
            argv=[*plan.order_argv("cancel-request"), "--reason", "TEXT", *flags_],
            note=note,
        )


def requester_flags(plan: Plan, request: Hold) -> list[str]:
    """The flags the requester of an open request (cancellation or dispute) acts with."""
    if request.side != BUYER:
        return plan.seller
    if request.requested_by_id is not None:
        requester = plan.ctx.session.get(Member, request.requested_by_id)
        if requester is not None and requester.status == MemberStatus.ACTIVE:
            return ["--as", requester.email]
    if request.requested_by.startswith("support:"):
        return plan.support
    return plan.buyer


def open_request(plan: Plan, request: OrderCancellation) -> None:
    """On hold: the other side answers, the requester may withdraw, or time accepts it."""
    answers(
        plan,
        request,
        verb="cancel",
        accepted=f"cancellation requested by {request.requested_by}: accept it, the order is "
        "cancelled and everything paid refunded",
        back=f"the order goes back to {request.order_status}",
        by_time=(
            "cancel-auto-accept",
            "unanswered by then, the request is accepted: the order is cancelled and refunded",
        ),
    )


def answers(
    plan: Plan, request: Hold, *, verb: str, accepted: str, back: str, by_time: tuple[str, str]
) -> None:
    """The steps of an open request (cancellation or dispute): the other side accepts or
    declines, the requester withdraws, or the clock settles it (``by_time``: its action and
    note)."""
    answering = (FREELANCER_WHO, plan.seller) if request.side == BUYER else (BUYER_WHO, plan.buyer)
    requester_who = BUYER_WHO if request.side == BUYER else FREELANCER_WHO
    by = request.expires_at
    for answer, note in (("accept", accepted), ("decline", f"decline it: {back}")):
        action = f"{verb}-{answer}"
        plan.add(
            action, answering[0], by=by, argv=[*plan.order_argv(action), *answering[1]], note=note
        )
    withdraw = f"{verb}-withdraw"
    plan.add(
        withdraw,
        requester_who,
        by=by,
        argv=[*plan.order_argv(withdraw), *requester_flags(plan, request)],
        note=f"withdraw it: {back}",
    )
    plan.add(by_time[0], TIME_WHO, by=by, note=by_time[1])


def held(request: OrderCancellation) -> str:
    return (
        f"{request.requested_by} asked to cancel it; only the request can move until "
        f"{iso(request.expires_at)}"
    )
