"""The dispute manager (seeds 001/003, "Gestionnaire de litiges"): settling a problem with
the other party on an open order before contacting support.

One side proposes, the other accepts or declines within 48 hours:

- **more time** (the order's freelancer): a new, later due date, while work is owed
  (``awaiting_requirements``, ``in_progress``, ``in_revision``);
- **a modification** (the buyer side): a text saying what to change, once the work has
  started (``in_progress``, ``in_revision``, ``delivered``); agreed on a delivered order it
  reopens the work (``in_revision``, like a revision, without using one of the included
  revisions: the freelancer agreed to it);
- **a partial refund** (either side): at most what was paid and not refunded yet, given back
  as an agreed refund is (``order_payments.refund_part``: a credit invoice, the ledger, the
  rewards' clawback).

The request holds the order exactly as a mutual-cancellation request does (the two exclude
each other: one open request per order), and it resumes the same way
(``cancellations.resume``: a delivery's review window gets the time on hold back).
Unanswered for 48 hours the request **expires**: nothing is agreed and the order goes on
(``expire_due``, by the clock). Silence imposes no new terms on the side that kept it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fpctl.clock import parse_instant
from fpctl.domain.money import format_cents, parse_cents
from fpctl.domain.orders import OrderStatus
from fpctl.domain.permissions import Action
from fpctl.domain.text import LONG_TEXT, within
from fpctl.errors import InvalidInput, RuleViolation
from fpctl.services import notifications
from fpctl.services.context import Context
from fpctl.services.money import order_payments, rewards
from fpctl.services.orders import cancellations, refunds, visibility
from fpctl.services.orders.cancellations import BUYER, SELLER, side_of
from fpctl.store.rows import id_of
from fpctl.store.tables import Invoice, Order, OrderDispute

MORE_TIME, MODIFICATION, REFUND = "more_time", "modification", "refund"
OPEN, ACCEPTED, DECLINED, WITHDRAWN, EXPIRED = (
    "open",
    "accepted",
    "declined",
    "withdrawn",
    "expired",
)

#: Who proposes each kind, and on which statuses.
SIDES = {MORE_TIME: (SELLER,), MODIFICATION: (BUYER,), REFUND: (BUYER, SELLER)}
STATUSES = {
    MORE_TIME: (
        OrderStatus.AWAITING_REQUIREMENTS,
        OrderStatus.IN_PROGRESS,
        OrderStatus.IN_REVISION,
    ),
    MODIFICATION: (OrderStatus.IN_PROGRESS, OrderStatus.IN_REVISION, OrderStatus.DELIVERED),
    REFUND: (
        OrderStatus.AWAITING_REQUIREMENTS,
        OrderStatus.IN_PROGRESS,
        OrderStatus.IN_REVISION,
        OrderStatus.DELIVERED,
    ),
}
_WHY_NOT = {
    MORE_TIME: "more time is asked while work is owed (awaiting requirements, in progress "
    "or in revision)",
    MODIFICATION: "a modification is asked once the work has started (in progress, in "
    "revision or delivered)",
    REFUND: "a partial refund is proposed on an open order",
}


@dataclass(frozen=True)
class Proposal:
    """What one side proposes: exactly one of the three."""

    more_time_due: str | None = None  # the new due date (ISO-8601)
    modification: str | None = None
    refund: str | None = None  # an amount

    @property
    def kind(self) -> str:
        given = [
            kind
            for kind, value in (
                (MORE_TIME, self.more_time_due),
                (MODIFICATION, self.modification),
                (REFUND, self.refund),
            )
            if value is not None
        ]
        if len(given) != 1:
            raise InvalidInput(
                "a dispute request proposes one thing"
                + ("" if given else ": more time, a modification or a partial refund"),
                hint="--more-time --due DATE | --modification TEXT | --refund AMOUNT",
                code="one_proposal",
            )
        return given[0]


@dataclass
class Agreed:
    """An accepted request and what it did (``invoice``: a refund's credit invoice)."""

    order: Order
    dispute: OrderDispute
    invoice: Invoice | None = None


def request(
    ctx: Context, order_id: int, proposal: Proposal, reason: str
) -> tuple[Order, OrderDispute]:
    order = DISPUTE.opening(ctx, Action.ORDER_DISPUTE, order_id, reason)
    kind = proposal.kind
    if side_of(ctx.actor) not in SIDES[kind]:
        raise RuleViolation(
            f"only the order's freelancer asks for more time on order {order.id}"
            if kind == MORE_TIME
            else f"only the buyer side asks for a modification of order {order.id}",
            hint="propose a partial refund instead: --refund AMOUNT",
            code="wrong_side",
        )
    if order.status not in STATUSES[kind]:
        raise RuleViolation(
            f"order {order.id} is {order.status}: {_WHY_NOT[kind]}", code="not_disputable"
        )
    terms = {"kind": kind, **_terms(ctx, order, kind, proposal)}
    dispute = DISPUTE.open(ctx, order, Action.ORDER_DISPUTE, reason, **terms)
    notifications.dispute_requested(ctx, order, id_of(dispute), summary(dispute))
    return order, dispute


def _terms(ctx: Context, order: Order, kind: str, proposal: Proposal) -> dict[str, Any]:
    if kind == MORE_TIME:
        assert proposal.more_time_due is not None
        due = parse_instant(proposal.more_time_due)
        floor = max(ctx.now, order.due_at) if order.due_at is not None else ctx.now
        if due <= floor:
            raise InvalidInput(
                f"the new due date {proposal.more_time_due} is not later than "
                + ("the current one" if floor != ctx.now else "now"),
                hint="--due DATE after the order's due date (order show)",
                code="due_not_later",
            )
        return {"due_at": due}
    if kind == MODIFICATION:
        assert proposal.modification is not None
        if not proposal.modification.strip():
            raise InvalidInput("the modification is empty", hint="say what to change")
        return {"modification": within(proposal.modification, "the modification", LONG_TEXT)}
    assert proposal.refund is not None
    cents = refunds.within_refundable(order, parse_cents(proposal.refund), flag="--refund")
    return {"amount_cents": cents}


#: How a dispute request is named, found and audited (the machinery is mutual cancellation's).
DISPUTE: cancellations.Kind[OrderDispute] = cancellations.Kind(
    OrderDispute,
    "dispute request",
    "dispute",
    "dispute",
    visibility.open_dispute,
    "fpctl order dispute {id} --refund AMOUNT --reason TEXT",
    "to dispute",
)


def _by(ctx: Context) -> dict[str, Any]:
    return {"actor": ctx.actor, "now": ctx.now}


def accept(ctx: Context, order_id: int) -> Agreed:
    """What was proposed happens: the new due date, the work reopened, or the refund."""
    order, dispute = DISPUTE.answering(ctx, Action.ORDER_DISPUTE_ACCEPT, order_id)
    agreed = Agreed(order, dispute)
    changes: dict[str, tuple[Any, Any]] = {}
    if dispute.kind == MODIFICATION and dispute.order_status == OrderStatus.DELIVERED:
        order.status = OrderStatus.IN_REVISION  # the work reopens, as after a revision
        order.auto_complete_at = None
        order.updated_at = ctx.now
        ctx.session.add(order)
        changes["order_status"] = (OrderStatus.DELIVERED, order.status)
    else:
        cancellations.resume(ctx.session, order, dispute, ctx.now)
    if dispute.kind == MORE_TIME:
        changes["due_at"] = (order.due_at, dispute.due_at)
        order.due_at = dispute.due_at
    elif dispute.kind == REFUND:
        assert dispute.amount_cents is not None
        cents = refunds.within_refundable(order, dispute.amount_cents, flag="--refund")
        before = order.refunded_cents
        agreed.invoice = order_payments.refund_part(
            ctx.session,
            order,
            cents,
            now=ctx.now,
            description=f"order {order.id}: refund agreed in dispute {dispute.id}",
        )
        changes["refunded_cents"] = (before, order.refunded_cents)
    DISPUTE.close(
        ctx.session,
        order,
        dispute,
        ACCEPTED,
        action=Action.ORDER_DISPUTE_ACCEPT,
        changes=changes,
        **_by(ctx),
    )
    if dispute.kind == REFUND:
        assert dispute.amount_cents is not None
        rewards.on_refund(ctx.session, order, dispute.amount_cents, ctx.now, ctx.actor)
    return agreed


def decline(ctx: Context, order_id: int) -> tuple[Order, OrderDispute]:
    """Nothing is agreed: the order goes on as it was."""
    order, dispute = DISPUTE.answering(ctx, Action.ORDER_DISPUTE_DECLINE, order_id)
    DISPUTE.close(
        ctx.session, order, dispute, DECLINED, action=Action.ORDER_DISPUTE_DECLINE, **_by(ctx)
    )
    cancellations.resume(ctx.session, order, dispute, ctx.now)
    return order, dispute


def withdraw(ctx: Context, order_id: int) -> tuple[Order, OrderDispute]:
    order, dispute = DISPUTE.withdrawing(ctx, Action.ORDER_DISPUTE_WITHDRAW, order_id)
    DISPUTE.close(
        ctx.session, order, dispute, WITHDRAWN, action=Action.ORDER_DISPUTE_WITHDRAW, **_by(ctx)
    )
    cancellations.resume(ctx.session, order, dispute, ctx.now)
    return order, dispute


def summary(dispute: OrderDispute) -> str:
    """What is proposed, in a few words (``order next``, notes)."""
    if dispute.kind == MORE_TIME:
        assert dispute.due_at is not None
        return f"more time, until {dispute.due_at:%Y-%m-%d %H:%M}Z"
    if dispute.kind == REFUND:
        assert dispute.amount_cents is not None
        return f"a partial refund of {format_cents(dispute.amount_cents)}"
    return "a modification"


def outcome(dispute: OrderDispute) -> str:
    """What accepting it does, in a few words (``order next``)."""
    if dispute.kind == MORE_TIME:
        return "the due date moves"
    if dispute.kind == REFUND:
        return "the amount goes back to the balance (credits as credits)"
    if dispute.order_status == OrderStatus.DELIVERED:
        return "the work reopens (in_revision), using no included revision"
    return "the work goes on with the change"


# -- expiry after 48 hours (settle.py) -----------------------------------------------------


def expire_due(ctx: Context) -> int:
    """Requests unanswered for 48 hours expire: nothing is agreed, and the order resumes as
    of the moment the window closed (a delivery's review window gets those 48 hours back)."""
    return DISPUTE.settle_due(ctx, EXPIRED, "order.dispute_expire", _resume_by_time)


def _resume_by_time(ctx: Context, order: Order, dispute: OrderDispute) -> None:
    cancellations.resume(ctx.session, order, dispute, ctx.now, until=dispute.expires_at)
