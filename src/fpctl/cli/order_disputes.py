"""fpctl order dispute | dispute-accept | dispute-decline | dispute-withdraw: the dispute
manager (issue 14), beside mutual cancellation. Registered on the `order` group; every
command prints the order as it now is (its open request under `dispute`)."""

from __future__ import annotations

from typing import Annotated

import typer

from fpctl.cli.invocation import Invocation
from fpctl.cli.options import command
from fpctl.cli.order_base import OrderId, app, change, order_view


@command(
    app,
    "dispute",
    writes=True,
    examples=(
        'fpctl order dispute 27 --more-time --due 2026-12-24 --reason "Late fonts"',
        'fpctl order dispute 27 --modification "Blue logo" --reason "New brief"',
        'fpctl order dispute 27 --refund 40 --reason "One banner dropped" --as @lena',
    ),
)
def dispute(
    run: Invocation,
    order_id: OrderId,
    more_time: Annotated[
        bool,
        typer.Option("--more-time", help="Ask for more time (the freelancer), with --due."),
    ] = False,
    due: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="The new due date, with --more-time (ISO-8601, UTC)."),
    ] = None,
    modification: Annotated[
        str | None,
        typer.Option(metavar="TEXT", help="Ask for a modification (buyer side): what to change."),
    ] = None,
    refund: Annotated[
        str | None,
        typer.Option(
            metavar="AMOUNT",
            help="Propose a partial refund (either side), at most what is left to refund.",
        ),
    ] = None,
) -> None:
    """Propose more time, a modification or a partial refund, with --reason TEXT; the
    other side answers within 48 hours (unanswered, the request expires). The order is on
    hold meanwhile."""
    from fpctl.errors import InvalidInput
    from fpctl.services.orders import disputes

    if more_time != (due is not None):
        raise InvalidInput(
            "--more-time and --due go together",
            hint=f"fpctl order dispute {order_id} --more-time --due DATE --reason TEXT",
            code="one_proposal",
        )
    proposal = disputes.Proposal(more_time_due=due, modification=modification, refund=refund)
    change(run, lambda ctx: disputes.request(ctx, order_id, proposal, run.reason or ""))


@command(
    app,
    "dispute-accept",
    writes=True,
    examples=(
        "fpctl order dispute-accept 27 --as @lena.design",
        "fpctl order dispute-accept 27 --as mia@acme.test -o json",
    ),
)
def dispute_accept(run: Invocation, order_id: OrderId) -> None:
    """Accept the other side's dispute request: the new due date, the work reopened, or
    the refund to the account's balance (credits back to credits)."""
    from fpctl.domain.money import format_cents
    from fpctl.services.orders import disputes

    with run.work(write=True) as ctx:
        agreed = disputes.accept(ctx, order_id)
        view = order_view(ctx, agreed.order)
    run.note(f"agreed: {disputes.summary(agreed.dispute)}")
    if agreed.dispute.amount_cents is not None:
        invoice = agreed.invoice
        run.note(
            f"refunded {format_cents(agreed.dispute.amount_cents)}"
            + (f" (credit invoice {invoice.id})" if invoice is not None else " (credits)")
        )
    run.emit(view)


@command(
    app,
    "dispute-decline",
    writes=True,
    examples=("fpctl order dispute-decline 27 --as mia@acme.test",),
)
def dispute_decline(run: Invocation, order_id: OrderId) -> None:
    """Decline the other side's dispute request: nothing changes, the order goes on."""
    from fpctl.services.orders import disputes

    change(run, lambda ctx: disputes.decline(ctx, order_id))


@command(
    app,
    "dispute-withdraw",
    writes=True,
    examples=("fpctl order dispute-withdraw 27 --as @lena.design",),
)
def dispute_withdraw(run: Invocation, order_id: OrderId) -> None:
    """Withdraw your own dispute request: nothing changes, the order goes on."""
    from fpctl.services.orders import disputes

    change(run, lambda ctx: disputes.withdraw(ctx, order_id))
