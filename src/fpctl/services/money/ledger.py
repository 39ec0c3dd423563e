"""Money movements (SPEC §1.5 checkout, §1.8): charges, refunds, deposits, and their invoices.

The account row holds the current balance and Pro credits; every change to them, and every
charge to a payment method, is also a ``LedgerEntry`` written in the same transaction, so
the ledger always adds up to the account (``db check`` can prove it). A payment produces
an invoice unless it was made with credits only; a refund produces a credit invoice on the
same terms. Invoices snapshot the billing details when issued and never change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
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


def _invoice(
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
    return Invoice(
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


def _issue(session: Session, invoice: Invoice) -> Invoice:
    """Write ``invoice`` now: the ledger row names its id."""
    session.add(invoice)
    session.flush()
    return invoice


def _entry(
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
    after: tuple[int, int] | None = None,
) -> LedgerEntry:
    """The ledger row of a movement; ``after`` is the account's (credits, balance) once it
    is made (default: as the account holds them now)."""
    credits_after, balance_after = after or (account.credits_cents, account.balance_cents)
    return LedgerEntry(
        account_id=id_of(account),
        at=now,
        kind=kind,
        order_id=order_id,
        invoice_id=invoice.id if invoice else None,
        payment_method_id=method.id if method else None,
        credits_cents=credits_cents,
        balance_cents=balance_cents,
        method_cents=method_cents,
        credits_after_cents=credits_after,
        balance_after_cents=balance_after,
        description=description,
    )


def _enter(session: Session, account: Account, entry: LedgerEntry) -> None:
    """Move the account's credits and balance by ``entry`` and write it, with what the
    account holds once moved."""
    account.credits_cents += entry.credits_cents
    account.balance_cents += entry.balance_cents
    entry.credits_after_cents = account.credits_cents
    entry.balance_after_cents = account.balance_cents
    session.add(account)
    session.add(entry)


@dataclass
class PlannedCharge:
    """A charge decided — its split, and the account's credits and balance once it is
    taken (already moved on the account) — but not yet written: ``write_charges`` writes
    many at once, with their invoices."""

    account: Account
    split: Split
    method: PaymentMethod | None
    purpose: str
    now: datetime
    after: tuple[int, int]


def plan_charge(
    account: Account,
    amount_cents: int,
    method: PaymentMethod | None,
    *,
    now: datetime,
    purpose: str,
    paying_for: str,
    method_only: bool = False,
) -> PlannedCharge:
    """Decide how ``amount_cents`` is taken from the account whose default payment method
    is ``method``: credits, then the balance, then the method (only the method when
    ``method_only``, as for the Advanced plan). Refused (exit 5, ``insufficient_funds``)
    when that is not enough, with nothing moved; otherwise the account's credits and
    balance are moved now. ``paying_for`` names the charge in that refusal."""
    if method_only:
        if method is None:
            raise RuleViolation(
                f"{paying_for} is paid by the default payment method, and the account has none",
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
    account.credits_cents -= split.credits_cents
    account.balance_cents -= split.balance_cents
    return PlannedCharge(
        account,
        split,
        method if split.method_cents else None,
        purpose,
        now,
        (account.credits_cents, account.balance_cents),
    )


def write_charges(
    session: Session, charges: Sequence[tuple[PlannedCharge, str, int | None]]
) -> list[Payment]:
    """Write planned charges, each with its description and order: the invoices in one
    flush, then the ledger rows. A zero charge writes nothing; a charge made with credits
    only has no invoice."""
    invoices: list[Invoice | None] = []
    for planned, description, order_id in charges:
        split = planned.split
        invoice = None
        if split.balance_cents or split.method_cents:
            invoice = _invoice(
                planned.account,
                kind=INVOICE,
                purpose=planned.purpose,
                description=description,
                split=split,
                now=planned.now,
                order_id=order_id,
                method=planned.method,
            )
            session.add(invoice)
        invoices.append(invoice)
    if any(invoices):
        session.flush()
    payments = []
    for (planned, description, order_id), invoice in zip(charges, invoices, strict=True):
        split = planned.split
        if split.total_cents:
            session.add(planned.account)
            session.add(
                _entry(
                    planned.account,
                    kind="charge",
                    credits_cents=-split.credits_cents,
                    balance_cents=-split.balance_cents,
                    method_cents=split.method_cents,
                    now=planned.now,
                    description=description,
                    order_id=order_id,
                    invoice=invoice,
                    method=planned.method,
                    after=planned.after,
                )
            )
        payments.append(Payment(split, invoice))
    return payments


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
    """Take ``amount_cents`` (see ``plan_charge``) and write it; a zero charge takes nothing."""
    planned = plan_charge(
        account,
        amount_cents,
        default_method(session, account.id),
        now=now,
        purpose=purpose,
        paying_for=description,
        method_only=method_only,
    )
    [payment] = write_charges(session, [(planned, description, order_id)])
    return payment


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
            _invoice(
                account,
                kind=CREDIT,
                purpose="refund",
                description=description,
                split=split,
                now=now,
                order_id=order_id,
                method=None,
            ),
        )
    _enter(
        session,
        account,
        _entry(
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
        ),
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
        _invoice(
            account,
            kind=INVOICE,
            purpose="deposit",
            description=description,
            split=split,
            now=now,
            order_id=None,
            method=method,
        ),
    )
    _enter(
        session,
        account,
        _entry(
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
        ),
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
        _entry(
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
        ),
    )
