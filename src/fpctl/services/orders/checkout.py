"""Placing an order (SPEC §1.5 checkout, §1.4 enforcement).

In order: who may place it, what is bought (a service or a custom amount, a quantity, or
milestones, or hourly terms), in which project, then the policies — a purchase limit that
refuses stops here; an order-approval policy, or a limit with ``--mode approval``, holds
the order in ``awaiting_approval`` with nothing charged — and finally the first payment:
the total for a fixed order, the first milestone, or the hourly initiation fee.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from fpctl.clock import parse_instant
from fpctl.domain.actors import Actor
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
from fpctl.errors import FpctlError, InvalidInput, NotFound, RuleViolation
from fpctl.services import audit, lookups, memo, notifications
from fpctl.services.audit import Entry
from fpctl.services.context import Context
from fpctl.services.conversations import threads
from fpctl.services.lookups import current_admin
from fpctl.services.money import order_payments
from fpctl.services.money.ledger import Payment, PlannedCharge, plan_charge, write_charges
from fpctl.services.money.payment_methods import default_method
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
    PaymentMethod,
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
    spent = ctx.session.exec(
        select(func.coalesce(func.sum(Order.total_cents), 0))
        .where(Order.placed_by_id == member_id)
        .where(col(Order.created_at) >= _month_start(now))
        .where(col(Order.status).not_in((OrderStatus.CANCELLED, OrderStatus.REJECTED)))
    ).one()
    return int(spent)


def _month_start(now: datetime) -> datetime:
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _limit_applies(policy: Policy, role: Role, member_id: int) -> bool:
    if policy.member_id is not None:
        return policy.member_id == member_id
    assert policy.applies_to is not None  # a purchase limit names a member or roles
    return AppliesTo(policy.applies_to).covers(role)


class Spending:
    """What checkout reads once for all the orders it places together: the policies, and
    each member's month spend (read only where a monthly limit asks for it) plus every
    order placed together before (held ones too: they count until rejected; not written
    yet, so no read would see them)."""

    def __init__(self) -> None:
        self._policies: dict[tuple[Actor, int | None, str], list[Policy]] = {}
        self._spent: dict[tuple[int, datetime], int] = {}  # as stored
        self._placed: dict[tuple[int, datetime], int] = {}  # by the orders placed together

    def policies(self, ctx: Context, kind: PolicyKind) -> list[Policy]:
        key = (ctx.actor, ctx.the_account.id, kind.value)
        if key not in self._policies:  # and in a batch, until a policy changes
            self._policies[key] = memo.remember(
                ctx.session, key, {"policy": memo.ALL}, lambda: list_policies(ctx, kind=kind)
            )
        return self._policies[key]

    def month(self, ctx: Context, member_id: int) -> int:
        key = (member_id, _month_start(ctx.now))
        if key not in self._spent:
            self._spent[key] = month_spend(ctx, member_id, ctx.now)
        return self._spent[key] + self._placed.get(key, 0)

    def placed(self, ctx: Context, total_cents: int) -> None:
        member_id = ctx.actor.member_id
        if member_id is not None:
            key = (member_id, _month_start(ctx.now))
            self._placed[key] = self._placed.get(key, 0) + total_cents


def policy_holding(
    ctx: Context, total_cents: int, spending: Spending | None = None
) -> Policy | None:
    """The policy that holds this order for approval; raises when a limit refuses it.
    The admin, support and freelancers are never subject to policies."""
    actor, account = ctx.actor, ctx.the_account
    if actor.role in (None, Role.ADMIN) or actor.member_id is None:
        return None
    spending = spending or Spending()
    holding = None
    for policy in spending.policies(ctx, PolicyKind.PURCHASE_LIMIT):
        if not is_active(policy, account) or not _limit_applies(
            policy, actor.role, actor.member_id
        ):
            continue
        assert policy.amount_cents is not None
        already = 0 if policy.period == LimitPeriod.ORDER else spending.month(ctx, actor.member_id)
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
    for policy in spending.policies(ctx, PolicyKind.ORDER_APPROVAL):
        if not is_active(policy, account):
            continue
        assert policy.applies_to is not None  # an order-approval policy always names roles
        if not AppliesTo(policy.applies_to).covers(actor.role):
            continue
        if policy.over_cents is not None and total_cents > policy.over_cents:
            return policy
    return None


# -- placing -------------------------------------------------------------------------------


@dataclass
class _Plan:
    """One order checkout has decided to place: every rule passed, the charge decided."""

    ctx: Context
    request: OrderRequest
    freelancer: Freelancer
    terms: Terms
    due_at: datetime | None
    project: Project
    policy: Policy | None
    charge: PlannedCharge | None


def place(ctx: Context, request: OrderRequest) -> Placed:
    [placed] = place_many([(ctx, request)])
    if isinstance(placed, FpctlError):
        raise placed
    return placed


def place_many(requests: Sequence[tuple[Context, OrderRequest]]) -> list[Placed | FpctlError]:
    """Place orders (each by its own context, all in one session), in turn: each is
    checked as if the ones before it were placed (purchase limits count them, the charges
    take the credits and balance they left), and one refused changes nothing while the
    others are placed. Then everything is written set-based: the orders in one statement,
    their milestones, approval requests and invoices in the next, the ledger, the audit."""
    if not requests:
        return []
    session = requests[0][0].session
    spending, methods = Spending(), _Methods()
    outcomes: list[_Plan | FpctlError] = []
    with session.no_autoflush:  # nothing is written until every order is decided
        for ctx, request in requests:
            try:
                outcomes.append(_plan(ctx, request, spending, methods))
            except FpctlError as refused:
                outcomes.append(refused)
    plans = [plan for plan in outcomes if isinstance(plan, _Plan)]
    placed = iter(_write(session, plans))
    return [next(placed) if isinstance(plan, _Plan) else plan for plan in outcomes]


class _Methods:
    """Each account's default payment method, looked up once per ``place_many``."""

    def __init__(self) -> None:
        self._found: dict[int, PaymentMethod | None] = {}

    def of(self, session: Session, account_id: int) -> PaymentMethod | None:
        if account_id not in self._found:
            self._found[account_id] = default_method(session, account_id)
        return self._found[account_id]


def _plan(ctx: Context, request: OrderRequest, spending: Spending, methods: _Methods) -> _Plan:
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
    policy = policy_holding(ctx, terms.total_cents, spending)
    charge = None
    if policy is None:
        charge = plan_charge(
            account,
            terms.first_charge_cents,
            methods.of(ctx.session, id_of(account)),
            now=ctx.now,
            purpose=_purpose(terms.kind),
            paying_for="the order",
        )
    spending.placed(ctx, terms.total_cents)
    return _Plan(ctx, request, freelancer, terms, due_at, project, policy, charge)


def _order(plan: _Plan) -> Order:
    ctx, terms, request = plan.ctx, plan.terms, plan.request
    hourly = terms.kind is OrderKind.HOURLY
    paid = plan.charge.split if plan.charge else None
    return Order(
        account_id=id_of(ctx.the_account),
        freelancer_id=id_of(plan.freelancer),
        service_id=request.service_id,
        title=terms.title,
        kind=terms.kind,
        status=OrderStatus.AWAITING_APPROVAL if plan.policy else OrderStatus.AWAITING_REQUIREMENTS,
        placed_by_id=ctx.actor.member_id,
        placed_by=ctx.actor.label,
        project_id=id_of(plan.project),
        quantity=terms.quantity,
        unit_price_cents=terms.unit_price_cents,
        total_cents=terms.total_cents,
        paid_cents=paid.total_cents if paid else 0,
        paid_credits_cents=paid.credits_cents if paid else 0,
        revisions_included=terms.revisions,
        hourly_rate_cents=terms.unit_price_cents if hourly else None,
        weekly_limit_hours=request.weekly_limit if hourly else None,
        estimate_hours=request.estimate if hourly else None,
        due_at=plan.due_at,
        created_at=ctx.now,
        updated_at=ctx.now,
    )


def _write(session: Session, plans: list[_Plan]) -> list[Placed]:
    if not plans:
        return []
    orders = [_order(plan) for plan in plans]
    session.add_all(orders)
    session.flush()  # one INSERT for every order: their ids
    approvals: list[ApprovalRequest | None] = []
    firsts: list[OrderMilestone | None] = []
    for plan, order in zip(plans, orders, strict=True):
        milestones = [
            OrderMilestone(
                order_id=id_of(order),
                position=position,
                title=milestone.title,
                amount_cents=milestone.amount_cents,
                charged_at=plan.ctx.now if position == 1 and plan.charge else None,
            )
            for position, milestone in enumerate(plan.terms.milestones, start=1)
        ]
        session.add_all(milestones)
        firsts.append(milestones[0] if milestones else None)
        approval = _approval_request(plan.ctx, order, plan.policy) if plan.policy else None
        if approval is not None:
            session.add(approval)
        approvals.append(approval)
    if any(approvals):
        session.flush()  # their ids, which their audit records name
    charges = []
    for plan, order, first in zip(plans, orders, firsts, strict=True):
        if plan.charge is not None:
            _, _, description = _first_charge(order, first)
            charges.append((plan.charge, description, id_of(order)))
    payments = iter(write_charges(session, charges))
    placed = []
    audited: list[tuple[Actor, datetime, Entry]] = []
    for plan, order, approval in zip(plans, orders, approvals, strict=True):
        ctx = plan.ctx
        audited.append((ctx.actor, ctx.now, _placed_entry(order, plan)))
        if approval is not None:
            assert plan.policy is not None
            audited.append((ctx.actor, ctx.now, _approval_entry(order, approval, plan.policy)))
        payment = next(payments) if plan.charge is not None else None
        placed.append(Placed(order, approval, payment))
    audit.record_each(session, audited)
    threads.open_for_orders(session, orders)  # the account's conversation with each seller
    notifications.orders_placed(
        session,
        [
            notifications.PlacedOrder(order, plan.project, plan.ctx.actor.label, plan.ctx.now)
            for plan, order in zip(plans, orders, strict=True)
        ],
    )
    return placed


def _placed_entry(order: Order, plan: _Plan) -> Entry:
    return Entry(
        Action.ORDER_PLACE,
        target(order),
        order.account_id,
        {
            "status": (None, order.status),
            "kind": (None, order.kind),
            "freelancer": (None, f"@{plan.freelancer.username}"),
            "total_cents": (None, order.total_cents),
            "project_id": (None, plan.project.id),
        },
    )


def _approval_entry(order: Order, approval: ApprovalRequest, policy: Policy) -> Entry:
    return Entry(
        "approval.request",
        f"approval:{approval.id} order:{order.id}",
        order.account_id,
        {"status": (None, ApprovalStatus.PENDING), "policy_id": (None, policy.id)},
    )


def _approval_request(ctx: Context, order: Order, policy: Policy) -> ApprovalRequest:
    return ApprovalRequest(
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


def _purpose(kind: str) -> str:
    """What the ledger says an order's first charge is for."""
    return "milestone" if kind == OrderKind.MILESTONES else "order"


def _first_charge(order: Order, first: OrderMilestone | None) -> tuple[int, str, str]:
    """What is charged when the order starts — all of a fixed order, the first milestone,
    or the hourly initiation fee — as (amount, purpose, description)."""
    purpose = _purpose(order.kind)
    if order.kind == OrderKind.MILESTONES:
        assert first is not None
        return first.amount_cents, purpose, order_payments.milestone_charge(order, first)
    if order.kind == OrderKind.HOURLY:
        return HOURLY_INITIATION_FEE_CENTS, purpose, f"order {order.id}: hourly initiation fee"
    quantity = f" × {order.quantity}" if order.quantity > 1 else ""
    return order.total_cents, purpose, f"order {order.id}: {order.title}{quantity}"


def first_payment(ctx: Context, order: Order) -> Payment:
    """The order's first charge (``_first_charge``), taken when a held order is approved."""
    if order.kind == OrderKind.MILESTONES:
        first = order_payments.milestone_at(ctx.session, order, 1)
        assert first is not None
        return order_payments.pay_milestone(ctx.session, order, first, now=ctx.now)
    amount, purpose, description = _first_charge(order, None)
    return order_payments.pay(
        ctx.session, order, amount, now=ctx.now, purpose=purpose, description=description
    )
