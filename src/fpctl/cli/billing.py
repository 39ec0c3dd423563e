"""fpctl billing: the account's money, deposits, invoices, the ledger and payment methods
(admin, billing managers, support; members cannot see billing)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fpctl.cli.completion import complete_invoices, complete_orders, complete_payment_methods
from fpctl.cli.invocation import Invocation
from fpctl.cli.numbers import ID
from fpctl.cli.options import command, group
from fpctl.domain.words import counted

if TYPE_CHECKING:
    from fpctl.services.listing import Listing

app = group(
    "billing",
    "Billing: balance, billing information, deposits, invoices, the ledger, payment methods.",
)
info_app = group("info", "The billing information invoices are made out to.")
payment_method_app = group("payment-method", "Cards and PayPal addresses the account pays with.")
app.add_typer(info_app)
app.add_typer(payment_method_app)

MethodId = Annotated[
    int,
    typer.Argument(
        metavar="ID",
        parser=ID,
        help="The payment method's id.",
        autocompletion=complete_payment_methods,
    ),
]


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT = "credit"


@command(
    app,
    "show",
    examples=(
        "fpctl billing show --as elena.berg@northwind-traders.test",
        "fpctl billing show --account northwind-traders -o json",
    ),
)
def show(run: Invocation) -> None:
    """The account's money at a glance: balance, credits, default payment method, invoices."""
    from fpctl.services.money import billing
    from fpctl.views.money import billing_view

    with run.work(write=False) as ctx:
        view = billing_view(billing.summary(ctx))
    run.emit(view, title=f"Billing of {view['account']}")


@command(
    info_app,
    "show",
    examples=("fpctl billing info show --as ada@acme.test",),
)
def info_show(run: Invocation) -> None:
    """The billing information the next invoice will be made out to."""
    from fpctl.services.money import billing
    from fpctl.views.money import billing_info_view

    with run.work(write=False) as ctx:
        view = billing_info_view(ctx.the_account.slug, billing.billing_info(ctx))
    run.emit(view, title=f"Billing information of {view['account']}")


_CLEARS = " An empty value clears it."


@command(
    info_app,
    "set",
    writes=True,
    examples=(
        'fpctl billing info set --full-name "Ada Lovelace" --as ada@acme.test',
        'fpctl billing info set --company "Acme Studio Ltd" --tax-id GB123456789',
    ),
)
def info_set(
    run: Invocation,
    full_name: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="The name invoices are made out to." + _CLEARS),
    ] = None,
    company: Annotated[
        str | None, typer.Option(metavar="NAME", help="The company name." + _CLEARS)
    ] = None,
    address: Annotated[
        str | None, typer.Option(metavar="TEXT", help="The postal address." + _CLEARS)
    ] = None,
    country: Annotated[
        str | None, typer.Option(metavar="COUNTRY", help="The country." + _CLEARS)
    ] = None,
    tax_id: Annotated[
        str | None, typer.Option(metavar="NUMBER", help="The tax ID (e.g. a VAT number)." + _CLEARS)
    ] = None,
) -> None:
    """Set the billing information new invoices are made out to (issued ones never change)."""
    from fpctl.services.money import billing_info
    from fpctl.views.money import billing_info_view

    with run.work(write=True) as ctx:
        account, unchanged = billing_info.set_info(
            ctx,
            full_name=full_name,
            company=company,
            address=address,
            country=country,
            tax_id=tax_id,
        )
        view = billing_info_view(account.slug, billing_info.details(account))
    run.emit_change(
        view,
        unchanged=unchanged,
    )


@command(
    app,
    "deposit",
    writes=True,
    examples=(
        "fpctl billing deposit 1000 --as ada@acme.test",
        "fpctl billing deposit 2500.50 --as ada@acme.test --dry-run",
    ),
)
def deposit(
    run: Invocation,
    amount: Annotated[
        str, typer.Argument(metavar="AMOUNT", help="At least 1,000.00 USD, e.g. 1000 or $2,500.00.")
    ],
) -> None:
    """Deposit funds into the shared balance from the default payment method."""
    from fpctl.domain.money import parse_cents
    from fpctl.services.money import billing
    from fpctl.views.money import deposit_view

    cents = parse_cents(amount)
    with run.work(write=True) as ctx:
        view = deposit_view(billing.deposit(ctx, cents))
    run.emit(view)


@command(
    app,
    "invoices",
    lists=True,
    examples=(
        "fpctl billing invoices --as ada@acme.test",
        "fpctl billing invoices --kind credit -o csv",
        "fpctl billing invoices --export ./invoices --as ada@acme.test",
    ),
)
def invoices(
    run: Invocation,
    kind: Annotated[InvoiceKind | None, typer.Option(help="Only invoices or credits.")] = None,
    order: Annotated[
        int | None,
        typer.Option(
            metavar="ID",
            parser=ID,
            help="Only the invoices of this order.",
            autocompletion=complete_orders,
        ),
    ] = None,
    export: Annotated[
        str | None,
        typer.Option(
            metavar="DIR",
            help="Also write DIR/invoices.csv and one printable DIR/invoice-<number>.html per "
            "invoice (DIR is created when missing; a re-run overwrites the same files).",
        ),
    ] = None,
) -> None:
    """List the account's invoices and credit invoices, oldest first; --export writes them
    to files."""
    from fpctl.services.money import billing
    from fpctl.views.money import INVOICE_COLUMNS, invoice_view

    directory = None
    if export is not None:
        from fpctl.render.invoice_export import export_directory

        directory = export_directory(export)
    with run.work(write=False) as ctx:
        slug = ctx.the_account.slug
        found = billing.list_invoices(ctx, kind=kind and kind.value, order_id=order)
        rows = found.map(lambda invoice: invoice_view(invoice, slug))
        columns = INVOICE_COLUMNS
        if directory is not None:
            rows, columns = _exported(run, rows, directory), [*INVOICE_COLUMNS, "file"]
        run.emit(rows, table_columns=columns, title=f"Invoices of {slug}")


def _exported(
    run: Invocation, rows: Listing[dict[str, Any]], directory: Path
) -> Listing[dict[str, Any]]:
    """Write the export, one invoice at a time, and say so on stderr; then the rows, read
    again in the same transaction, gain the path of their document."""
    from fpctl.render.invoice_export import INDEX, export, exported

    count = export(rows, directory)
    run.note(
        f"wrote {counted(count + 1, 'file')} to {directory}: {INDEX} and "
        f"{counted(count, 'invoice document')}"
    )
    return rows.map(lambda invoice: exported(invoice, directory))


@command(
    app,
    "invoice",
    examples=(
        "fpctl billing invoice 12 --as ada@acme.test",
        "fpctl billing invoice 12 -o json",
    ),
)
def invoice(
    run: Invocation,
    invoice_id: Annotated[
        int,
        typer.Argument(
            metavar="ID", parser=ID, help="The invoice's id.", autocompletion=complete_invoices
        ),
    ],
) -> None:
    """Show one invoice as it was issued."""
    from fpctl.services.money import billing
    from fpctl.views.money import invoice_view

    with run.work(write=False) as ctx:
        view = invoice_view(billing.find_invoice(ctx, invoice_id), ctx.the_account.slug)
    run.emit(view, title=f"Invoice {view['number']}")


@command(
    app,
    "ledger",
    lists=True,
    examples=(
        "fpctl billing ledger --account northwind-traders --all",
        "fpctl billing ledger -o csv > ledger.csv",
    ),
)
def ledger(run: Invocation) -> None:
    """List every movement of the balance and credits, and every card charge, oldest first."""
    from fpctl.services.money import billing
    from fpctl.views.money import LEDGER_COLUMNS, ledger_entry_view

    with run.work(write=False) as ctx:
        slug = ctx.the_account.slug
        rows = billing.ledger_entries(ctx).map(lambda entry: ledger_entry_view(entry, slug))
        run.emit(rows, table_columns=LEDGER_COLUMNS, title=f"Ledger of {slug}")


@command(
    payment_method_app,
    "add",
    writes=True,
    examples=(
        'fpctl billing payment-method add --card "4242 4242 4242 4242" --expiry 12/30',
        "fpctl billing payment-method add --paypal ada@acme.test --as ada@acme.test",
    ),
)
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
    from fpctl.services.money import payment_methods
    from fpctl.views.money import payment_method_view

    with run.work(write=True) as ctx:
        method = payment_methods.add(ctx, card=card, expiry_text=expiry, paypal=paypal)
        view = payment_method_view(method, ctx.the_account.slug)
    run.emit(view)


@command(
    payment_method_app,
    "list",
    lists=True,
    examples=("fpctl billing payment-method list --as ada@acme.test",),
)
def list_(run: Invocation) -> None:
    """List the account's payment methods, oldest first (members cannot see billing)."""
    from fpctl.services.money import payment_methods
    from fpctl.views.money import PAYMENT_METHOD_COLUMNS, payment_method_view

    with run.work(write=False) as ctx:
        slug = ctx.the_account.slug
        rows = [payment_method_view(m, slug) for m in payment_methods.list_methods(ctx)]
    run.emit(
        rows,
        table_columns=PAYMENT_METHOD_COLUMNS,
        title=f"Payment methods of {slug}",
    )


@command(
    payment_method_app,
    "remove",
    writes=True,
    examples=("fpctl billing payment-method remove 2 --yes --as ada@acme.test",),
)
def remove(run: Invocation, method_id: MethodId) -> None:
    """Remove a payment method; removing the default makes the oldest remaining one default."""
    from fpctl.services.money import payment_methods
    from fpctl.views.money import payment_method_view

    with run.work(write=True) as ctx:
        method, successor = payment_methods.remove(ctx, method_id)
        view = payment_method_view(method, ctx.the_account.slug)
        promoted = None if successor is None else payment_methods.describe(successor)
        promoted_id = None if successor is None else successor.id
    if promoted is not None:
        run.note(f"payment method {promoted_id} ({promoted}) is now the default")
    run.emit(view)


@command(
    payment_method_app,
    "default",
    writes=True,
    examples=("fpctl billing payment-method default 2 --as ada@acme.test",),
)
def default(run: Invocation, method_id: MethodId) -> None:
    """Make a payment method the account's default (the only one)."""
    from fpctl.services.money import payment_methods
    from fpctl.views.money import payment_method_view

    with run.work(write=True) as ctx:
        method, unchanged = payment_methods.make_default(ctx, method_id)
        view = payment_method_view(method, ctx.the_account.slug)
    run.emit_change(
        view,
        unchanged=unchanged,
    )
