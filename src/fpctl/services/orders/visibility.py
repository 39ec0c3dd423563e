"""Orders (SPEC §1.5): finding them, who sees them, and listing them.

Checkout lives in ``checkout.py``, the lifecycle moves in ``order_moves.py``, mutual
cancellation in ``cancellations.py``, disputes in ``disputes.py``; the open request holding
an order (either kind) is found here. Every lookup here goes through ``visible``: an order
the actor cannot see behaves as not found (exit 3), so ids of hidden orders cannot be probed.

Who sees an order: the admin, billing managers, support and a read with no actor see every
order of the account; a member sees the orders they placed, orders shared with all members,
and orders in projects they can see (public ones; their own my-project, where support may
have placed orders for them; private ones they own or collaborate on, or that are shared
with all) — never orders in someone else's my-project; a freelancer sees
the orders placed with them (seller side, any account).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, exists, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from fpctl.domain.actors import Actor
from fpctl.domain.enums import ActorKind, MemberStatus, Role
from fpctl.domain.orders import TERMINAL, OrderStatus
from fpctl.domain.permissions import Action
from fpctl.errors import FpctlError, NotFound, PermissionDenied, RuleViolation
from fpctl.services import memo
from fpctl.services.context import Context
from fpctl.services.listing import Listing
from fpctl.services.lookups import find_member
from fpctl.store.rows import id_of
from fpctl.store.tables import Account, Order, OrderCancellation, OrderDispute

T = TypeVar("T")


def sees_all_orders(actor: Actor) -> bool:
    return actor.sees_everything or actor.role in (Role.ADMIN, Role.BILLING_MANAGER)


@lru_cache(maxsize=256)
def _member_sees(member_id: int) -> ColumnElement[bool]:
    """The SQL condition for the orders a (non-billing) member sees (built once per
    member: it costs more than the query it goes into, and ``demo seed`` asks thousands
    of times)."""
    from fpctl.store.tables import Project, ProjectMember  # built only for a member's read

    collaborates = exists().where(
        (col(ProjectMember.project_id) == Project.id) & (ProjectMember.member_id == member_id)
    )
    project_visible = exists().where(
        (col(Project.id) == Order.project_id)
        & (
            (col(Project.kind) == "public")
            | ((col(Project.kind) == "my") & (Project.owner_id == member_id))  # support placed it
            | (
                (col(Project.kind) == "private")
                & (col(Project.shared_with_all) | (Project.owner_id == member_id) | collaborates)
            )
        )
    )
    return or_(col(Order.placed_by_id) == member_id, col(Order.shared), project_visible)


def scoped(
    ctx: Context, query: SelectOfScalar[T], *, account_id: Any, freelancer_id: Any, by_id: bool
) -> tuple[SelectOfScalar[T], bool]:
    """What every order-like object (orders, custom offers) filters first, and whether that
    is all: a freelancer sees their own (in the account named, if any); an inactive member
    nothing; an operator reading one by id with no account sees it (its account follows);
    anyone else starts from the account's."""
    actor = ctx.actor
    if actor.kind is ActorKind.FREELANCER:
        query = query.where(freelancer_id == actor.freelancer_id)
        if ctx.account is not None:
            query = query.where(account_id == ctx.account.id)
        return query, True
    if actor.is_member and actor.status is not MemberStatus.ACTIVE:
        raise PermissionDenied(f"{actor.label} is {actor.status} and can do nothing")
    if actor.is_nobody and ctx.account is None and by_id:
        return query, True
    return query.where(account_id == ctx.the_account.id), sees_all_orders(actor)


def visible(ctx: Context, *, by_id: bool = False) -> SelectOfScalar[Order]:
    """``SELECT orders`` the actor may see, in the account the command works on."""
    query, whole = scoped(
        ctx,
        select(Order),
        account_id=Order.account_id,
        freelancer_id=Order.freelancer_id,
        by_id=by_id,
    )
    if whole:
        return query
    assert ctx.actor.member_id is not None
    return query.where(_member_sees(ctx.actor.member_id))


def find(ctx: Context, order_id: int) -> Order:
    """An order the actor can see. For a freelancer acting without ``--account`` the order's
    account becomes the account the command works on."""
    order = ctx.session.exec(visible(ctx, by_id=True).where(Order.id == order_id)).first()
    return _found(ctx, order_id, order)


def _found(ctx: Context, order_id: int, order: Order | None) -> Order:
    if order is None:
        raise NotFound(f"no order {order_id}", hint="`fpctl order list` shows the orders you see")
    if ctx.account is None:
        ctx.account = ctx.session.get(Account, order.account_id)
    return order


def _seen_by(ctx: Context, order_ids: list[int]) -> dict[int, Order]:
    """The orders among ``order_ids`` that the actor of ``ctx`` sees, in one query."""
    query = visible(ctx, by_id=True).where(col(Order.id).in_(order_ids))
    return {id_of(order): order for order in ctx.session.exec(query)}


def list_orders(
    ctx: Context,
    *,
    status: str | None = None,
    placed_by: str | None = None,
    project_id: int | None = None,
    freelancer: str | None = None,
) -> Listing[Order]:
    """The orders the actor sees, oldest first, streamed (lists may hold 100,000 orders)."""
    query = visible(ctx)
    if status:
        query = query.where(Order.status == OrderStatus(status))
    if placed_by:
        query = query.where(Order.placed_by_id == find_member(ctx, placed_by).id)
    if project_id is not None:
        query = query.where(Order.project_id == project_id)
    if freelancer:
        from fpctl.store.tables import Freelancer

        query = query.where(
            Order.freelancer_id
            == select(Freelancer.id)
            .where(Freelancer.username == freelancer.strip().removeprefix("@").casefold())
            .scalar_subquery()
        )
    return Listing(ctx.session, query.order_by(col(Order.id)))


#: An open request that holds an order: a mutual cancellation or a dispute (one at most).
Request = TypeVar("Request", OrderCancellation, OrderDispute)
Hold = OrderCancellation | OrderDispute


def _open_request(session: Session, table: type[Request], order: Order) -> Request | None:
    """The order's open request of ``table``: ``_open_requests_of``'s one-order case."""
    return _open_requests_of(session, table, [id_of(order)]).get(id_of(order))


def _every_open(session: Session, kept: memo.Memo, table: type[Request]) -> dict[int, Request]:
    """Every open request of ``table`` by order, kept by the batch's memo until a statement
    writes that table."""
    reads: memo.Reads = {table.__tablename__: memo.ALL}
    return kept.get(("open requests", table), reads, lambda: _all_open(session, table))


def _all_open(session: Session, table: type[Request]) -> dict[int, Request]:
    """Every open request of ``table``, by order (an order has at most one open)."""
    found: dict[int, Request] = {}
    for row in session.exec(select(table).where(table.status == "open")):
        found.setdefault(row.order_id, row)
    return found


def _open_requests_of(
    session: Session, table: type[Request], order_ids: list[int]
) -> dict[int, Request]:
    """The open request of ``table`` of each of ``order_ids`` that has one, in one query.
    In a batch every open request is read with one query, again only after a statement
    writes a request (open ones are few: they expire within 48 hours)."""
    if not order_ids:
        return {}
    kept = memo.of(session)
    if kept is not None:
        every = _every_open(session, kept, table)
        return {order_id: every[order_id] for order_id in order_ids if order_id in every}
    rows = session.exec(
        select(table).where(col(table.order_id).in_(order_ids)).where(table.status == "open")
    )
    requests: dict[int, Request] = {}
    for row in rows:
        requests.setdefault(row.order_id, row)
    return requests


def open_cancellation(session: Session, order: Order) -> OrderCancellation | None:
    """The order's open mutual-cancellation request."""
    return _open_request(session, OrderCancellation, order)


def open_dispute(session: Session, order: Order) -> OrderDispute | None:
    """The order's open dispute request (more time, a modification, a partial refund)."""
    return _open_request(session, OrderDispute, order)


def hold_of(session: Session, order: Order) -> Hold | None:
    """The open request holding the order, cancellation or dispute (they exclude each
    other: ``disputes``)."""
    return open_cancellation(session, order) or open_dispute(session, order)


def holds_of(session: Session, order_ids: list[int]) -> dict[int, Hold]:
    """The open request holding each of ``order_ids`` that has one, in two queries (in a
    batch, none while no request was written since the last look)."""
    holds: dict[int, Hold] = dict(_open_requests_of(session, OrderDispute, order_ids))
    holds.update(_open_requests_of(session, OrderCancellation, order_ids))
    return holds


def require_unheld(order: Order, request: Hold | None) -> None:
    """While a request is open the order is on hold: only the request moves."""
    if request is None:
        return
    if isinstance(request, OrderDispute):
        verbs, what, code = "dispute", f"dispute request ({request.kind})", "dispute_open"
    else:
        verbs, what, code = "cancel", "cancellation request", "cancellation_open"
    raise RuleViolation(
        f"order {order.id} has an open {what} (requested by {request.requested_by}): it is "
        "on hold until the request is answered",
        hint=f"fpctl order {verbs}-accept {order.id} | {verbs}-decline {order.id} | "
        f"{verbs}-withdraw {order.id}",
        code=code,
    )


def require_open(order: Order, doing: str) -> None:
    if order.status in TERMINAL:
        raise RuleViolation(
            f"order {order.id} is {order.status}: it cannot {doing}", code="order_closed"
        )


def authorize(ctx: Context, action: Action, order_id: int) -> Order:
    """The order ``action`` acts on, once the actor may act on it: the role (SPEC §2), then
    the order itself, found only among those the actor sees (a freelancer sees their own
    orders), then who is answerable for it where the action asks (sharing). Every order
    command starts here, and ``auth can-i ACTION ID`` asks exactly this."""
    [outcome] = authorize_many(action, [(ctx, order_id)])
    if isinstance(outcome, FpctlError):
        raise outcome
    return outcome


def authorize_many(
    action: Action, items: Sequence[tuple[Context, int]]
) -> list[Order | FpctlError]:
    """``authorize`` for each (context, order id), with one query per actor and account:
    each order, or why the actor may not act on it."""
    outcomes: dict[int, Order | FpctlError] = {}
    groups: dict[tuple[Actor, int | None], list[int]] = {}
    for index, (ctx, _) in enumerate(items):
        try:
            ctx.require(action)
        except FpctlError as refused:
            outcomes[index] = refused
            continue
        key = (ctx.actor, ctx.account.id if ctx.account is not None else None)
        groups.setdefault(key, []).append(index)
    for indexes in groups.values():
        try:  # the group's actor and account are one: its first context speaks for all
            seen = _seen_by(items[indexes[0]][0], [items[index][1] for index in indexes])
        except FpctlError as refused:
            outcomes.update(dict.fromkeys(indexes, refused))
            continue
        for index in indexes:
            ctx, order_id = items[index]
            try:
                order = _found(ctx, order_id, seen.get(order_id))
                if action is Action.ORDER_SHARE:
                    _require_sharer(ctx, order)
            except FpctlError as refused:
                outcomes[index] = refused
            else:
                outcomes[index] = order
    return [outcomes[index] for index in range(len(items))]


def _require_sharer(ctx: Context, order: Order) -> None:
    """Sharing opens an order to the whole team, so it is for those answerable for it: its
    placer, the owner of its project (a private project's owner; a my-project's owner when
    support placed the order there), the admin, billing managers and support. A member who
    sees the order only through a project they collaborate on may not widen its audience."""
    actor = ctx.actor
    if sees_all_orders(actor) or order.placed_by_id == actor.member_id:
        return
    from fpctl.store.tables import Project

    project = ctx.session.get(Project, order.project_id)
    if project is not None and project.owner_id == actor.member_id:
        return
    raise PermissionDenied(
        f"{actor.label} cannot share order {order.id}: only its placer ({order.placed_by}), "
        "its project's owner, the admin and billing managers can",
        code="not_order_owner",
    )
