"""Placing an order (SPEC §1.5 checkout, §1.4 enforcement).

In order: who may place it, what is bought (a service or a custom amount, a quantity, or
milestones, or hourly terms), in which project, then the policies — a purchase limit that
refuses stops here; an order-approval policy, or a limit with ``--mode approval``, holds
the order in ``awaiting_approval`` with nothing charged — and finally the first payment:
the total for a fixed order, the first milestone, or the hourly initiation fee.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import col, func, select

from fpctl.clock import parse_instant
from fpctl.domain.enums import (
    AppliesTo,
    ApprovalKind,
    ApprovalStatus,
    LimitMode,
    LimitPeriod,
    PolicyKind,
    Role,
)
from fpctl.domain.money import MAX_CENTS, format_cents, parse_cents
from fpctl.domain.orders import (
    HOURLY_INITIATION_FEE_CENTS,
    Milestone,
    OrderKind,
    OrderStatus,
    check_hourly_terms,
    parse_milestones,
)
from fpctl.domain.permissions import Action
from fpctl.errors import InvalidInput, NotFound, RuleViolation
from fpctl.services import lookups, memo
from fpctl.services.audit import Entry
from fpctl.services.context import Context
from fpctl.services.lookups import current_admin
from fpctl.services.money import order_payments
from fpctl.services.money.ledger import Payment
from fpctl.services.network import freelancers
from fpctl.services.order_audit import target
from fpctl.services.team import projects
from fpctl.services.team.invitations import APPROVAL_DAYS
from fpctl.services.team.policies import is_active, list_policies
from fpctl.store.rows import id_of
from fpctl.store.tables import (
    ApprovalRequest,
    Freelancer,
    FreelancerService,
    Order,
    OrderMilestone,
    Policy,
    Project,
)

CUSTOM_TITLE = "Custom order"
MAX_QUANTITY = 1000


@dataclass
class OrderRequest:
    """What ``order place`` was given, before validation."""

    freelancer: str
    service_id: int | None = None
    amount: str | None = None
    quantity: int = 1
    project_id: int | None = None
    milestones: list[str] = field(default_factory=list)
    hourly: bool = False
    rate: str | None = None
    weekly_limit: int | None = None
    estimate: int | None = None
    due: str | None = None
    # A custom order's title and revisions (an accepted offer's); a service sets its own.
    title: str | None = None
    revisions: int | None = None


@dataclass
class Placed:
    order: Order
    approval: ApprovalRequest | None
    payment: Payment | None


def _service(ctx: Context, freelancer: Freelancer, service_id: int) -> FreelancerService:
    service = memo.remember(
        ctx.session,
        ("service", service_id),
        {"freelancer_service": memo.ALL},
        lambda: ctx.session.get(FreelancerService, service_id),
    )
    if service is None or service.freelancer_id != freelancer.id:
        raise NotFound(
            f"@{freelancer.username} has no service {service_id}",
            hint=f"`fpctl freelancer show {freelancer.username}` lists the services",
        )
    return service


def _due(ctx: Context, text: str | None) -> datetime | None:
    if text is None:
        return None
    due = parse_instant(text)
    if due <= ctx.now:
        raise InvalidInput(f"the due date {text} is not in the future")
    return due


def _project(ctx: Context, project_id: int | None) -> Project:
    if project_id is not None:
        project = projects.find(ctx, project_id)
        projects.order_may_go_in(ctx, project)
        return project
    member_id = ctx.actor.member_id
    if member_id is not None:
        return memo.remember(
            ctx.session,
            ("my-project", member_id),
            {"project": memo.ALL},
            lambda: projects.personal(ctx.session, member_id),
        )
    # Support has no my-project: its orders go to the admin's, unless it names another.
    admin = current_admin(ctx)
    if admin is None:
        raise InvalidInput(
            "the account has no admin, so support names the project",
            hint="add --project ID (`fpctl project list` shows them)",
        )
    return projects.personal(ctx.session, id_of(admin))


@dataclass
class Terms:
    """What is bought, and what is charged now (before any approval)."""

    kind: OrderKind
    title: str
    unit_price_cents: int
    quantity: int
    total_cents: int
    first_charge_cents: int
    revisions: int = 0
    milestones: list[Milestone] = field(default_factory=list)


def _terms(ctx: Context, request: OrderRequest, freelancer: Freelancer) -> Terms:
    service = (
        _service(ctx, freelancer, request.service_id) if request.service_id is not None else None
    )
    title = service.title if service else (request.title or CUSTOM_TITLE)
    revisions = service.revisions if service else (request.revisions or 0)
    if request.milestones and request.hourly:
        raise InvalidInput("an order is either --milestone or --hourly, not both")
    if not 1 <= request.quantity <= MAX_QUANTITY:
        raise InvalidInput(f"the quantity is 1 to {MAX_QUANTITY}, not {request.quantity}")
    if request.milestones or request.hourly:
        if request.amount is not None:
            raise InvalidInput(
                "--amount is for fixed orders; milestones and hourly orders set their own"
            )
        if request.quantity != 1:
            raise InvalidInput("--quantity is for fixed orders")
    if request.milestones:
        milestones = parse_milestones(request.milestones)
        total = sum(m.amount_cents for m in milestones)
        _check_total(total)
        return Terms(
            OrderKind.MILESTONES,
            title,
            total,
            1,
            total,
            milestones[0].amount_cents,
            revisions,
            milestones,
        )
    if request.hourly:
        return _hourly_terms(request, freelancer, title, revisions)
    if (service is None) == (request.amount is None):
        raise InvalidInput("give exactly one of --service ID or --amount AMOUNT")
    unit = service.price_cents if service else parse_cents(request.amount or "")
    total = unit * request.quantity
    _check_total(total)
    return Terms(OrderKind.FIXED, title, unit, request.quantity, total, total, revisions)


def _hourly_terms(
    request: OrderRequest, freelancer: Freelancer, title: str, revisions: int
) -> Terms:
    if not freelancer.pro:
        raise RuleViolation(
            f"@{freelancer.username} is not a Pro freelancer: hourly orders are for Pro "
            "freelancers only",
            code="pro_only",
        )
    if request.rate is None or request.estimate is None:
        raise InvalidInput("an hourly order needs --rate AMOUNT and --estimate HOURS")
    rate = parse_cents(request.rate)
    check_hourly_terms(estimate_hours=request.estimate, weekly_limit_hours=request.weekly_limit)
    total = rate * request.estimate
    _check_total(total)
    return Terms(OrderKind.HOURLY, title, rate, 1, total, HOURLY_INITIATION_FEE_CENTS, revisions)


def _check_total(total: int) -> None:
    if total > MAX_CENTS:
        raise InvalidInput(f"the order total {format_cents(total)} is over $10,000,000.00")


# -- policies ------------------------------------------------------------------------------


def month_spend(ctx: Context, member_id: int, now: datetime) -> int:
    """Totals of the member's orders placed this calendar month, not cancelled or rejected."""
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    spent = ctx.session.exec(
        select(func.coalesce(func.sum(Order.total_cents), 0))
        .where(Order.placed_by_id == member_id)
        .where(col(Order.created_at) >= start)
        .where(col(Order.status).not_in((OrderStatus.CANCELLED, OrderStatus.REJECTED)))
    ).one()
    return int(spent)


def _limit_applies(policy: Policy, role: Role, member_id: int) -> bool:
    if policy.member_id is not None:
        return policy.member_id == member_id
    assert policy.applies_to is not None  # a purchase limit names a member or roles
    return AppliesTo(policy.applies_to).covers(role)


def policy_holding(ctx: Context, total_cents: int) -> Policy | None:
    """The policy that holds this order for approval; raises when a limit refuses it.
    The admin, support and freelancers are never subject to policies."""
    actor, account = ctx.actor, ctx.the_account
    if actor.role in (None, Role.ADMIN) or actor.member_id is None:
        return None
    holding = None
    for policy in list_policies(ctx, kind=PolicyKind.PURCHASE_LIMIT):
        if not is_active(policy, account) or not _limit_applies(
            policy, actor.role, actor.member_id
        ):
            continue
        assert policy.amount_cents is not None
        already = (
            0 if policy.period == LimitPeriod.ORDER else month_spend(ctx, actor.member_id, ctx.now)
        )
        if already + total_cents <= policy.amount_cents:
            continue
        if policy.mode == LimitMode.APPROVAL:
            holding = holding or policy
            continue
        per = "per order" if policy.period == LimitPeriod.ORDER else "a month"
        raise RuleViolation(
            f"this order ({format_cents(total_cents)}) would take {actor.label} past the "
            f"purchase limit of {format_cents(policy.amount_cents)} {per}"
            + (f" ({format_cents(already)} already placed this month)" if already else ""),
            hint="ask the admin to raise the limit, or to place the order",
            code="purchase_limit_exceeded",
        )
    if holding is not None:
        return holding
    for policy in list_policies(ctx, kind=PolicyKind.ORDER_APPROVAL):
        if not is_active(policy, account):
            continue
        assert policy.applies_to is not None  # an order-approval policy always names roles
        if not AppliesTo(policy.applies_to).covers(actor.role):
            continue
        if policy.over_cents is not None and total_cents > policy.over_cents:
            return policy
    return None


# -- placing -------------------------------------------------------------------------------


def place(ctx: Context, request: OrderRequest) -> Placed:
    ctx.require(Action.ORDER_PLACE)
    account = ctx.the_account
    lookups.require_pro(account, "place orders")
    freelancer = memo.remember(
        ctx.session,
        ("freelancer", request.freelancer),
        {"freelancer": frozenset({"id", "username"})},
        lambda: freelancers.find(ctx, request.freelancer),
    )
    terms = _terms(ctx, request, freelancer)
    due_at = _due(ctx, request.due)
    project = _project(ctx, request.project_id)
    policy = policy_holding(ctx, terms.total_cents)
    order = Order(
        account_id=id_of(account),
        freelancer_id=id_of(freelancer),
        service_id=request.service_id,
        title=terms.title,
        kind=terms.kind,
        status=OrderStatus.AWAITING_APPROVAL if policy else OrderStatus.AWAITING_REQUIREMENTS,
        placed_by_id=ctx.actor.member_id,
        placed_by=ctx.actor.label,
        project_id=id_of(project),
        quantity=terms.quantity,
        unit_price_cents=terms.unit_price_cents,
        total_cents=terms.total_cents,
        revisions_included=terms.revisions,
        hourly_rate_cents=terms.unit_price_cents if terms.kind is OrderKind.HOURLY else None,
        weekly_limit_hours=request.weekly_limit if terms.kind is OrderKind.HOURLY else None,
        estimate_hours=request.estimate if terms.kind is OrderKind.HOURLY else None,
        due_at=due_at,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(order)
    ctx.session.flush()
    for position, milestone in enumerate(terms.milestones, start=1):
        ctx.session.add(
            OrderMilestone(
                order_id=id_of(order),
                position=position,
                title=milestone.title,
                amount_cents=milestone.amount_cents,
            )
        )
    entries = [
        Entry(
            Action.ORDER_PLACE,
            target(order),
            account.id,
            {
                "status": (None, order.status),
                "kind": (None, order.kind),
                "freelancer": (None, f"@{freelancer.username}"),
                "total_cents": (None, order.total_cents),
                "project_id": (None, project.id),
            },
        )
    ]
    approval = None
    payment = None
    if policy is not None:
        approval = _ask_approval(ctx, order, policy)
        entries.append(
            Entry(
                "approval.request",
                f"approval:{approval.id} order:{order.id}",
                account.id,
                {"status": (None, ApprovalStatus.PENDING), "policy_id": (None, policy.id)},
            )
        )
    else:
        payment = first_payment(ctx, order)
    ctx.record_many(entries)
    return Placed(order, approval, payment)


def _ask_approval(ctx: Context, order: Order, policy: Policy) -> ApprovalRequest:
    request = ApprovalRequest(
        account_id=order.account_id,
        kind=ApprovalKind.ORDER,
        subject_id=id_of(order),
        policy_id=policy.id,
        requested_by_id=ctx.actor.member_id,
        requested_by=ctx.actor.label,
        status=ApprovalStatus.PENDING,
        amount_cents=order.total_cents,
        created_at=ctx.now,
        expires_at=ctx.now + timedelta(days=APPROVAL_DAYS),
    )
    ctx.session.add(request)
    ctx.session.flush()
    return request


def first_payment(ctx: Context, order: Order) -> Payment:
    """What is charged when the order starts: all of a fixed order, the first milestone,
    or the hourly initiation fee."""
    if order.kind == OrderKind.MILESTONES:
        first = order_payments.milestone_at(ctx.session, order, 1)
        assert first is not None
        return order_payments.pay_milestone(ctx.session, order, first, now=ctx.now)
    if order.kind == OrderKind.HOURLY:
        return order_payments.pay(
            ctx.session,
            order,
            HOURLY_INITIATION_FEE_CENTS,
            now=ctx.now,
            purpose="order",
            description=f"order {order.id}: hourly initiation fee",
        )
    return order_payments.pay(
        ctx.session,
        order,
        order.total_cents,
        now=ctx.now,
        purpose="order",
        description=f"order {order.id}: {order.title}"
        + (f" × {order.quantity}" if order.quantity > 1 else ""),
    )
