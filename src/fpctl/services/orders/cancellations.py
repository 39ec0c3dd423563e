"""Mutual cancellation (SPEC §1.5).

Either side asks, with a reason, on an order that is not completed, cancelled or rejected
and has no open request. The other side accepts (the order is cancelled and refunded) or
declines; the requester may withdraw. Unanswered for 48 hours, the request is accepted on
its own. While a request is open the order is on hold (``order_moves``): declining or
withdrawing returns it to where it was, and the time on hold is added back to a delivery's
review window, so the buyer loses none of it. A cancellation request and a dispute request
(``disputes``) exclude each other: one open request per order; the dispute manager reuses
the hold and its resumption from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic

from sqlmodel import Session, col, select

from fpctl.domain.actors import Actor
from fpctl.domain.enums import ActorKind, ApprovalKind
from fpctl.domain.orders import CANCELLATION_ANSWER_WINDOW, OrderStatus, seconds_left
from fpctl.domain.permissions import Action
from fpctl.domain.text import LONG_TEXT, within
from fpctl.errors import InvalidInput, PermissionDenied, RuleViolation
from fpctl.services import approval_requests, audit, notifications
from fpctl.services.context import Context
from fpctl.services.orders import lifecycle, visibility
from fpctl.services.orders.visibility import Request
from fpctl.store.rows import id_of
from fpctl.store.tables import Order, OrderCancellation

BUYER, SELLER = "buyer", "seller"
OPEN, ACCEPTED, DECLINED, WITHDRAWN = "open", "accepted", "declined", "withdrawn"


def side_of(actor: Actor) -> str:
    return SELLER if actor.kind is ActorKind.FREELANCER else BUYER


def request(ctx: Context, order_id: int, reason: str) -> tuple[Order, OrderCancellation]:
    order = CANCELLATION.opening(ctx, Action.ORDER_CANCEL_REQUEST, order_id, reason)
    cancellation = CANCELLATION.open(ctx, order, Action.ORDER_CANCEL_REQUEST, reason)
    notifications.cancellation_requested(ctx, order, cancellation)
    return order, cancellation


def refuse_second_request(order: Order, existing: visibility.Hold | None) -> None:
    """One open request per order, of either kind: a cancellation request and a dispute
    request exclude each other (each holds the order until it is answered)."""
    if existing is None:
        return
    if isinstance(existing, OrderCancellation):
        what, verb, code = "cancellation request", "cancel", "cancellation_open"
    else:
        what, verb, code = f"dispute request ({existing.kind})", "dispute", "dispute_open"
    raise RuleViolation(
        f"order {order.id} already has an open {what} (by {existing.requested_by})",
        hint=f"answer it, or withdraw it: fpctl order {verb}-withdraw {order.id}",
        code=code,
    )


def held_for_approval(ctx: Context, order: Order, what: str) -> RuleViolation:
    """An order still awaiting approval was neither charged nor started: there is nothing
    ``what`` (to cancel by agreement, to dispute), the admin rejects it (and its buyer may
    cancel it alone)."""
    request = approval_requests.pending_for(ctx.session, ApprovalKind.ORDER, order.id)
    decide = f"fpctl approvals reject {request.id if request else 'ID'} --reason TEXT"
    buyer = f"; its buyer may also cancel it: fpctl order cancel {order.id}"
    return RuleViolation(
        f"order {order.id} is awaiting approval: nothing was charged or started, so there is "
        f"nothing {what}",
        hint=f"the admin rejects it instead: {decide}"
        + ("" if side_of(ctx.actor) == SELLER else buyer),
        code="awaiting_approval",
    )


@dataclass(frozen=True)
class Kind(Generic[Request]):
    """A kind of request that holds an order: how it is named, found and audited (the
    mutual cancellation here, the dispute in ``disputes``)."""

    table: type[Request]
    what: str  # "cancellation request"
    verb: str  # the commands' prefix: cancel-accept, cancel-decline, cancel-withdraw
    noun: str  # in the audit target: order:27 cancellation:3
    find: Callable[[Session, Order], Request | None]
    ask: str  # the command that makes one, for hints ({id}: the order's)
    nothing: str  # on an order awaiting approval there is nothing … ("to dispute")

    def opening(self, ctx: Context, action: Action, order_id: int, reason: str) -> Order:
        """The order a new request is for, once it may take one: a reason, an order that is
        open, charged (not awaiting approval) and holds no other request."""
        order = visibility.authorize(ctx, action, order_id)
        if not reason.strip():
            raise InvalidInput(f"a {self.what} needs a reason", hint="add --reason TEXT")
        within(reason, "the reason", LONG_TEXT)
        visibility.require_open(order, f"take a {self.what}")
        if order.status == OrderStatus.AWAITING_APPROVAL:
            raise held_for_approval(ctx, order, self.nothing)
        refuse_second_request(order, visibility.hold_of(ctx.session, order))
        return order

    def open(
        self, ctx: Context, order: Order, action: Action, reason: str, **terms: Any
    ) -> Request:
        """The new request, open for 48 hours, and its audit record (``terms``: the kind's
        own columns, recorded too)."""
        request = self.table(
            order_id=id_of(order),
            side=side_of(ctx.actor),
            requested_by=ctx.actor.label,
            requested_by_id=ctx.actor.member_id,
            reason=reason,
            status=OPEN,
            order_status=order.status,
            created_at=ctx.now,
            expires_at=ctx.now + CANCELLATION_ANSWER_WINDOW,
            **terms,
        )
        ctx.session.add(request)
        ctx.session.flush()
        ctx.record(
            action=action,
            target=self.target(request),
            account_id=order.account_id,
            changes={
                "status": (None, OPEN),
                "side": (None, request.side),
                "reason": (None, reason),
                **{key: (None, value) for key, value in terms.items()},
                "expires_at": (None, request.expires_at),
            },
        )
        return request

    def target(self, request: Request) -> str:
        return f"order:{request.order_id} {self.noun}:{request.id}"

    def open_request(self, ctx: Context, action: Action, order_id: int) -> tuple[Order, Request]:
        order = visibility.authorize(ctx, action, order_id)
        request = self.find(ctx.session, order)
        if request is None:
            raise RuleViolation(
                f"order {order.id} has no open {self.what}",
                hint=self.ask.format(id=order.id),
                code="no_open_request",
            )
        return order, request

    def answering(self, ctx: Context, action: Action, order_id: int) -> tuple[Order, Request]:
        """Only the other side answers a request."""
        order, request = self.open_request(ctx, action, order_id)
        if side_of(ctx.actor) == request.side:
            other = "the freelancer" if request.side == BUYER else "the buyer"
            raise RuleViolation(
                f"the {request.side} made this {self.what}: {other} answers it",
                hint=f"withdraw it instead: fpctl order {self.verb}-withdraw {order.id}",
                code="own_request",
            )
        return order, request

    def withdrawing(self, ctx: Context, action: Action, order_id: int) -> tuple[Order, Request]:
        """Only its requester withdraws a request (support, a buyer-side one too)."""
        order, request = self.open_request(ctx, action, order_id)
        if ctx.actor.label != request.requested_by and not (
            ctx.actor.is_support and request.side == BUYER
        ):
            raise PermissionDenied(
                f"{ctx.actor.label} cannot withdraw this request: only its requester "
                f"({request.requested_by}) can"
            )
        return order, request

    def close(
        self,
        session: Session,
        order: Order,
        request: Request,
        status: str,
        *,
        action: str,
        actor: Actor,
        now: datetime,
        when: datetime | None = None,
        changes: dict[str, tuple[Any, Any]] | None = None,
    ) -> None:
        """Close the request (``when``: the moment it closed, if earlier than ``now``), with
        what closing it changed on the order in the same audit record."""
        request.status = status
        request.closed_at = when or now
        request.closed_by = actor.label
        session.add(request)
        audit.record(
            session,
            actor,
            now,
            action=action,
            target=self.target(request),
            account_id=order.account_id,
            changes={"status": (OPEN, status), **(changes or {})},
        )
        if status != WITHDRAWN:  # the requester's own act tells nobody
            notifications.request_answered(
                session,
                actor,
                now,
                requester=request.requested_by_id,
                what=self.what,
                order_id=id_of(order),
                subject=self.target(request),
                status=status,
            )

    def settle_due(
        self,
        ctx: Context,
        status: str,
        action: str,
        then: Callable[[Context, Order, Request], None],
    ) -> int:
        """Close every open request past its 48 hours as ``status``, as of the moment its
        window closed, then do ``then`` to its order (``settle.py``)."""
        session, now = ctx.session, ctx.now
        due = session.exec(
            select(self.table)
            .where(self.table.status == OPEN)
            .where(col(self.table.expires_at) <= now)
            .order_by(col(self.table.id))
        ).all()
        for request in due:
            order = session.get(Order, request.order_id)
            assert order is not None
            when = request.expires_at
            self.close(
                session, order, request, status, action=action, actor=ctx.actor, now=now, when=when
            )
            then(ctx, order, request)
        return len(due)


CANCELLATION: Kind[OrderCancellation] = Kind(
    OrderCancellation,
    "cancellation request",
    "cancel",
    "cancellation",
    visibility.open_cancellation,
    "fpctl order cancel-request {id} --reason TEXT",
    "to cancel by agreement",
)


def _by(ctx: Context) -> dict[str, Any]:
    return {"actor": ctx.actor, "now": ctx.now}


def accept(ctx: Context, order_id: int) -> tuple[Order, OrderCancellation]:
    order, cancellation = CANCELLATION.answering(ctx, Action.ORDER_CANCEL_ACCEPT, order_id)
    CANCELLATION.close(
        ctx.session, order, cancellation, ACCEPTED, action=Action.ORDER_CANCEL_ACCEPT, **_by(ctx)
    )
    lifecycle.close_cancelled(
        ctx.session, order, ctx.now, action=Action.ORDER_CANCEL, actor=ctx.actor
    )
    return order, cancellation


def resume(
    session: Session,
    order: Order,
    request: visibility.Hold,
    now: datetime,
    *,
    until: datetime | None = None,
) -> None:
    """Back to where the order was; a delivery's review window gets the time on hold back
    (``until``: when the hold ended, if earlier than ``now``)."""
    order.status = request.order_status
    if order.auto_complete_at is not None:
        order.auto_complete_at += (until or now) - request.created_at
    order.updated_at = now
    session.add(order)


def decline(ctx: Context, order_id: int) -> tuple[Order, OrderCancellation]:
    order, cancellation = CANCELLATION.answering(ctx, Action.ORDER_CANCEL_DECLINE, order_id)
    CANCELLATION.close(
        ctx.session, order, cancellation, DECLINED, action=Action.ORDER_CANCEL_DECLINE, **_by(ctx)
    )
    resume(ctx.session, order, cancellation, ctx.now)
    return order, cancellation


def withdraw(ctx: Context, order_id: int) -> tuple[Order, OrderCancellation]:
    order, cancellation = CANCELLATION.withdrawing(ctx, Action.ORDER_CANCEL_WITHDRAW, order_id)
    CANCELLATION.close(
        ctx.session, order, cancellation, WITHDRAWN, action=Action.ORDER_CANCEL_WITHDRAW, **_by(ctx)
    )
    resume(ctx.session, order, cancellation, ctx.now)
    return order, cancellation


# -- the 48-hour rule (settle.py) ----------------------------------------------------------


def accept_due(ctx: Context) -> int:
    """Requests unanswered for 48 hours are accepted: the order is cancelled and refunded
    as of the moment the window closed."""
    return CANCELLATION.settle_due(ctx, ACCEPTED, "order.cancel_auto_accept", _cancel_by_time)


def _cancel_by_time(ctx: Context, order: Order, _: OrderCancellation) -> None:
    lifecycle.close_cancelled(
        ctx.session, order, ctx.now, action=Action.ORDER_CANCEL, actor=ctx.actor
    )


def time_left(cancellation: OrderCancellation, now: datetime) -> int:
    """Seconds until the request is accepted on its own (never negative)."""
    return seconds_left(cancellation.expires_at, now)
