"""The subscription (SPEC §1.7): the Advanced plan, its monthly renewals, and the switch to
the regular marketplace and back.

Advanced is paid by the default payment method only, a month at a time from its start date
(``domain/plans.add_months``: a plan started on 31 January renews on 28/29 February, then
31 March). A cancel ends it at once and pays the unused part of the current cycle back to the
shared balance. Renewals are a time rule (``renew_due``, settled lazily and by ``tick``);
with no default payment method at a renewal the plan lapses to basic.

Switching to the regular marketplace closes the Pro team: every member but the admin is
deactivated (each with its own ``team.deactivate`` record by the actor), open invitations
are withdrawn with their approval requests, Pro credits are set aside and an Advanced plan
is cancelled with its refund. Switching back restores the credits; members stay deactivated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, func, select

from fpctl.domain.enums import (
    AccountStatus,
    Plan,
)
from fpctl.domain.permissions import Action
from fpctl.domain.plans import ADVANCED_PRICE_CENTS, add_months, cycle_at, prorata_refund
from fpctl.errors import RuleViolation
from fpctl.services import lookups
from fpctl.services.context import Context
from fpctl.services.money import ledger, payment_methods
from fpctl.store.tables import Account, LedgerEntry

SUBSCRIBE = Action.SUBSCRIPTION_SUBSCRIBE
CANCEL = Action.SUBSCRIPTION_CANCEL
SWITCH = Action.SUBSCRIPTION_SWITCH
RENEW = "subscription.renew"
LAPSE = "subscription.lapse"

FIVERR = "fiverr"

#: The account fields every subscription audit record shows before and after.
_WATCHED = ("plan", "status", "credits_cents", "credits_set_aside_cents", "balance_cents")

Changes = dict[str, tuple[Any, Any]]


@dataclass(frozen=True)
class Subscription:
    """The account's plan as the CLI shows it; the money of the change that produced it."""

    account: str
    plan: str
    status: str  # the account's: active | switched
    started_at: datetime | None
    renews_at: datetime | None
    price_cents: int
    switched_at: datetime | None
    credits_set_aside_cents: int
    refund_cents: int | None = None  # after a cancel or a switch
    invoice_id: int | None = None  # the charge, after a subscribe (or a switch to advanced)
    credit_invoice_id: int | None = None  # the refund's credit invoice, when one was issued
    deactivated: tuple[str, ...] = ()  # members a switch to fiverr deactivated
    invitations_withdrawn: int = 0  # open invitations a switch to fiverr withdrew


def subscription_of(account: Account, **change: Any) -> Subscription:
    advanced = account.plan == Plan.ADVANCED
    return Subscription(
        account=account.slug,
        plan=account.plan,
        status=account.status,
        started_at=account.plan_started_at if advanced else None,
        renews_at=account.plan_renews_at if advanced else None,
        price_cents=ADVANCED_PRICE_CENTS if advanced else 0,
        switched_at=account.switched_at,
        credits_set_aside_cents=account.credits_set_aside_cents,
        **change,
    )


def watched(account: Account) -> dict[str, Any]:
    return {key: getattr(account, key) for key in _WATCHED}


def changes_since(before: dict[str, Any], account: Account) -> Changes:
    return {
        key: (value, getattr(account, key))
        for key, value in before.items()
        if getattr(account, key) != value
    }


#: How the ledger names a month's charge and a cancellation's refund (db check reads them).
CYCLE_CHARGE_PREFIX = "Advanced plan, "
CANCEL_REFUND_TEXT = "Advanced plan cancelled: the unused part of the month"


def _cycle_text(start: datetime, end: datetime) -> str:
    return f"{CYCLE_CHARGE_PREFIX}{start.date().isoformat()} to {end.date().isoformat()}"


# -- reading --------------------------------------------------------------------------------


def show(ctx: Context) -> Subscription:
    """The account's plan, its cycle and its marketplace (reads need no actor)."""
    ctx.require(Action.TEAM_READ)
    return subscription_of(ctx.the_account)


# -- Advanced: subscribe and cancel ---------------------------------------------------------


def require_still_pro(account: Account, doing: str, hint: str) -> None:
    try:
        lookups.require_pro(account, doing)
    except RuleViolation as refusal:
        refusal.hint = hint
        raise


def start_advanced(ctx: Context, account: Account) -> int:
    """Charge the first month (default method only) and start the cycle now; the invoice."""
    renews_at = add_months(ctx.now, 1)
    payment = ledger.charge(
        ctx.session,
        account,
        ADVANCED_PRICE_CENTS,
        now=ctx.now,
        purpose="subscription",
        description=_cycle_text(ctx.now, renews_at),
        method_only=True,
    )
    account.plan = Plan.ADVANCED
    account.plan_started_at = ctx.now
    account.plan_renews_at = renews_at
    ctx.session.add(account)
    assert payment.invoice is not None and payment.invoice.id is not None
    return payment.invoice.id


def end_advanced(ctx: Context, account: Account) -> tuple[int, int | None]:
    """Back to basic at once; the unused part of the cycle goes to the shared balance.
    The refund, and its credit invoice (none for a zero refund)."""
    assert account.plan_started_at is not None
    paid = _paid_for_cycle(ctx, account, account.plan_started_at)
    refund = prorata_refund(account.plan_started_at, ctx.now, price_cents=paid)
    invoice = ledger.refund(
        ctx.session,
        account,
        credits_cents=0,
        balance_cents=refund,
        now=ctx.now,
        description=CANCEL_REFUND_TEXT,
    )
    account.plan = Plan.BASIC
    account.plan_started_at = None
    account.plan_renews_at = None
    ctx.session.add(account)
    return refund, invoice.id if invoice is not None else None


def _paid_for_cycle(ctx: Context, account: Account, start: datetime) -> int:
    """What the account paid for the cycle it is in (at most the price): a refund is a
    share of that, never of money that was not paid (a plan set without a charge)."""
    text = _cycle_text(*cycle_at(start, ctx.now))
    paid = LedgerEntry.method_cents - LedgerEntry.credits_cents - LedgerEntry.balance_cents
    total = ctx.session.exec(
        select(func.coalesce(func.sum(paid), 0)).where(
            LedgerEntry.account_id == account.id,
            LedgerEntry.kind == "charge",
            LedgerEntry.description == text,
        )
    ).one()
    return min(int(total), ADVANCED_PRICE_CENTS)


def check_subscribe(ctx: Context) -> Account:
    """Raise if the account may not subscribe now (asked before any change)."""
    ctx.require(SUBSCRIBE)
    account = ctx.the_account
    require_still_pro(account, "subscribe to Advanced", "fpctl subscription switch advanced")
    if account.plan == Plan.ADVANCED:
        raise RuleViolation(
            f"{account.slug} is already on the Advanced plan "
            f"(it renews on {account.plan_renews_at:%Y-%m-%d})",
            code="already_advanced",
        )
    return account


def subscribe(ctx: Context) -> Subscription:
    """Advanced from now: the first month is charged to the default payment method."""
    account = check_subscribe(ctx)
    before = watched(account)
    invoice_id = start_advanced(ctx, account)
    changes = changes_since(before, account)
    changes["plan_renews_at"] = (None, account.plan_renews_at)
    changes["invoice"] = (None, invoice_id)
    ctx.record_on_account(account, action=SUBSCRIBE, changes=changes)
    return subscription_of(account, invoice_id=invoice_id)


def check_cancel(ctx: Context) -> Account:
    """Raise if the plan cannot be cancelled (asked before the confirmation prompt)."""
    ctx.require(CANCEL)
    account = ctx.the_account
    require_still_pro(account, "cancel a plan", "a switched account is on basic already")
    if account.plan != Plan.ADVANCED:
        raise RuleViolation(
            f"{account.slug} is on the basic plan: there is no Advanced plan to cancel",
            hint="fpctl subscription subscribe advanced",
            code="not_advanced",
        )
    return account


def cancel(ctx: Context) -> Subscription:
    """Basic from now; the unused part of the cycle is refunded pro rata to the balance."""
    account = check_cancel(ctx)
    before = watched(account)
    refund, credit_id = end_advanced(ctx, account)
    changes = changes_since(before, account)
    changes["refund_cents"] = (None, refund)
    ctx.record_on_account(account, action=CANCEL, changes=changes)
    return subscription_of(account, refund_cents=refund, credit_invoice_id=credit_id)


# -- renewals (settle.py) -------------------------------------------------------------------


def _next_renewal(start: datetime, renews_at: datetime) -> datetime:
    """The cycle after the one ending at ``renews_at``, counted from the start date."""
    months = (renews_at.year - start.year) * 12 + renews_at.month - start.month
    return add_months(start, months + 1)


def _renew_once(ctx: Context, account: Account) -> bool:
    """Charge the cycle starting at ``plan_renews_at``; False when the plan lapsed instead."""
    session = ctx.session
    assert account.plan_started_at is not None and account.plan_renews_at is not None
    begin = account.plan_renews_at
    before = watched(account)
    if payment_methods.default_method(session, account.id) is None:
        account.plan = Plan.BASIC
        account.plan_started_at = None
        account.plan_renews_at = None
        session.add(account)
        changes = changes_since(before, account)
        changes["lapsed_at"] = (None, begin)
        ctx.record_on_account(account, action=LAPSE, changes=changes)
        return False
    end = _next_renewal(account.plan_started_at, begin)
    payment = ledger.charge(
        session,
        account,
        ADVANCED_PRICE_CENTS,
        now=begin,
        purpose="subscription",
        description=_cycle_text(begin, end),
        method_only=True,
    )
    account.plan_renews_at = end
    session.add(account)
    assert payment.invoice is not None
    changes = {"plan_renews_at": (begin, end), "invoice": (None, payment.invoice.id)}
    ctx.record_on_account(account, action=RENEW, changes=changes)
    return True


def renew_due(ctx: Context) -> int:
    """Charge every Advanced cycle that has begun by ``now`` (missed ones one by one, each
    dated at its own start); with no default payment method the plan lapses to basic.
    Returns how many cycles were charged or plans lapsed."""
    session, now = ctx.session, ctx.now
    due = session.exec(
        select(Account)
        .where(Account.plan == Plan.ADVANCED)
        .where(Account.status == AccountStatus.ACTIVE)
        .where(col(Account.plan_renews_at) <= now)
        .order_by(col(Account.id))
    ).all()
    settled = 0
    for account in due:
        while account.plan_renews_at is not None and account.plan_renews_at <= now:
            settled += 1
            if not _renew_once(ctx, account):
                break
    session.flush()
    return settled
