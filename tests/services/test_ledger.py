"""services.ledger: charges and refunds, their ledger entries and invoices (SPEC §1.5, §1.8)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import col, select

from fpctl.clock import parse_instant
from fpctl.domain.payments import Split
from fpctl.errors import RuleViolation
from fpctl.services.money import ledger
from fpctl.store.tables import Account, Invoice, LedgerEntry

ADA = {"as_": "ada@acme.test"}
AT = parse_instant("2026-11-01T10:00:00Z")


def fund(work: Any, *, credits: int = 0, balance: int = 0) -> None:
    """Give acme credits and balance as an account that predates the ledger would have."""
    with work(**ADA) as ctx:
        ctx.the_account.credits_cents = credits
        ctx.the_account.balance_cents = balance
        ctx.session.add(ctx.the_account)


def charge(work: Any, amount: int, **values: Any) -> tuple[Split, int | None]:
    values.setdefault("purpose", "order")
    values.setdefault("description", "Logo design")
    with work(**ADA) as ctx:
        payment = ledger.charge(ctx.session, ctx.the_account, amount, now=ctx.now, **values)
        ctx.record_on_account(ctx.the_account, action="test.money", changes={})  # covers it
        return payment.split, payment.invoice.id if payment.invoice else None


def refund(work: Any, *, credits: int = 0, balance: int = 0) -> int | None:
    with work(**ADA) as ctx:
        invoice = ledger.refund(
            ctx.session,
            ctx.the_account,
            credits_cents=credits,
            balance_cents=balance,
            now=ctx.now,
            description="Refund of order 1",
            order_id=None,
        )
        ctx.record_on_account(ctx.the_account, action="test.money", changes={})  # covers it
        return invoice.id if invoice else None


def money(work: Any) -> tuple[int, int]:
    with work(write=False) as ctx:
        account = ctx.session.exec(select(Account).where(Account.slug == "acme")).one()
        return account.credits_cents, account.balance_cents


def entries(work: Any) -> list[tuple[Any, ...]]:
    """(kind, credits, balance, method, credits after, balance after, invoice, method id)"""
    with work(write=False) as ctx:
        rows = ctx.session.exec(select(LedgerEntry).order_by(col(LedgerEntry.id))).all()
        return [
            (
                e.kind,
                e.credits_cents,
                e.balance_cents,
                e.method_cents,
                e.credits_after_cents,
                e.balance_after_cents,
                e.invoice_id,
                e.payment_method_id,
            )
            for e in rows
        ]


def invoices(work: Any) -> list[dict[str, Any]]:
    with work(write=False) as ctx:
        rows = ctx.session.exec(select(Invoice).order_by(col(Invoice.id))).all()
        return [
            {
                "id": i.id,
                "kind": i.kind,
                "purpose": i.purpose,
                "amount": i.amount_cents,
                "split": (i.credits_cents, i.balance_cents, i.method_cents),
                "method": i.payment_method,
                "billed_to": json.loads(i.billed_to),
                "issued_at": i.issued_at,
            }
            for i in rows
        ]


# -- charge -----------------------------------------------------------------------------------


def test_a_charge_takes_credits_then_balance_then_the_method(work: Any, shop: Any) -> None:
    fund(work, credits=1_000, balance=2_000)

    split, invoice_id = charge(work, 10_000)

    assert split == Split(1_000, 2_000, 7_000)
    assert money(work) == (0, 0)
    assert entries(work) == [("charge", -1_000, -2_000, 7_000, 0, 0, 1, 1)]
    assert invoice_id == 1
    assert invoices(work) == [
        {
            "id": 1,
            "kind": "invoice",
            "purpose": "order",
            "amount": 10_000,
            "split": (1_000, 2_000, 7_000),
            "method": "card *4242",
            "billed_to": {
                "account": "acme",
                "name": "Acme",
                **dict.fromkeys(("full_name", "company", "address", "country", "tax_id")),
            },
            "issued_at": AT,
        }
    ]


def test_a_charge_the_balance_covers_leaves_the_method_alone(work: Any, shop: Any) -> None:
    fund(work, credits=500, balance=20_000)

    split, invoice_id = charge(work, 10_000)

    assert split == Split(500, 9_500, 0)
    assert money(work) == (0, 10_500)
    assert entries(work) == [("charge", -500, -9_500, 0, 0, 10_500, 1, None)]
    assert invoices(work)[0]["method"] is None
    assert invoice_id == 1


def test_a_charge_paid_with_credits_only_has_no_invoice(work: Any, team: Any) -> None:
    fund(work, credits=15_000, balance=3_000)

    split, invoice_id = charge(work, 10_000)

    assert (split, invoice_id) == (Split(10_000, 0, 0), None)
    assert money(work) == (5_000, 3_000)
    assert entries(work) == [("charge", -10_000, 0, 0, 5_000, 3_000, None, None)]
    assert invoices(work) == []


def test_not_enough_funds_and_no_method_is_refused(work: Any, team: Any) -> None:
    fund(work, credits=1_000, balance=2_000)

    with pytest.raises(RuleViolation) as refused:
        charge(work, 10_000)

    assert (refused.value.code, refused.value.exit_code) == ("insufficient_funds", 5)
    assert money(work) == (1_000, 2_000)
    assert entries(work) == []
    assert invoices(work) == []


def test_method_only_charges_ignore_credits_and_balance(work: Any, shop: Any) -> None:
    fund(work, credits=50_000, balance=50_000)

    split, invoice_id = charge(work, 2_900, purpose="subscription", method_only=True)

    assert (split, invoice_id) == (Split(0, 0, 2_900), 1)
    assert money(work) == (50_000, 50_000)
    assert entries(work) == [("charge", 0, 0, 2_900, 50_000, 50_000, 1, 1)]
    assert invoices(work)[0]["purpose"] == "subscription"


def test_method_only_without_a_method_is_refused(work: Any, team: Any) -> None:
    fund(work, balance=50_000)

    with pytest.raises(RuleViolation) as refused:
        charge(work, 2_900, description="The Advanced plan", method_only=True)

    assert refused.value.code == "no_payment_method"
    assert refused.value.hint == "fpctl billing payment-method add --card NUMBER --expiry MM/YY"
    assert money(work) == (0, 50_000)
    assert entries(work) == []


def test_a_zero_charge_takes_nothing(work: Any, team: Any) -> None:
    split, invoice_id = charge(work, 0)

    assert (split, invoice_id) == (Split(0, 0, 0), None)
    assert entries(work) == []
    assert invoices(work) == []


# -- refund -----------------------------------------------------------------------------------


def test_a_refund_gives_credits_back_as_credits_and_money_to_the_balance(
    work: Any, shop: Any
) -> None:
    fund(work, credits=1_000)
    charge(work, 10_000)  # 1,000 credits, 9,000 from the card

    invoice_id = refund(work, credits=1_000, balance=9_000)

    assert invoice_id == 2
    assert money(work) == (1_000, 9_000)
    assert entries(work)[1] == ("refund", 1_000, 9_000, 0, 1_000, 9_000, 2, None)
    credit = invoices(work)[1]
    assert (credit["kind"], credit["purpose"], credit["amount"], credit["split"]) == (
        "credit",
        "refund",
        10_000,
        (1_000, 9_000, 0),
    )
    assert credit["method"] is None


def test_a_refund_of_credits_only_has_no_credit_invoice(work: Any, team: Any) -> None:
    fund(work, credits=10_000)
    charge(work, 4_000)

    assert refund(work, credits=4_000) is None
    assert money(work) == (10_000, 0)
    assert entries(work)[1] == ("refund", 4_000, 0, 0, 10_000, 0, None, None)
    assert invoices(work) == []


def test_an_empty_refund_does_nothing_and_a_negative_one_is_a_bug(work: Any, team: Any) -> None:
    assert refund(work) is None
    assert entries(work) == []
    with pytest.raises(ValueError, match="never negative"):
        refund(work, balance=-1)
