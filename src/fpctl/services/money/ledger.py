"""Money movements (SPEC §1.5 checkout, §1.8): charges, refunds, deposits, and their invoices.

The account row holds the current balance and Pro credits; every change to them, and every
charge to a payment method, is also a ``LedgerEntry`` written in the same transaction, so
the ledger always adds up to the account (``db check`` can prove it). A payment produces
an invoice unless it was made with credits only; a refund produces a credit invoice on the
same terms. Invoices snapshot the billing details when issued and never change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from fpctl.domain.payments import Split, split_charge
from fpctl.errors import RuleViolation
from fpctl.services.money.billing_info import details
from fpctl.services.money.payment_methods import default_method, describe
from fpctl.store.rows import id_of
from fpctl.store.tables import Account, Invoice, LedgerEntry, PaymentMethod

INVOICE, CREDIT = "invoice", "credit"


@dataclass(frozen=True)
class Payment:
    """What one charge took from where, and the invoice it produced (None: credits only)."""

    split: Split
    invoice: Invoice | None


def billed_to(account: Account) -> str:
    """The billing details an invoice keeps as they were when it was issued: the account's
    slug and name, and its billing information (``billing info set``; None where unset).
    Invoices issued before billing information existed kept ``company`` from the account's
    business details."""
    return json.dumps({"account": account.slug, "name": account.name, **details(account)})


def _issue(
    session: Session,
    account: Account,
    *,
    kind: str,
    purpose: str,
    description: str,
    split: Split,
    now: datetime,
    order_id: int | None,
    method: PaymentMethod | None,
) -> Invoice:
    invoice = Invoice(
        account_id=id_of(account),
        kind=kind,
        purpose=purpose,
        order_id=order_id,
        description=description,
        amount_cents=split.total_cents,
        credits_cents=split.credits_cents,
        balance_cents=split.balance_cents,
        method_cents=split.method_cents,
        payment_method=describe(method) if method is not None else None,
        billed_to=billed_to(account),
        issued_at=now,
    )
    session.add(invoice)
    session.flush()
    return invoice


def _enter(
    session: Session,
    account: Account,
    *,
    kind: str,
    credits_cents: int,
    balance_cents: int,
    method_cents: int,
    now: datetime,
    description: str,
    order_id: int | None,
    invoice: Invoice | None,
    method: PaymentMethod | None,
) -> None:
    account.credits_cents += credits_cents
    account.balance_cents += balance_cents
    session.add(account)
    session.add(
        LedgerEntry(
            account_id=id_of(account),
            at=now,
            kind=kind,
            order_id=order_id,
            invoice_id=invoice.id if invoice else None,
            payment_method_id=method.id if method else None,
            credits_cents=credits_cents,
            balance_cents=balance_cents,
            method_cents=method_cents,
            credits_after_cents=account.credits_cents,
            balance_after_cents=account.balance_cents,
            description=description,
        )
    )


def charge(
    session: Session,
    account: Account,
    amount_cents: int,
    *,
    now: datetime,
    purpose: str,
    description: str,
    order_id: int | None = None,
    method_only: bool = False,
) -> Payment:
    """Take ``amount_cents``: credits, then the balance, then the default payment method
    (only the method when ``method_only``, as for the Advanced plan). Refused (exit 5,
    ``insufficient_funds``) when that is not enough; a zero charge takes nothing."""
    method = default_method(session, account.id)
    if method_only:
        if method is None:
            raise RuleViolation(
                f"{description} is paid by the default payment method, and the account has none",
                hint="fpctl billing payment-method add --card NUMBER --expiry MM/YY",
                code="no_payment_method",
            )
        split = Split(0, 0, amount_cents)
    else:
        split = split_charge(
            amount_cents,
            credits_cents=account.credits_cents,
            balance_cents=account.balance_cents,
            has_payment_method=method is not None,
        )
    if split.total_cents == 0:
        return Payment(split, None)
    used_method = method if split.method_cents else None
    invoice = None
    if split.balance_cents or split.method_cents:
        invoice = _issue(
            session,
            account,
            kind=INVOICE,
            purpose=purpose,
            description=description,
            split=split,
            now=now,
            order_id=order_id,
            method=used_method,
        )
    _enter(
        session,
        account,
        kind="charge",
        credits_cents=-split.credits_cents,
        balance_cents=-split.balance_cents,
        method_cents=split.method_cents,
        now=now,
        description=description,
        order_id=order_id,
        invoice=invoice,
        method=used_method,
    )
    return Payment(split, invoice)


def refund(
    session: Session,
    account: Account,
    *,
    credits_cents: int,
    balance_cents: int,
    now: datetime,
    description: str,
    order_id: int | None = None,
) -> Invoice | None:
    """Give back ``credits_cents`` as credits and ``balance_cents`` to the shared balance,
    with a credit invoice (none for credits only, as for payments)."""
    if credits_cents < 0 or balance_cents < 0:
        raise ValueError("refunds are never negative")
    if credits_cents == balance_cents == 0:
        return None
    split = Split(credits_cents, balance_cents, 0)
    invoice = None
    if balance_cents:
        invoice = _issue(
            session,
            account,
            kind=CREDIT,
            purpose="refund",
            description=description,
            split=split,
            now=now,
            order_id=order_id,
            method=None,
        )
    _enter(
        session,
        account,
        kind="refund",
        credits_cents=credits_cents,
        balance_cents=balance_cents,
        method_cents=0,
        now=now,
        description=description,
        order_id=order_id,
        invoice=invoice,
        method=None,
    )
    return invoice


def deposit(
    session: Session,
    account: Account,
    amount_cents: int,
    method: PaymentMethod,
    *,
    now: datetime,
    description: str,
) -> Invoice:
    """Money paid in from ``method`` to the shared balance, with its receipt."""
    split = Split(0, 0, amount_cents)
    invoice = _issue(
        session,
        account,
        kind=INVOICE,
        purpose="deposit",
        description=description,
        split=split,
        now=now,
        order_id=None,
        method=method,
    )
    _enter(
        session,
        account,
        kind="deposit",
        credits_cents=0,
        balance_cents=amount_cents,
        method_cents=amount_cents,
        now=now,
        description=description,
        order_id=None,
        invoice=invoice,
        method=method,
    )
    return invoice


def move_credits(
    session: Session,
    account: Account,
    credits_cents: int,
    *,
    kind: str,
    now: datetime,
    description: str,
) -> None:
    """Add (or, negative, take) Pro credits outside any payment: credits set aside on a
    switch and restored on the way back, points redeemed for credits. No invoice."""
    if credits_cents == 0:
        return
    if account.credits_cents + credits_cents < 0:
        raise ValueError("credits never go negative")
    _enter(
        session,
        account,
        kind=kind,
        credits_cents=credits_cents,
        balance_cents=0,
        method_cents=0,
        now=now,
        description=description,
        order_id=None,
        invoice=None,
        method=None,
    )
