"""fpctl order: after the order — review, the guarantee refund, and what comes next."""

from __future__ import annotations

from typing import Annotated

import typer

from fpctl.cli.invocation import Invocation
from fpctl.cli.numbers import COUNT
from fpctl.cli.options import command
from fpctl.cli.order_base import OrderId, app, order_view


@command(
    app,
    "review",
    writes=True,
    examples=('fpctl order review 27 --rating 5 --text "Quick and careful" --as ada@acme.test',),
)
def review(
    run: Invocation,
    order_id: OrderId,
    rating: Annotated[int, typer.Option(metavar="1-5", parser=COUNT, help="The rating, 1 to 5.")],
    text: Annotated[
        str | None, typer.Option(metavar="TEXT", help="What you thought of the work.")
    ] = None,
) -> None:
    """Review a completed order (buyer side): a 1-5 rating and optional text, once per order.
    Every member of the account sees it on the freelancer's card."""
    from fpctl.services.orders import reviews
    from fpctl.views.network import review_view

    with run.work(write=True) as ctx:
        entry = reviews.review(ctx, order_id, rating=rating, text=text)
        view = review_view(entry, reviews.freelancer_of(ctx, entry).username)
    run.emit(view)


@command(
    app,
    "refund",
    writes=True,
    examples=(
        'fpctl order refund 27 --as support --reason "ticket 4821"',
        'fpctl order refund 27 --amount 50 --as support --reason "late delivery"',
    ),
)
def refund(
    run: Invocation,
    order_id: OrderId,
    amount: Annotated[
        str | None,
        typer.Option(metavar="AMOUNT", help="How much (default: everything not yet refunded)."),
    ] = None,
) -> None:
    """Refund a completed, non-hourly order under the satisfaction guarantee (support, with
    --reason, within 14 days of completion), to the account's balance."""
    from fpctl.domain.money import format_cents
    from fpctl.services.orders import refunds

    with run.work(write=True) as ctx:
        done = refunds.refund(ctx, order_id, amount=amount)
        slug, view = ctx.the_account.slug, order_view(ctx, done.order)
    run.note(
        f"refunded {format_cents(done.amount_cents)} to {slug}'s balance"
        + (f" (credit invoice {done.invoice.id})" if done.invoice is not None else "")
    )
    run.emit(view)


@command(
    app,
    "next",
    lists=True,
    examples=(
        "fpctl order next 27",
        "fpctl order next 27 -o json",
    ),
)
def next_(run: Invocation, order_id: OrderId) -> None:
    """What can happen next to the order: who must act, by when, and the exact command."""
    from fpctl.services.orders.next_steps import next_steps
    from fpctl.views.orders import NEXT_COLUMNS, step_view

    with run.work(write=False) as ctx:
        found = next_steps(ctx, order_id)
    if found.note:
        run.note(found.note)
    rows = [step_view(step) for step in found.steps]
    if run.output in ("table", "wide") and run.batch is None:
        import sys

        from fpctl.render.steps import write_steps

        write_steps(rows, f"Order {order_id}: next", sys.stdout)  # commands copy as printed
        return
    run.emit(rows, columns=NEXT_COLUMNS, title=f"Order {order_id}: next")
