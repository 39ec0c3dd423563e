"""fpctl billing: the account's money, deposits, invoices, the ledger and payment methods
(admin, billing managers, support; members cannot see billing)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from fpctl.cli.invocation import Invocation
from fpctl.cli.options import command, group

app = group("billing", "Billing: balance, deposits, invoices, the ledger, payment methods.")
payment_method_app = group("payment-method", "Cards and PayPal addresses the account pays with.")
app.add_typer(payment_method_app)

MethodId = Annotated[int, typer.Argument(metavar="ID", help="The payment method's id.")]


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT = "credit"


@command(app, "show")
def show(run: Invocation) -> None:
    """The account's money at a glance: balance, credits, default payment method, invoices."""
    from fpctl.services import billing
    from fpctl.services.views import billing_view

    with run.work(write=False) as ctx:
        view = billing_view(billing.summary(ctx))
    run.emit(view, title=f"Billing of {view['account']}")


@command(app, "deposit", writes=True)
def deposit(
    run: Invocation,
    amount: Annotated[str, typer.Argument(help="At least 1,000.00 USD, e.g. 1000 or $2,500.00.")],
) -> None:
    """Deposit funds into the shared balance from the default payment method."""
    from fpctl.domain.money import parse_cents
    from fpctl.services import billing
    from fpctl.services.views import deposit_view

    cents = parse_cents(amount)
    with run.work(write=True) as ctx:
        view = deposit_view(billing.deposit(ctx, cents))
    run.emit(view)


@command(app, "invoices", lists=True)
def invoices(
    run: Invocation,
    kind: Annotated[InvoiceKind | None, typer.Option(help="Only invoices or credits.")] = None,
    order: Annotated[
        int | None, typer.Option(metavar="ID", help="Only the invoices of this order.")
    ] = None,
) -> None:
    """List the account's invoices and credit invoices, oldest first."""
    from fpctl.services import billing
    from fpctl.services.views import INVOICE_COLUMNS, invoice_view

    with run.work(write=False) as ctx:
        slug = ctx.the_account.slug
        found = billing.list_invoices(ctx, kind=kind and kind.value, order_id=order)
        rows = [invoice_view(i, slug) for i in found]
    run.emit(
        rows,
        columns=INVOICE_COLUMNS if run.output == "table" else None,
        title=f"Invoices of {slug}",
    )


@command(app, "invoice")
def invoice(
    run: Invocation,
    invoice_id: Annotated[int, typer.Argument(metavar="ID", help="The invoice's id.")],
) -> None:
    """Show one invoice as it was issued."""
    from fpctl.services import billing
    from fpctl.services.views import invoice_view

    with run.work(write=False) as ctx:
        view = invoice_view(billing.find_invoice(ctx, invoice_id), ctx.the_account.slug)
    run.emit(view, title=f"Invoice {view['number']}")


@command(app, "ledger", lists=True)
def ledger(run: Invocation) -> None:
    """List every movement of the balance and credits, and every card charge, oldest first."""
    from fpctl.services import billing
    from fpctl.services.views import LEDGER_COLUMNS, ledger_entry_view

    with run.work(write=False) as ctx:
        slug = ctx.the_account.slug
        rows = [ledger_entry_view(e, slug) for e in billing.ledger_entries(ctx)]
    run.emit(
        rows,
        columns=LEDGER_COLUMNS if run.output == "table" else None,
        title=f"Ledger of {slug}",
    )


@command(payment_method_app, "add", writes=True)
def add(
    run: Invocation,
    card: Annotated[
        str | None,
        typer.Option(
            metavar="NUMBER", help="A card number (Luhn-checked; only its last 4 digits are kept)."
        ),
    ] = None,
    expiry: Annotated[
        str | None, typer.Option(metavar="MM/YY", help="The card's expiry (with --card).")
    ] = None,
    paypal: Annotated[
        str | None, typer.Option(metavar="EMAIL", help="A PayPal address (instead of --card).")
    ] = None,
) -> None:
    """Add a card or a PayPal address. The account's first method becomes the default."""
    from fpctl.services import payment_methods
    from fpctl.services.views import payment_method_view

    with run.work(write=True) as ctx:
        method = payment_methods.add(ctx, card=card, expiry_text=expiry, paypal=paypal)
        view = payment_method_view(method, ctx.the_account.slug)
    run.emit(view)


@command(payment_method_app, "list", lists=True)
def list_(run: Invocation) -> None:
    """List the account's payment methods, oldest first (members cannot see billing)."""
    from fpctl.services import payment_methods
    from fpctl.services.views import PAYMENT_METHOD_COLUMNS, payment_method_view

    with run.work(write=False) as ctx:
        slug = ctx.the_account.slug
        rows = [payment_method_view(m, slug) for m in payment_methods.list_methods(ctx)]
    run.emit(
        rows,
        columns=PAYMENT_METHOD_COLUMNS if run.output == "table" else None,
        title=f"Payment methods of {slug}",
    )


@command(payment_method_app, "remove", writes=True)
def remove(run: Invocation, method_id: MethodId) -> None:
    """Remove a payment method; removing the default makes the oldest remaining one default."""
    from fpctl.services import payment_methods
    from fpctl.services.views import payment_method_view

    with run.work(write=True) as ctx:
        method, successor = payment_methods.remove(ctx, method_id)
        view = payment_method_view(method, ctx.the_account.slug)
        promoted = None if successor is None else payment_methods.describe(successor)
        promoted_id = None if successor is None else successor.id
    if promoted is not None:
        run.note(f"payment method {promoted_id} ({promoted}) is now the default")
    run.emit(view)


@command(payment_method_app, "default", writes=True)
def default(run: Invocation, method_id: MethodId) -> None:
    """Make a payment method the account's default (the only one)."""
    from fpctl.services import payment_methods
    from fpctl.services.views import payment_method_view

    with run.work(write=True) as ctx:
        method, changed = payment_methods.make_default(ctx, method_id)
        view = payment_method_view(method, ctx.the_account.slug)
    if not changed:
        run.note(f"payment method {method_id} is already the default: nothing changed")
    run.emit(view)
