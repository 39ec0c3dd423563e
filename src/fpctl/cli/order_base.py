"""What every ``fpctl order`` module shares: the group, the order id argument, and how a
change prints the order. The commands are in ``order`` (the lifecycle), ``order_talk``,
``order_work`` and ``order_after``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fpctl.cli.completion import complete_orders
from fpctl.cli.invocation import Invocation
from fpctl.cli.numbers import ID
from fpctl.cli.options import group

if TYPE_CHECKING:
    from fpctl.services.context import Context
    from fpctl.store.tables import Order

app = group("order", "Orders: place, follow, deliver, accept, cancel, refund.")

OrderId = Annotated[
    int,
    typer.Argument(metavar="ID", parser=ID, help="The order's id.", autocompletion=complete_orders),
]


def order_view(ctx: Context, order: Order) -> dict[str, Any]:
    """The order as ``order show`` prints it (build it inside the unit of work)."""
    from fpctl.views.orders import OrderViews

    return OrderViews(ctx.session, ctx.now).full(order)


def change(run: Invocation, do: Callable[[Context], Any]) -> None:
    """Run one change on an order in a write unit of work; print the order once committed."""
    with run.work(write=True) as ctx:
        result = do(ctx)
        view = order_view(ctx, result[0] if isinstance(result, tuple) else result)
    run.emit(view)
