"""services.billing: deposits, invoices, the ledger and the summary (SPEC §1.8, §2)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import select

from fpctl.clock import parse_instant
from fpctl.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from fpctl.services.money import billing, ledger
from fpctl.store.tables import AuditRecord, Invoice, LedgerEntry

ADA = {"as_": "ada@acme.test"}
BILL = {"as_": "bill@acme.test"}
MIA = {"as_": "mia@acme.test"}
SUPPORT = {"as_": "support", "account": "acme", "reason": "ticket 9"}
OPERATOR = {"account": "acme"}  # a read with no actor
NO_INFO = dict.fromkeys(("full_name", "company", "address", "country", "tax_id"))
AT = parse_instant("2026-11-01T10:00:00Z")


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def deposit(work: Any, cents: int, actor: dict[str, Any] = ADA) -> billing.Deposit:
    with work(**actor) as ctx:
        return billing.deposit(ctx, cents)


def counts(work: Any) -> tuple[int, int, int, int]:
    """(balance, invoices, ledger entries, billing audit records)"""
    with work(**OPERATOR, write=False) as ctx:
        audited = ctx.session.exec(
            select(AuditRecord).where(AuditRecord.action == "billing.deposit")
        ).all()
        return (
            ctx.the_account.balance_cents,
            len(ctx.session.exec(select(Invoice)).all()),
            len(ctx.session.exec(select(LedgerEntry)).all()),
            len(audited),
        )


# -- deposit ----------------------------------------------------------------------------------


def test_a_deposit_moves_money_from_the_default_method_to_the_balance(work: Any, shop: Any) -> None:
    done = deposit(work, 100_000)

    assert done == billing.Deposit("acme", 100_000, 100_000, 1, "card *4242", AT)
    with work(**OPERATOR, write=False) as ctx:
        [entry] = ctx.session.exec(select(LedgerEntry)).all()
        [receipt] = ctx.session.exec(select(Invoice)).all()
        [record] = ctx.session.exec(
            select(AuditRecord).where(AuditRecord.action == "billing.deposit")
        ).all()
    assert (entry.kind, entry.credits_cents, entry.balance_cents, entry.method_cents) == (
        "deposit",
        0,
        100_000,
        100_000,
    )
    assert (entry.balance_after_cents, entry.invoice_id, entry.payment_method_id) == (100_000, 1, 1)
    assert (receipt.kind, receipt.purpose, receipt.amount_cents, receipt.method_cents) == (
        "invoice",
        "deposit",
        100_000,
        100_000,
    )
    assert (receipt.balance_cents, receipt.credits_cents) == (0, 0)
    assert receipt.payment_method == "card *4242"
    assert (record.actor, record.target, json.loads(record.changes)) == (
        "ada@acme.test",
        "account:acme",
        {"balance_cents": [0, 100_000]},
    )


def test_deposits_add_up(work: Any, shop: Any) -> None:
    deposit(work, 100_000)
    done = deposit(work, 250_050, BILL)

    assert (done.balance_cents, done.invoice_id) == (350_050, 2)
    assert counts(work) == (350_050, 2, 2, 2)


def test_a_deposit_below_the_minimum_is_refused(work: Any, shop: Any) -> None:
    with pytest.raises(RuleViolation) as refused:
        deposit(work, 99_999)

    assert refused.value.code == "deposit_too_small"
    assert refused.value.message == "the minimum deposit is $1,000.00; $999.99 is too small"
    assert counts(work) == (0, 0, 0, 0)


def test_a_deposit_needs_a_payment_method(work: Any, team: Any) -> None:
    with pytest.raises(RuleViolation) as refused:
        deposit(work, 100_000)

    assert refused.value.code == "no_payment_method"
    assert refused.value.hint == "fpctl billing payment-method add --card NUMBER --expiry MM/YY"
    assert counts(work) == (0, 0, 0, 0)


def test_members_cannot_deposit(work: Any, shop: Any) -> None:
    with pytest.raises(PermissionDenied) as denied:
        deposit(work, 100_000, MIA)

    assert denied.value.message == (
        "mia@acme.test cannot deposit funds: only the admin, billing managers and support can"
    )
    assert counts(work) == (0, 0, 0, 0)


def test_support_deposits_with_a_reason(work: Any, shop: Any) -> None:
    with pytest.raises(PermissionDenied) as denied:
        deposit(work, 100_000, {"as_": "support", "account": "acme"})
    assert denied.value.code == "reason_required"

    deposit(work, 100_000, SUPPORT)
    with work(**OPERATOR, write=False) as ctx:
        record = ctx.session.exec(
            select(AuditRecord).where(AuditRecord.action == "billing.deposit")
        ).one()
    assert (record.actor, record.agent, record.reason) == ("support:sam", "sam", "ticket 9")


def test_a_deposit_needs_an_actor(work: Any, shop: Any) -> None:
    with pytest.raises(InvalidInput):
        deposit(work, 100_000, OPERATOR)


# -- reading ----------------------------------------------------------------------------------


@pytest.fixture
def history(work: Any, shop: Any) -> None:
    """Invoice 1: deposit 1,000.00; invoice 2: charge 300.00 from the balance; invoice 3:
    credit 300.00 to the balance."""
    deposit(work, 100_000)
    with work(**ADA) as ctx:
        ledger.charge(
            ctx.session, ctx.the_account, 30_000, now=ctx.now, purpose="order", description="Logo"
        )
        ledger.refund(
            ctx.session,
            ctx.the_account,
            credits_cents=0,
            balance_cents=30_000,
            now=ctx.now,
            description="Refund",
        )
        ctx.record_on_account(ctx.the_account, action="test.money", changes={})  # covers it


@pytest.mark.parametrize("actor", [ADA, BILL, {"as_": "support", "account": "acme"}, OPERATOR])
def test_the_admin_billing_managers_support_and_operators_read_billing(
    work: Any, history: None, actor: dict[str, Any]
) -> None:
    with work(**actor, write=False) as ctx:
        assert [i.id for i in billing.list_invoices(ctx)] == [1, 2, 3]
        assert billing.find_invoice(ctx, 2).purpose == "order"
        assert [e.kind for e in billing.ledger_entries(ctx)] == ["deposit", "charge", "refund"]
        assert billing.summary(ctx) == billing.Summary("acme", 100_000, 0, "card *4242", 3, NO_INFO)


@pytest.mark.parametrize(
    "read",
    [
        billing.list_invoices,
        billing.ledger_entries,
        billing.summary,
        lambda ctx: billing.find_invoice(ctx, 1),
    ],
)
def test_members_cannot_see_billing_history(work: Any, history: None, read: Any) -> None:
    with work(**MIA, write=False) as ctx, pytest.raises(PermissionDenied) as denied:
        read(ctx)

    assert denied.value.message == (
        "mia@acme.test cannot see billing history: only the admin, billing managers and support can"
    )


def test_invoices_filter_by_kind_and_order(work: Any, history: None) -> None:
    with work(**ADA, write=False) as ctx:
        assert [i.id for i in billing.list_invoices(ctx, kind="credit")] == [3]
        assert [i.id for i in billing.list_invoices(ctx, kind="invoice")] == [1, 2]
        assert list(billing.list_invoices(ctx, order_id=7)) == []


def test_another_accounts_invoice_is_not_found(work: Any, history: None, cli: Any) -> None:
    cli("account", "create", "Globex", "--admin", "gus@globex.test", "--slug", "globex")

    with work(as_="gus@globex.test", write=False) as ctx:
        assert list(billing.list_invoices(ctx)) == []
        assert list(billing.ledger_entries(ctx)) == []
        assert billing.summary(ctx) == billing.Summary("globex", 0, 0, None, 0, NO_INFO)
        for invoice_id in (1, 99):
            with pytest.raises(NotFound, match=f"no invoice {invoice_id} in this account"):
                billing.find_invoice(ctx, invoice_id)
