"""Billing (SPEC §1.8): deposits into the shared balance, invoices, the ledger, a summary.

Deposits are made by the admin, billing managers and support (``billing.deposit``) and are
paid by the account's default payment method; each one is a ledger entry, a receipt
(an invoice with purpose ``deposit``) and an audit record, in one transaction. Invoices,
the ledger and the summary are billing history: the admin, billing managers, support, or
an operator reading the store with no actor; members cannot see them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, func, select

from fpctl.domain.money import format_cents
from fpctl.domain.permissions import Action
from fpctl.errors import NotFound, RuleViolation
from fpctl.services import lookups
from fpctl.services.context import Context
from fpctl.services.listing import Listing
from fpctl.services.money import ledger, payment_methods, rewards
from fpctl.services.money.billing_info import details as billing_details
from fpctl.services.money.payment_methods import describe
from fpctl.store.tables import Invoice, LedgerEntry

DEPOSIT = Action.BILLING_DEPOSIT
READ = Action.BILLING_INVOICES
MIN_DEPOSIT_CENTS = 100_000  # 1,000.00 USD


@dataclass(frozen=True)
class Deposit:
    account: str
    amount_cents: int
    balance_cents: int  # after the deposit
    invoice_id: int
    payment_method: str
    at: datetime


@dataclass(frozen=True)
class Summary:
    account: str
    balance_cents: int
    credits_cents: int
    default_payment_method: str | None
    invoices: int
    billing_info: dict[str, str | None]  # what the next invoice will be made out to


def deposit(ctx: Context, amount_cents: int) -> Deposit:
    """Move ``amount_cents`` from the default payment method into the shared balance."""
    ctx.require(DEPOSIT)
    lookups.require_pro(ctx.the_account, "take deposits")
    if amount_cents < MIN_DEPOSIT_CENTS:
        raise RuleViolation(
            f"the minimum deposit is {format_cents(MIN_DEPOSIT_CENTS)}; "
            f"{format_cents(amount_cents)} is too small",
            code="deposit_too_small",
        )
    account = ctx.the_account
    method = payment_methods.default_method(ctx.session, account.id)
    if method is None:
        raise RuleViolation(
            "a deposit is paid by the default payment method, and the account has none",
            hint="fpctl billing payment-method add --card NUMBER --expiry MM/YY",
            code="no_payment_method",
        )
    before = account.balance_cents
    description = f"Deposit of {format_cents(amount_cents)} into the shared balance"
    invoice = ledger.deposit(
        ctx.session, account, amount_cents, method, now=ctx.now, description=description
    )
    ctx.session.flush()
    ctx.record_on_account(
        account,
        action=DEPOSIT,
        changes={"balance_cents": (before, account.balance_cents)},
    )
    rewards.on_deposit(ctx.session, account, amount_cents, invoice, now=ctx.now, actor=ctx.actor)
    assert invoice.id is not None
    return Deposit(
        account=account.slug,
        amount_cents=amount_cents,
        balance_cents=account.balance_cents,
        invoice_id=invoice.id,
        payment_method=describe(method),
        at=ctx.now,
    )


def _invoices(ctx: Context) -> Any:
    return select(Invoice).where(Invoice.account_id == ctx.the_account.id)


def list_invoices(
    ctx: Context, *, kind: str | None = None, order_id: int | None = None
) -> Listing[Invoice]:
    """The account's invoices, oldest first; optionally one kind, or one order's."""
    ctx.require(Action.BILLING_INVOICES)
    query = _invoices(ctx)
    if kind is not None:
        query = query.where(Invoice.kind == kind)
    if order_id is not None:
        query = query.where(Invoice.order_id == order_id)
    return Listing(ctx.session, query.order_by(col(Invoice.id)))


def find_invoice(ctx: Context, invoice_id: int) -> Invoice:
    """One of the account's invoices; another account's is not found, like a missing one."""
    ctx.require(Action.BILLING_INVOICES)
    invoice = ctx.session.get(Invoice, invoice_id)
    if invoice is None or invoice.account_id != ctx.the_account.id:
        raise NotFound(
            f"no invoice {invoice_id} in this account",
            hint="`fpctl billing invoices` lists them",
        )
    return invoice


def ledger_entries(ctx: Context) -> Listing[LedgerEntry]:
    """Every movement of the account's balance and credits, and every card charge, oldest
    first."""
    ctx.require(Action.BILLING_INVOICES)
    query = select(LedgerEntry).where(LedgerEntry.account_id == ctx.the_account.id)
    return Listing(ctx.session, query.order_by(col(LedgerEntry.id)))


def summary(ctx: Context) -> Summary:
    """The account's money at a glance."""
    ctx.require(Action.BILLING_INVOICES)
    account = ctx.the_account
    method = payment_methods.default_method(ctx.session, account.id)
    count = ctx.session.exec(
        select(func.count()).select_from(Invoice).where(Invoice.account_id == account.id)
    ).one()
    return Summary(
        account=account.slug,
        balance_cents=account.balance_cents,
        credits_cents=account.credits_cents,
        default_payment_method=describe(method) if method is not None else None,
        invoices=count,
        billing_info=billing_details(account),
    )


def billing_info(ctx: Context) -> dict[str, str | None]:
    """The billing information the next invoice will be made out to (billing readers)."""
    ctx.require(Action.BILLING_INVOICES)
    return billing_details(ctx.the_account)
